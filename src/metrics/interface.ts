/**
 * What the metrics adapter reads. The p2p and rpc collaborators are narrow
 * structural views (P2PService and RpcServer satisfy them) so this adapter
 * needs no import from its sibling adapters.
 */
import type { EventEmitter } from 'node:events';
import type { ChainReader, MempoolReader, NodeEvents } from '../node/interface.js';
import type { Logger } from '../util/logger.js';

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

/** What metrics read of the node (TallyNode satisfies it): the chain, the mempool, the miner's totals and the events. */
export interface MetricsNode extends Pick<EventEmitter<NodeEvents>, 'on' | 'off'> {
  readonly chain: ChainReader;
  readonly mempool: MempoolReader;
  readonly miner: { readonly stats: { readonly hashes: number; readonly blocksFound: number } };
}

export interface MetricsModules {
  node: MetricsNode;
  p2p?: MetricsP2P;
  rpc?: MetricsRpc;
  logger: Logger;
}
