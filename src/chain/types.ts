/** Types shared by the chain's steps (chain.ts, connect.ts) and its callers. */
import type { Block } from '../primitives/block.js';
import type { RuleError } from '../consensus/errors.js';
import type { SignatureCheck } from '../consensus/signatures.js';
import type { ChainEntry } from './entry.js';
import type { ChainError } from './errors.js';
import type { LogWriter } from '../util/logger.js';

/** Verifies signature checks, possibly on worker threads; resolves to the first bad index or -1. */
export interface BatchVerifier {
  verify(checks: readonly SignatureCheck[]): Promise<number>;
  /** Gets ready for a burst of calls (a pool starts its threads); optional. */
  warm?(): Promise<void>;
}

export interface ChainModules {
  verifier?: BatchVerifier;
  /** Seconds since the epoch; injected so tests control "now". */
  clock?: () => number;
  logger?: LogWriter;
  /** Test hook: runs inside each chain-state flush, after its writes are taken, before they are written. */
  beforeFlushWrite?: () => Promise<void>;
}

export type ProcessResult = { status: 'connected' | 'side' | 'orphan' | 'duplicate'; entry?: ChainEntry };

export interface ChainEvents {
  connect: [block: Block, entry: ChainEntry];
  disconnect: [block: Block, entry: ChainEntry];
  reorg: [info: { oldTip: ChainEntry; newTip: ChainEntry; fork: ChainEntry }];
  invalid: [entry: ChainEntry, error: RuleError];
  /** A storage failure (storage-errors.ts): the chain refuses every later change; the node must stop. */
  fatal: [error: ChainError];
}
