/**
 * Proof-of-work search. `mine` is pure: it tries nonces in [nonceStart, nonceEnd]
 * on one header and returns the first that meets the target. The miner service
 * runs the same search (HeaderHasher.findNonce) inline or in worker threads
 * over disjoint ranges.
 */
import type { BlockHeader } from '../primitives/block.js';
import { checkNonceRange, HeaderHasher, targetToWords } from './sha256-header.js';

/**
 * Returns the first nonce in [nonceStart, nonceEnd] whose header hash is at or
 * under `target` (as Core's CheckProofOfWork compares), or null. The header's
 * own nonce is ignored. An empty range (start above end) or a negative target
 * gives null.
 * @throws MiningError('bad-nonce-range') when a bound is not a uint32.
 */
export function mine(header: BlockHeader, target: bigint, nonceStart = 0, nonceEnd = 0xffffffff): number | null {
  checkNonceRange(nonceStart, nonceEnd);
  if (target < 0n || nonceStart > nonceEnd) return null;
  const nonce = new HeaderHasher(header.toBytes()).findNonce(targetToWords(target), nonceStart, nonceEnd);
  return nonce < 0 ? null : nonce;
}
