/**
 * aserti3-2d: the absolutely scheduled exponentially rising targets difficulty
 * algorithm, as specified for Bitcoin Cash's November 2020 upgrade
 * (https://upgradespecs.bitcoincashnode.org/2020-11-15-asert/). Integer-only
 * and bit-exact with the spec's reference `CalculateASERT`; bigint replaces
 * its int64 / arith_uint256 arithmetic.
 */
import { TallyError } from '../primitives/errors.js';
import { bitsToTarget, targetToBits } from './pow.js';

/** Inputs of {@link asertNextTarget} besides the reference target. */
export interface AsertParams {
  /** Parent block's time minus the anchor block's parent's time, in seconds (may be negative). */
  timeDiff: number | bigint;
  /** Parent block's height minus the anchor block's height (>= 0). */
  heightDiff: number | bigint;
  /** Ideal block interval in seconds (600 on Bitcoin Cash). */
  targetSpacing: number;
  /** Seconds of schedule drift that double or halve the target (172,800 = 2 days). */
  halfLife: number;
  /** Easiest target allowed; the result is clamped to it. */
  powLimit: bigint;
}

/**
 * The next target relative to the anchor block's target `refTarget`: the
 * spec's `CalculateASERT`, approximating
 * `refTarget * 2^((timeDiff - targetSpacing * (heightDiff + 1)) / halfLife)`
 * in 16.16 fixed point with a cubic for the fractional power of two.
 * The result lies in `[1, powLimit]`.
 *
 * Throws `TallyError('out-of-range')` where the reference implementation
 * asserts: `refTarget` outside `(0, powLimit]`, `powLimit >= 2^256`, a negative
 * `heightDiff`, or `|timeDiff - targetSpacing * heightDiff| >= 2^47` (beyond
 * which the reference int64 arithmetic could overflow).
 */
export function asertNextTarget(refTarget: bigint, params: AsertParams): bigint {
  const { powLimit } = params;
  const timeDiff = toBigInt('timeDiff', params.timeDiff);
  const heightDiff = toBigInt('heightDiff', params.heightDiff);
  const spacing = toBigInt('targetSpacing', params.targetSpacing);
  const halfLife = toBigInt('halfLife', params.halfLife);

  // The reference needs 32 spare bits (powLimit < 2^224) so its 256-bit
  // `refTarget * factor` cannot overflow. bigint cannot overflow, so any 256-bit
  // limit gives the exact clamped result; Tally's testnet limit is about 2^236.
  if (powLimit >> 256n !== 0n) precondition('powLimit must fit in 256 bits');
  if (refTarget <= 0n || refTarget > powLimit) precondition('refTarget must be in (0, powLimit]');
  if (heightDiff < 0n) precondition('heightDiff must not be negative');
  if (spacing <= 0n || halfLife <= 0n) precondition('targetSpacing and halfLife must be positive');
  const drift = timeDiff - spacing * heightDiff;
  if ((drift < 0n ? -drift : drift) >= 1n << 47n) precondition('|timeDiff - targetSpacing * heightDiff| must be below 2^47');

  // bigint `/` truncates toward zero, matching the reference's C++ int64 division.
  const exponent = ((timeDiff - spacing * (heightDiff + 1n)) * 65536n) / halfLife;
  // bigint `>>` floors like the reference's arithmetic shift, so `frac` is the
  // non-negative remainder and 2^(exponent/65536) = 2^shifts * 2^(frac/65536).
  let shifts = exponent >> 16n;
  const frac = exponent & 0xffffn;

  // 65536 * 2^(frac/65536), error under 0.013%. The sum stays below 2^64, so
  // the reference's uint64 arithmetic never wraps and bigint gives the same value.
  const factor = 65536n + ((195766423245049n * frac + 971821376n * frac * frac + 5127n * frac * frac * frac + (1n << 47n)) >> 48n);
  let nextTarget = refTarget * factor;

  // Undo factor's 2^16 scaling along with the integer power of two.
  shifts -= 16n;
  if (shifts <= 0n) {
    nextTarget >>= -shifts;
  } else {
    // The reference clamps to powLimit when the shift would overflow 256 bits;
    // unbounded bigint gets there through the powLimit clamp below.
    nextTarget <<= shifts;
  }

  if (nextTarget === 0n) return 1n; // 0 is not a valid target, 1 is.
  return nextTarget > powLimit ? powLimit : nextTarget;
}

/**
 * Compact `bits` required of the block after a parent, per aserti3-2d
 * (https://upgradespecs.bitcoincashnode.org/2020-11-15-asert/,
 * `GetNextASERTWorkRequired`): the anchor block's target from `anchorBits`,
 * moved by {@link asertNextTarget}, clamped to `powLimit`, re-encoded.
 *
 * `timeDiff` is the parent's time minus the anchor block's parent's time;
 * `heightDiff` is the parent's height minus the anchor block's height. Pass
 * bigints when heights may exceed 2^53.
 *
 * Throws `RuleError('header', 'bad-diffbits')` for unusable `anchorBits`, and
 * as {@link asertNextTarget} on violated preconditions.
 */
export function asertTarget({
  anchorBits,
  timeDiff,
  heightDiff,
  targetSpacing,
  halfLife,
  powLimit,
}: {
  anchorBits: number;
  timeDiff: number | bigint;
  heightDiff: number | bigint;
  targetSpacing: number;
  halfLife: number;
  powLimit: bigint;
}): number {
  const refTarget = bitsToTarget(anchorBits);
  return targetToBits(asertNextTarget(refTarget, { timeDiff, heightDiff, targetSpacing, halfLife, powLimit }));
}

function toBigInt(name: string, v: number | bigint): bigint {
  if (typeof v === 'bigint') return v;
  // Unsafe numbers have already lost precision; refuse rather than compute from a rounded value.
  if (!Number.isSafeInteger(v)) precondition(`${name} must be a safe integer or a bigint`);
  return BigInt(v);
}

function precondition(message: string): never {
  throw new TallyError('out-of-range', `aserti3-2d: ${message}`);
}
