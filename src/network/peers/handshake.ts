/**
 * The status handshake (PROTOCOL.md §9.1): the dialer sends its status and
 * reads the peer's; the peer learns the dialer's from the request. A peer of
 * another network or genesis is dropped and not dialed again for a while.
 */
import type { LogWriter } from '../../util/logger.js';
import type { PeerStatus } from '../interface.js';
import type { PeerStore } from './peer-store.js';

/** How long a peer of another network is not dialed again. */
export const WRONG_NETWORK_COOLDOWN_SECONDS = 10 * 60;

export interface HandshakeModules {
  store: PeerStore;
  /** Our network's name and genesis hash (display hex). */
  network: { name: string; genesisHash: string };
  /** Our status now (tip and work). */
  ourStatus(): PeerStatus;
  /** The dialer's side: sends our status to `peer` and returns theirs. */
  request(peer: string, ours: PeerStatus): Promise<PeerStatus>;
  disconnect(peer: string): Promise<void>;
  /** A handshaked peer's status changed (sync looks again). */
  onUpdated(peer: string): void;
  logger: LogWriter;
}

export class Handshake {
  constructor(private readonly modules: HandshakeModules) {}

  /** Runs the dialer's side with `peer` and records its answer. */
  async request(peer: string): Promise<void> {
    this.record(peer, await this.modules.request(peer, this.modules.ourStatus()), 'outbound');
  }

  /** Accepts a peer's status, or drops the peer when it is on another network. */
  record(peer: string, status: PeerStatus, direction: 'inbound' | 'outbound'): boolean {
    const { store, network, logger } = this.modules;
    if (status.network !== network.name || status.genesis !== network.genesisHash) {
      logger.info({ peer, network: status.network, genesis: status.genesis }, 'peer is on another network; disconnecting');
      store.coolDown(peer, WRONG_NETWORK_COOLDOWN_SECONDS);
      void this.modules.disconnect(peer);
      return false;
    }
    if (store.recordHandshake(peer, status, direction)) {
      logger.info({ peer, height: status.height, direction, peers: store.handshakedCount }, 'peer connected');
    }
    this.modules.onUpdated(peer);
    return true;
  }

  /** Asks every handshaked peer for its status again. */
  async refreshAll(): Promise<void> {
    for (const [peer] of this.modules.store.handshakes()) {
      await this.request(peer).catch(() => undefined);
    }
  }
}
