/**
 * Which `bits` the next block must carry: fixed on regtest; on testnet,
 * aserti3-2d anchored at block 1 (docs/PROTOCOL.md §7.4).
 */
import { TallyError } from '../primitives/errors.js';
import { asertTarget } from './asert.js';
import type { NetworkParams } from './params.js';

/**
 * Height of the ASERT anchor: the first block after genesis. Its time starts
 * the schedule, so a network launched long after its genesis time is on
 * schedule from its first block instead of thousands of blocks behind.
 */
export const ASERT_ANCHOR_HEIGHT = 1;

/** What the difficulty rule needs to know about the parent of the block being checked. */
export interface ParentForDifficulty {
  height: number;
  time: number;
  /**
   * Time of the parent's ancestor at {@link ASERT_ANCHOR_HEIGHT} (the parent's
   * own time when it is block 1); see {@link difficultyAnchorTime}. ASERT
   * networks need it for every parent above genesis.
   */
  anchorTime?: number | undefined;
}

/**
 * The anchor time seen from a block at `height` with time `time`: its own time
 * at the anchor height, its parent's anchor time above it, none below. A header
 * index stores it per entry, so no ancestor walk is ever needed.
 */
export function difficultyAnchorTime(height: number, time: number, parentAnchorTime: number | undefined): number | undefined {
  return height === ASERT_ANCHOR_HEIGHT ? time : parentAnchorTime;
}

/**
 * Bits required of the child of `parent`. On ASERT networks block 1 carries
 * the rule's `initialBits`; every later block is aserti3-2d with block 1 as the
 * anchor and, as the anchor's parent time, one spacing before block 1's time,
 * so that block 1 itself is on schedule and its child keeps `initialBits`.
 *
 * Throws `TallyError('missing-anchor')` when an ASERT parent above genesis
 * comes without `anchorTime` (a caller's mistake, never a peer's).
 */
export function getNextWorkRequired(parent: ParentForDifficulty, params: NetworkParams): number {
  const rule = params.difficulty;
  if (rule.kind === 'fixed') return params.powLimitBits;
  if (parent.height < ASERT_ANCHOR_HEIGHT) return rule.initialBits;
  if (parent.anchorTime === undefined) {
    throw new TallyError('missing-anchor', `the difficulty of block ${parent.height + 1} needs the time of block ${ASERT_ANCHOR_HEIGHT}`);
  }
  return asertTarget({
    anchorBits: rule.initialBits,
    timeDiff: parent.time - (parent.anchorTime - params.targetSpacing),
    heightDiff: parent.height - ASERT_ANCHOR_HEIGHT,
    targetSpacing: params.targetSpacing,
    halfLife: rule.halfLife,
    powLimit: params.powLimit,
  });
}
