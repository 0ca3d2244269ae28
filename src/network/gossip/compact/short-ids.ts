/**
 * BIP152 short transaction ids: 6 bytes of SipHash-2-4 of the wtxid, keyed by
 * the first 16 bytes of SHA256(header || nonce), so that every block (and every
 * salt its relayer picks) gives different ids and a collision ground for one
 * block does nothing for the next.
 */
import type { BlockHeader } from '../../../primitives/block.js';
import { BufferWriter } from '../../../primitives/encoding.js';
import { sha256 } from '../../../primitives/hashes.js';
import { siphash24Halves, sipKeyFromBytes, type SipKey } from '../../../primitives/siphash.js';

/** Bytes of a short id on the wire. */
export const SHORT_ID_SIZE = 6;

/** The SipHash key of a compact block: SHA256 of the 80-byte header and the 8-byte little-endian nonce (BIP152). */
export function shortIdKey(header: BlockHeader, nonce: bigint): SipKey {
  const w = new BufferWriter(88);
  header.encode(w);
  w.u64(nonce);
  return sipKeyFromBytes(sha256(w.finish()).subarray(0, 16));
}

/**
 * The short id of a transaction: the low 48 bits of SipHash-2-4 of its wtxid
 * (internal byte order), as a number (exact: below 2^53).
 */
export function shortId(key: SipKey, wtxidBytes: Uint8Array): number {
  const [lo, hi] = siphash24Halves(key, wtxidBytes);
  return (hi & 0xffff) * 0x1_0000_0000 + lo;
}
