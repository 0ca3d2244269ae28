/** What headers sync and block download need from the sync manager that owns them. */
import type { LogWriter } from '../util/logger.js';
import type { SyncNetwork, SyncNode } from '../network/interface.js';
import type { PeerState } from './peer-state.js';

export interface SyncContext {
  readonly network: SyncNetwork;
  readonly node: SyncNode;
  readonly log: LogWriter;
  readonly clock: () => number;
  readonly peers: ReadonlyMap<string, PeerState>;
  /** The one place penalties go through (it also drops a banned peer's work). */
  punish(peerId: string, score: number, reason: string): void;
  /** Asks for another scheduling pass soon. */
  schedule(): void;
  /** `peerId` delivered `bytes` of requested blocks (for the progress rates). */
  delivered(peerId: string, bytes: number): void;
  /** Registers a background task so that stop() can wait for it. */
  track(task: Promise<unknown>): void;
  isRunning(): boolean;
}
