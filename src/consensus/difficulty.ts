/** Which `bits` the next block must carry: fixed on regtest, ASERT (aserti3-2d) on testnet. */
import { asertTarget } from './asert.js';
import type { NetworkParams } from './params.js';

/** What the difficulty rule needs to know about the parent of the block being checked. */
export interface ParentForDifficulty {
  height: number;
  time: number;
}

/**
 * Bits required of the child of `parent`. ASERT needs only the parent's height
 * and time and the fixed anchor, so no ancestor walk is required.
 */
export function getNextWorkRequired(parent: ParentForDifficulty, params: NetworkParams): number {
  const rule = params.difficulty;
  if (rule.kind === 'fixed') return params.powLimitBits;
  return asertTarget({
    anchorBits: rule.anchor.bits,
    timeDiff: parent.time - rule.anchor.parentTime,
    heightDiff: parent.height - rule.anchor.height,
    targetSpacing: params.targetSpacing,
    halfLife: rule.halfLife,
    powLimit: params.powLimit,
  });
}
