/**
 * Proof-of-work search. `mine` is pure: it tries nonces in [nonceStart, nonceEnd]
 * on one header and returns the first that meets the target. The miner service
 * runs it inline or in worker threads over disjoint ranges.
 */
import { BlockHeader } from '../primitives/block.js';
import { hashToBigInt } from '../primitives/bytes.js';

/** Returns the first nonce in [nonceStart, nonceEnd] whose header hash is at or under `target`, or null. */
export function mine(header: BlockHeader, target: bigint, nonceStart = 0, nonceEnd = 0xffffffff): number | null {
  for (let nonce = nonceStart; nonce <= nonceEnd; nonce++) {
    if (hashToBigInt(header.with({ nonce }).hashBytes) <= target) return nonce;
  }
  return null;
}
