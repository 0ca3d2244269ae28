/**
 * What the metrics adapter reads. The p2p and rpc collaborators are narrow
 * structural views (P2PService and RpcServer satisfy them) so this adapter
 * needs no import from its sibling adapters.
 */
import type { TallyNode } from '../node/node.js';
import type { NodeLogger } from '../node/logging.js';

/** The parts of the P2P service that metrics read on each scrape. */
export interface MetricsP2P {
  peerInfo(): readonly { direction: string }[];
  totals(): { bytesIn: number; bytesOut: number; gossip: { accept: number; ignore: number; reject: number } };
  syncStatus(): { syncing: boolean; height: number; bestHeight: number } | undefined;
}

/** The part of the RPC server that metrics read on each scrape. */
export interface MetricsRpc {
  /** Requests since start, keyed `"<method> <http status>"`. */
  requestCounts(): Map<string, number>;
}

export interface MetricsModules {
  node: TallyNode;
  p2p?: MetricsP2P;
  rpc?: MetricsRpc;
  logger: NodeLogger;
}
