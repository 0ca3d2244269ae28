/**
 * The verdict on a new block before it is stored (btcd's accept.go, Core's
 * AcceptBlock): known, orphan, acceptable, or invalid, and whether an invalid
 * one should be remembered. Synchronous and free of storage, so that the chain
 * (chain.ts, which then writes LevelDB) and the consensus lab (src/lab, which
 * keeps blocks in memory) judge blocks with the same code.
 */
import type { Block } from '../primitives/block.js';
import { checkBlockContext, checkBlockSanity, headerContext } from '../consensus/block-checks.js';
import { blockError, RuleError } from '../consensus/errors.js';
import type { NetworkParams } from '../consensus/params.js';
import type { BlockIndex } from './block-index.js';
import type { ChainEntry } from './entry.js';
import { BlockStatus } from './records.js';

/** What to do with a new block. */
export type BlockVerdict =
  | { kind: 'duplicate'; entry: ChainEntry }
  | { kind: 'orphan' }
  /** Passed every check that needs no UTXO set; `existing` is its header's entry when one was known. */
  | { kind: 'accept'; parent: ChainEntry; existing: ChainEntry | undefined }
  /** Broke a rule: throw `error`; when `remember` is set, first mark the header invalid with that status flag. */
  | { kind: 'reject'; error: RuleError; remember: { parent: ChainEntry; flag: number } }
  | { kind: 'reject'; error: unknown; remember?: undefined };

/** Judges `block` against `index` at time `now` (seconds). Never throws a rule failure: it returns it. */
export function judgeBlock(block: Block, index: BlockIndex, params: NetworkParams, now: number): BlockVerdict {
  const existing = index.get(block.hash);
  if (existing?.failed) return { kind: 'reject', error: blockError('duplicate-invalid', 'block is known to be invalid') };
  if (existing?.haveData) return { kind: 'duplicate', entry: existing };
  const parent = index.get(block.header.prevHash);
  try {
    checkBlockSanity(block, params);
  } catch (error) {
    // A header without valid proof of work costs nothing to make, so it gets no entry
    // (as processHeader and Core's AcceptBlockHeader); a mutated block says nothing of its header.
    const remember = error instanceof RuleError && error.scope !== 'header' && !error.corruptionPossible && parent;
    return remember ? { kind: 'reject', error, remember: { parent, flag: BlockStatus.FAILED } } : { kind: 'reject', error };
  }
  if (!parent) return { kind: 'orphan' };
  if (parent.failed) {
    return { kind: 'reject', error: blockError('bad-prevblk', 'previous block is invalid'), remember: { parent, flag: BlockStatus.FAILED_PARENT } };
  }
  try {
    checkBlockContext(block, headerContext(parent.asParent(), params, now));
  } catch (error) {
    // A block too far in the future may become valid later; anything else is final.
    const remember = error instanceof RuleError && error.code !== 'time-too-new';
    return remember ? { kind: 'reject', error, remember: { parent, flag: BlockStatus.FAILED } } : { kind: 'reject', error };
  }
  return { kind: 'accept', parent, existing };
}
