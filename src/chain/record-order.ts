/**
 * The order in which the stored header records become entries at start: each
 * record's parent is found through an open-addressing table over the records'
 * own hashes (typed arrays only: no string key, Map slot or object per record,
 * which cost a million allocations at a million blocks), each height follows
 * from its parent's, and the records that reach a root are listed by height
 * (a counting sort), so every parent comes before its children.
 *
 * Most starts take a faster path: the records are taken in the order of the
 * heights they store, and each one's parent is looked for among the records
 * one lower, just visited (on the best chain, the one before it), so a record
 * costs one cache miss (its own slab) instead of three (a table slot and two
 * slabs), and the heights need no second pass. The stored heights are never
 * trusted: a parent is matched by its hash, and when a record's parent is not
 * where its height says, the general path above runs instead.
 */
import { HEADER_SIZE } from '../primitives/block.js';

/** Records packed in slabs, as header-slab.ts's KeptRecords holds them: header(80) then hash(32) at `at(i)`. */
export interface SlabRecords {
  readonly count: number;
  slab(i: number): Uint8Array;
  at(i: number): number;
  /**
   * The height the record says it has (-1 when unknown): a hint where to look for its parent
   * first, among the records one lower. Never trusted: a parent is found by its hash, heights
   * follow from parents, and a wrong hint only costs the table lookup it would have saved.
   */
  storedHeight(i: number): number;
}

/** `parent` of a record whose previous-block hash is all zero: a genesis header. */
export const ROOT = -1;
/** `parent` of a record whose parent is not among the records. */
export const MISSING = -2;

/** `height` of a record that does not reach a root. */
const UNLINKED = -1;
const VISITING = -2;
const UNKNOWN = -3;

export interface RecordOrder {
  /** The records that reach a root, by height (key order within one), so parents come first. */
  readonly order: Int32Array;
  /** Each record's parent: its index, ROOT or MISSING. */
  readonly parent: Int32Array;
  /** Each record's height, or -1 when it does not reach a root. */
  readonly height: Int32Array;
}

/** Orders `records` for linking (see the module comment). */
export function orderRecords(records: SlabRecords): RecordOrder {
  const fast = orderByStoredHeight(records);
  if (fast) return fast;
  const parent = findParents(records, hashTable(records));
  const height = heightsOf(parent);
  return { order: byHeight(height), parent, height };
}

/** The first four bytes at `o` of `slab`, as an unsigned number: hashes are uniform, so this spreads them. */
function prefixAt(slab: Uint8Array, o: number): number {
  return (slab[o]! | (slab[o + 1]! << 8) | (slab[o + 2]! << 16) | (slab[o + 3]! << 24)) >>> 0;
}

function sameHash(a: Uint8Array, ao: number, b: Uint8Array, bo: number): boolean {
  for (let i = 0; i < 32; i++) if (a[ao + i] !== b[bo + i]) return false;
  return true;
}

function isZero(slab: Uint8Array, o: number): boolean {
  for (let i = 0; i < 32; i++) if (slab[o + i] !== 0) return false;
  return true;
}

/** Slots of 1 + a record's index (0: empty); at least twice as many slots as records. */
function hashTable(records: SlabRecords): Int32Array {
  let size = 2;
  while (size < 2 * records.count) size *= 2;
  const table = new Int32Array(size);
  const mask = size - 1;
  for (let i = 0; i < records.count; i++) {
    let s = prefixAt(records.slab(i), records.at(i) + HEADER_SIZE) & mask;
    while (table[s] !== 0) s = (s + 1) & mask;
    table[s] = i + 1;
  }
  return table;
}

/** The record whose hash is the 32 bytes at `o` of `slab`, or MISSING. */
function findRecord(records: SlabRecords, table: Int32Array, slab: Uint8Array, o: number): number {
  const mask = table.length - 1;
  for (let s = prefixAt(slab, o) & mask; table[s] !== 0; s = (s + 1) & mask) {
    const j = table[s]! - 1;
    if (sameHash(records.slab(j), records.at(j) + HEADER_SIZE, slab, o)) return j;
  }
  return MISSING;
}

function findParents(records: SlabRecords, table: Int32Array): Int32Array {
  const parent = new Int32Array(records.count);
  for (let i = 0; i < records.count; i++) {
    const slab = records.slab(i);
    const prevAt = records.at(i) + 4;
    parent[i] = isZero(slab, prevAt) ? ROOT : findRecord(records, table, slab, prevAt);
  }
  return parent;
}

