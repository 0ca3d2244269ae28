/**
 * Proof of work: Bitcoin's compact target encoding ("nBits"), chain work and
 * the hash-below-target check. Pure functions mirroring Bitcoin Core's
 * `arith_uint256::SetCompact` / `GetCompact` and `pow.cpp`.
 */
import { hashFromHex, hashToBigInt } from '../primitives/bytes.js';
import { EncodingError } from '../primitives/errors.js';
import { headerError } from './errors.js';

const TWO_256 = 1n << 256n;
const MAX_UINT256 = TWO_256 - 1n;

/** What Core's `SetCompact` yields for a compact value, flags included. */
export interface DecodedBits {
  /**
   * The magnitude, truncated to 256 bits like Core's `arith_uint256` (only
   * matters when `overflow` is set). Never negative: the sign is in `negative`.
   */
  target: bigint;
  /** Sign bit 0x00800000 set on a non-zero mantissa. */
  negative: boolean;
  /** The value does not fit in 256 bits. */
  overflow: boolean;
}

/**
 * Decodes compact `bits` exactly as Bitcoin Core's `arith_uint256::SetCompact`
 * (src/arith_uint256.cpp), reporting the negative and overflow flags rather
 * than rejecting them. Consensus callers want {@link bitsToTarget}.
 */
export function decodeBits(bits: number): DecodedBits {
  checkUint32('bits', bits);
  const size = bits >>> 24;
  let word = bits & 0x007fffff;
  let target: bigint;
  if (size <= 3) {
    // Core shifts the mantissa before testing the sign, so a sign bit whose
    // mantissa is shifted out entirely (e.g. 0x01803456) is not negative.
    word >>>= 8 * (3 - size);
    target = BigInt(word);
  } else {
    target = (BigInt(word) << BigInt(8 * (size - 3))) & MAX_UINT256;
  }
  const negative = word !== 0 && (bits & 0x00800000) !== 0;
  const overflow = word !== 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
  return { target, negative, overflow };
}

/**
 * The target encoded by compact `bits` (Core's `SetCompact`).
 *
 * Throws `RuleError('header', 'bad-diffbits')` for encodings Core's
 * `CheckProofOfWork` rejects outright: negative, overflowing or zero targets.
 * It does not check a network's `powLimit`; see {@link checkHeaderProofOfWork}.
 */
export function bitsToTarget(bits: number): bigint {
  const { target, negative, overflow } = decodeBits(bits);
  if (negative) throw headerError('bad-diffbits', `negative target in bits 0x${hex32(bits)}`);
  if (overflow) throw headerError('bad-diffbits', `target overflows 256 bits in bits 0x${hex32(bits)}`);
  if (target === 0n) throw headerError('bad-diffbits', `zero target in bits 0x${hex32(bits)}`);
  return target;
}

/**
 * Compact encoding of `target` (Core's `arith_uint256::GetCompact` with
 * `fNegative = false`). Lossy: only the top 2-3 significant bytes survive.
 * Throws `EncodingError('out-of-range')` unless `0 <= target < 2^256`.
 */
export function targetToBits(target: bigint): number {
  if (typeof target !== 'bigint' || target < 0n || target > MAX_UINT256) {
    throw new EncodingError('out-of-range', 'target must be an integer in [0, 2^256)');
  }
  let size = byteLength(target);
  let compact: number;
  if (size <= 3) {
    compact = Number(target) << (8 * (3 - size));
  } else {
    compact = Number(target >> BigInt(8 * (size - 3)));
  }
  // 0x00800000 is the sign bit, so a mantissa that would set it moves one byte
  // down and the exponent up, keeping every encoded target non-negative.
  if (compact & 0x00800000) {
    compact >>>= 8;
    size++;
  }
  return ((size << 24) | compact) >>> 0;
}

/**
 * Expected number of hashes to meet `bits`: 2^256 / (target + 1), computed as
 * Core's `GetBlockProof` (src/chain.cpp) does. 0n when the bits are negative,
 * overflowing or zero, as in Core, so invalid headers add no chain work.
 */
export function getBlockWork(bits: number): bigint {
  const { target, negative, overflow } = decodeBits(bits);
  if (negative || overflow || target === 0n) return 0n;
  // 2^256 itself does not fit Core's 256-bit integers, hence ~target.
  return (MAX_UINT256 - target) / (target + 1n) + 1n;
}

/**
 * Core's `CheckProofOfWorkImpl` (src/pow.cpp) over a 256-bit hash value:
 * false on negative, zero or overflowing bits, on a target above `powLimit`
 * (when given) and on a hash above the target.
 */
function meetsTarget(hashValue: bigint, bits: number, powLimit?: bigint): boolean {
  const { target, negative, overflow } = decodeBits(bits);
  if (negative || overflow || target === 0n) return false;
  if (powLimit !== undefined && target > powLimit) return false;
  return hashValue <= target;
}

/**
 * True iff the block hash `headerHashHex` (display hex, as explorers and RPC
 * show it) satisfies `bits`, per Core's `CheckProofOfWork`. `powLimit`, when
 * given, also rejects targets easier than the network allows.
 * Throws `EncodingError('bad-hash')` when the hash is not 64 hex digits.
 */
export function checkProofOfWork(headerHashHex: string, bits: number, powLimit?: bigint): boolean {
  return meetsTarget(hashToBigInt(hashFromHex(headerHashHex)), bits, powLimit);
}

/**
 * {@link checkProofOfWork} for a 32-byte hash in internal (little-endian)
 * order, as produced by double-SHA256 of the serialized header.
 */
export function verifyHeaderHash(hash: Uint8Array, bits: number, powLimit: bigint): boolean {
  checkHash(hash);
  return meetsTarget(hashToBigInt(hash), bits, powLimit);
}

/**
 * Throwing form of {@link verifyHeaderHash}, giving Core's reject reasons:
 * `RuleError('header', 'bad-diffbits')` for unusable bits or a target above
 * `powLimit`, `RuleError('header', 'high-hash')` for a hash above the target.
 */
export function checkHeaderProofOfWork(hash: Uint8Array, bits: number, powLimit: bigint): void {
  checkHash(hash);
  const target = bitsToTarget(bits);
  if (target > powLimit) throw headerError('bad-diffbits', `target of bits 0x${hex32(bits)} is above the proof-of-work limit`);
  if (hashToBigInt(hash) > target) throw headerError('high-hash', 'proof of work failed: hash above target');
}

function checkHash(hash: Uint8Array): void {
  if (!(hash instanceof Uint8Array) || hash.length !== 32) {
    throw new EncodingError('bad-hash', 'hash expected 32 bytes');
  }
}

function checkUint32(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new EncodingError('out-of-range', `${name} must be a uint32`);
  }
}

/** Bytes needed to hold `n` (0 for 0): Core's `(bits() + 7) / 8`. */
function byteLength(n: bigint): number {
  return n === 0n ? 0 : Math.ceil(n.toString(16).length / 2);
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}
