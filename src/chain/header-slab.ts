/**
 * Where the block index keeps its headers: every entry lives as long as the node
 * runs, and a BlockHeader object with three Uint8Arrays of its own costs several
 * hundred bytes beyond its 80 (each array brings an ArrayBuffer and a backing
 * store). So each entry's header and hash are copied into shared 80 KiB slabs
 * (112 bytes a block), the entry keeps the slab and a position (entry.ts), and
 * the header is made again when asked, as views into the slab.
 */
import { BlockHeader, HEADER_SIZE, type BlockHeaderFields } from '../primitives/block.js';
import { sha256dHeader } from './header-hash.js';

const SLOT = HEADER_SIZE + 32;
const SLAB_BYTES = SLOT << 10;

/** Where a kept header is: its slab, and its offset there. */
export interface KeptSlot {
  readonly slab: Uint8Array;
  readonly at: number;
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
 * Slots written one after another into slabs of their own: the loader copies each record
 * here as it makes its entry, in height order, so that what walks the entries in that order
 * afterwards (filling the entry table, the best chain) reads the slabs in order too, not at
 * random as the records came (by hash). The packer is itself the KeptSlot of the last copy.
 */
export class SlotPacker implements KeptSlot {
  slab = new Uint8Array(0);
  at = -SLOT;

  /** Copies the header and hash at `fromAt` of `from` into the next slot. */
  copy(from: Uint8Array, fromAt: number): void {
    let at = this.at + SLOT;
    if (at + SLOT > this.slab.length) {
      this.slab = new Uint8Array(SLAB_BYTES);
      at = 0;
    }
    this.at = at;
    const to = this.slab;
    for (let k = 0; k < SLOT; k++) to[at + k] = from[fromAt + k]!;
  }
}

/** layout.ts `h`: header(80) height(u32) status(u8) chainwork(32, BE). */
const RECORD_SIZE = HEADER_SIZE + 5 + 32;

/** Records a slab holds (SLAB_BYTES / SLOT). */
const PER_SLAB = 1024;

/**
 * The header records read at start, packed: record `i`'s header and hash in slab `i >> 10`
 * of its own (slabs shared with the entries made from them), its status in a byte array.
 * A million records cost no object each until they are linked (load.ts).
 */
export class KeptRecords {
  private readonly slabs: Uint8Array[] = [];
  private statuses = new Uint8Array(PER_SLAB);
  /** Each record's height field, or -1 for a rebuilt record: a hint for linking (record-order.ts). */
  private heights = new Int32Array(PER_SLAB);
  private n = 0;

  get count(): number {
    return this.n;
  }

  /**
   * Adds the stored record `value` under `key` (layout.ts `h` hash), or says why it is unusable
   * (and adds nothing): it is too short, or its header does not hash to the key. Core hashes
   * every stored header as it loads its index too (txdb.cpp LoadBlockIndexGuts:
   * `insertBlockIndex(diskindex.ConstructBlockHash())`); compared to the key, the hash finds
   * a damaged record. Core's CheckProofOfWork there is not repeated: the work was checked when
   * the header was accepted, and a header changed since no longer hashes to its key. Nothing
   * is allocated per record (header-hash.ts hashes in the slab).
   */
  add(value: Uint8Array, key: Uint8Array): string | undefined {
    if (value.length < RECORD_SIZE) return `a header record is ${value.length} bytes`;
    const i = this.n;
    this.reserve(i);
    const slab = this.slab(i);
    const at = this.at(i);
    for (let k = 0; k < HEADER_SIZE; k++) slab[at + k] = value[k]!;
    sha256dHeader(slab, at, slab, at + HEADER_SIZE);
    for (let k = 0; k < 32; k++) if (slab[at + HEADER_SIZE + k] !== key[1 + k]) return 'its header does not hash to its key';
    this.statuses[i] = value[HEADER_SIZE + 4]!;
    // Little-endian u32; one of 2^31 or more reads negative, which record-order.ts takes as no hint.
    this.heights[i] = value[HEADER_SIZE]! | (value[HEADER_SIZE + 1]! << 8) | (value[HEADER_SIZE + 2]! << 16) | (value[HEADER_SIZE + 3]! << 24);
    this.n = i + 1;
    return undefined;
  }

  /** Adds a header known to be sound (rebuilt from its block) with `status`. */
  addHeader(header: BlockHeader, status: number): void {
    const i = this.n++;
    this.reserve(i);
    this.slab(i).set(header.toBytes(), this.at(i));
    this.slab(i).set(header.hashBytes, this.at(i) + HEADER_SIZE);
    this.statuses[i] = status;
    this.heights[i] = -1;
  }

  slab(i: number): Uint8Array {
    return this.slabs[i >>> 10]!;
  }

  /** Where record `i` is in its slab. */
  at(i: number): number {
    return (i & (PER_SLAB - 1)) * SLOT;
  }

  status(i: number): number {
    return this.statuses[i]!;
  }

  /** The height record `i` says it has (-1 when rebuilt): only a hint, see record-order.ts. */
  storedHeight(i: number): number {
    return this.heights[i]!;
  }

  /** Makes room for record `i`. */
  private reserve(i: number): void {
    if (this.slabs.length === i >>> 10) this.slabs.push(new Uint8Array(SLAB_BYTES));
    if (i === this.statuses.length) {
      const statuses = new Uint8Array(i * 2);
      statuses.set(this.statuses);
      this.statuses = statuses;
      const heights = new Int32Array(i * 2);
      heights.set(this.heights);
      this.heights = heights;
    }
  }
}
