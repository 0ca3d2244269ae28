/**
 * Where the block index keeps its headers: every entry lives as long as the node
 * runs, and a BlockHeader object with three Uint8Arrays of its own costs several
 * hundred bytes beyond its 80 (each array brings an ArrayBuffer and a backing
 * store). So each entry's header and hash are copied into shared 80 KiB slabs
 * (112 bytes a block), the entry keeps the slab and a position (entry.ts), and
 * the header is made again when asked, as views into the slab.
 */
import { BlockHeader, HEADER_SIZE, type BlockHeaderFields } from '../primitives/block.js';
import { createHash } from 'node:crypto';
import { equalBytes } from '../primitives/bytes.js';

const SLOT = HEADER_SIZE + 32;
const SLAB_BYTES = SLOT << 10;

/** Where a kept header is: its slab, and its offset there. */
export interface KeptSlot {
  readonly slab: Uint8Array;
  readonly at: number;
}

/** A stored header index record read at start, its header kept: what linking the index needs, and no more. */
export interface KeptRecord extends KeptSlot {
  status: number;
}

/** A header whose bytes and hash are in a slab: its hash is never computed again. */
export class KeptHeader extends BlockHeader implements KeptSlot {
  constructor(
    readonly slab: Uint8Array,
    readonly at: number,
  ) {
    super(fieldsAt(slab, at));
  }

  override get hashBytes(): Uint8Array {
    return this.slab.subarray(this.at + HEADER_SIZE, this.at + SLOT);
  }
}

function fieldsAt(slab: Uint8Array, at: number): BlockHeaderFields {
  const v = new DataView(slab.buffer, slab.byteOffset + at, HEADER_SIZE);
  return {
    version: v.getInt32(0, true),
    prevHashBytes: slab.subarray(at + 4, at + 36),
    merkleRootBytes: slab.subarray(at + 36, at + 68),
    time: v.getUint32(68, true),
    bits: v.getUint32(72, true),
    nonce: v.getUint32(76, true),
  };
}

/** The time field of the header at `at` of `slab`, without making the header. */
export function timeAt(slab: Uint8Array, at: number): number {
  return (slab[at + 68]! | (slab[at + 69]! << 8) | (slab[at + 70]! << 16)) + slab[at + 71]! * 0x1000000;
}

/** The bits field of the header at `at` of `slab`. */
export function bitsAt(slab: Uint8Array, at: number): number {
  return (slab[at + 72]! | (slab[at + 73]! << 8) | (slab[at + 74]! << 16)) + slab[at + 75]! * 0x1000000;
}

let current = new Uint8Array(0);
let used = 0;

/** Copies an 80-byte header and its hash into the current slab; where they went. */
function store(header: Uint8Array, hash: Uint8Array): KeptSlot {
  if (used + SLOT > current.length) {
    // A slab is freed with the last entry that uses it (the lab's short-lived chains, say).
    current = new Uint8Array(SLAB_BYTES);
    used = 0;
  }
  const at = used;
  used += SLOT;
  current.set(header, at);
  current.set(hash, at + HEADER_SIZE);
  return { slab: current, at };
}

/** Where `header` is kept: copied into a slab unless it is there already. */
export function keepHeader(header: BlockHeader | KeptSlot): KeptSlot {
  if (header instanceof KeptHeader || !(header instanceof BlockHeader)) return header;
  return store(header.toBytes(), header.hashBytes);
}

/**
 * The header record `value` (layout.ts `h`: header(80) height(u32) status(u8) chainwork(32, BE))
 * stored under `hash`, its header kept in a slab. Only the status is read besides: the entry
 * works out its height and chain work from its parent.
 * @throws Error when it is too short or its header does not hash to `hash`
 */
export function decodeKeptRecord(value: Uint8Array, hash: Uint8Array): KeptRecord {
  if (value.length < HEADER_SIZE + 5 + 32) throw new Error(`a header record is ${value.length} bytes`);
  const bytes = value.subarray(0, HEADER_SIZE);
  // OpenSSL's sha256 rather than the pure-JavaScript one: a million headers are checked at each start.
  const digest = createHash('sha256').update(createHash('sha256').update(bytes).digest()).digest();
  if (!equalBytes(digest, hash)) throw new Error('its header does not hash to its key');
  return { ...store(bytes, hash), status: value[HEADER_SIZE + 4]! };
}

/** The previous-block hash of the kept header at `slot`, as a 32-character map key (latin1: one character a byte). */
export function prevHashKey(slot: KeptSlot): string {
  return Buffer.from(slot.slab.buffer, slot.slab.byteOffset + slot.at + 4, 32).toString('latin1');
}

/** The hash of the kept header at `slot`, as a map key like prevHashKey's. */
export function hashKey(slot: KeptSlot): string {
  return Buffer.from(slot.slab.buffer, slot.slab.byteOffset + slot.at + HEADER_SIZE, 32).toString('latin1');
}