/** The records by the heights they store, or undefined when one is out of range. */
function storedOrder(records: SlabRecords): { stored: Int32Array; members: Int32Array } | undefined {
  const n = records.count;
  const stored = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const h = records.storedHeight(i);
    if (!(h >= 0 && h <= n)) return undefined;
    stored[i] = h;
  }
  return { stored, members: byHeight(stored) };
}

/** The fast path (module comment): undefined when a stored height is wrong. */
function orderByStoredHeight(records: SlabRecords): RecordOrder | undefined {
  const byStored = storedOrder(records);
  if (!byStored) return undefined;
  const { stored, members } = byStored;
  const n = records.count;
  const parent = new Int32Array(n);
  const height = new Int32Array(n).fill(UNLINKED);
  const order = new Int32Array(n);
  let linked = 0;
  let table: Int32Array | undefined;
  // members[below..here) hold the height one under the current record's; members[here..k) its own.
  for (let k = 0, below = 0, here = 0, current = -1; k < n; k++) {
    const i = members[k]!;
    const h = stored[i]!;
    if (h !== current) {
      below = h === current + 1 ? here : k;
      here = k;
      current = h;
    }
    const slab = records.slab(i);
    const prevAt = records.at(i) + 4;
    let p: number;
    if (isZero(slab, prevAt)) {
      if (h !== 0) return undefined;
      p = ROOT;
    } else {
      p = findAmong(records, members, below, here, slab, prevAt);
      // Not one lower: missing, or the stored heights are wrong (then the general path).
      if (p === MISSING && findRecord(records, (table ??= hashTable(records)), slab, prevAt) !== MISSING) return undefined;
    }
    parent[i] = p;
    if (p === ROOT || (p >= 0 && height[p] !== UNLINKED)) {
      height[i] = h;
      order[linked++] = i;
    }
  }
  return { order: order.subarray(0, linked), parent, height };
}

/** The record among `members[from..to)` whose hash is the 32 bytes at `o` of `slab`, or MISSING. */
function findAmong(records: SlabRecords, members: Int32Array, from: number, to: number, slab: Uint8Array, o: number): number {
  for (let k = from; k < to; k++) {
    const j = members[k]!;
    if (sameHash(records.slab(j), records.at(j) + HEADER_SIZE, slab, o)) return j;
  }
  return MISSING;
}

/** Heights from parents, each record visited once: a walk up to a known height, then back down. */
export function heightsOf(parent: Int32Array): Int32Array {
  const n = parent.length;
  const height = new Int32Array(n).fill(UNKNOWN);
  const stack = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let sp = 0;
    for (let x = i; height[x] === UNKNOWN; ) {
      height[x] = VISITING;
      stack[sp++] = x;
      const p = parent[x]!;
      if (p < 0) break;
      x = p;
    }
    if (sp === 0) continue;
    const base = baseHeight(parent[stack[sp - 1]!]!, height);
    if (base === NOWHERE) while (sp > 0) height[stack[--sp]!] = UNLINKED;
    else for (let h = base; sp > 0; ) height[stack[--sp]!] = ++h;
  }
  return height;
}

/** baseHeight of a walk that reaches no root. */
const NOWHERE = -10;

/** The height of the parent `p` of the highest record of a walk: -1 under a root, NOWHERE when it reaches none. */
function baseHeight(p: number, height: Int32Array): number {
  if (p === ROOT) return -1;
  if (p === MISSING) return NOWHERE;
  const h = height[p]!;
  // VISITING: a cycle, which hashes cannot make; only damage could, and it links to nothing.
  return h === VISITING || h === UNLINKED ? NOWHERE : h;
}

/** The indices of records with a height, by height (a counting sort; index order within one height). */
export function byHeight(height: Int32Array): Int32Array {
  let max = -1;
  let linked = 0;
  for (const h of height) {
    if (h > max) max = h;
    if (h >= 0) linked++;
  }
  const start = new Int32Array(max + 2);
  for (const h of height) if (h >= 0) start[h + 1]!++;
  for (let h = 1; h <= max + 1; h++) start[h]! += start[h - 1]!;
  const order = new Int32Array(linked);
  for (let i = 0; i < height.length; i++) {
    const h = height[i]!;
    if (h >= 0) order[start[h]!++] = i;
  }
  return order;
}
