/** In-memory header index: one entry per known header, linked to its parent. */
import { HEADER_SIZE, type BlockHeader } from '../primitives/block.js';
import type { ParentInfo } from '../consensus/block-checks.js';
import { difficultyAnchorTime } from '../consensus/difficulty.js';
import { medianTimePast } from '../consensus/time.js';
import { getBlockWork } from '../consensus/pow.js';
import { BlockStatus, type HeaderRecord } from './records.js';
import { bitsAt, keepHeader, KeptHeader, timeAt, type KeptSlot } from './header-slab.js';

/** Work by compact target: a chain has few distinct targets, and loading a million entries should not decode each. */
const WORK = new Map<number, bigint>();

function workOf(bits: number): bigint {
  let work = WORK.get(bits);
  if (work === undefined) {
    work = getBlockWork(bits);
    if (WORK.size < 4096) WORK.set(bits, work);
  }
  return work;
}

export class ChainEntry {
  /** The slab that holds the header and hash (header-slab.ts), and where: a few bytes a block instead of a BlockHeader's hundreds. */
  private readonly slab: Uint8Array;
  private readonly at: number;
  readonly height: number;
  readonly chainWork: bigint;
  readonly prev: ChainEntry | null;
  /** Time of this branch's block 1, which anchors the testnet's difficulty schedule (undefined at genesis). */
  readonly anchorTime: number | undefined;
  status: number;
  /** Order in which the block's data arrived: the first seen wins a tie in work. */
  sequence = 0;
  /** This block and every ancestor have their data: the branch could be connected up to here. */
  linked = false;
  /**
   * @internal The entry's children in its BlockIndex (kept there, through childrenOf): a
   * field, not a Map of the index, because a Map slot and an array per entry cost about a
   * tenth of what the whole index holds per block.
   */
  kids: ChainEntry | ChainEntry[] | undefined = undefined;

  /** @param header the header, or where one is already kept (the loader's records: header-slab.ts) */
  constructor(header: BlockHeader | KeptSlot, prev: ChainEntry | null, status: number) {
    const kept = keepHeader(header);
    this.slab = kept.slab;
    this.at = kept.at;
    this.prev = prev;
    this.height = prev ? prev.height + 1 : 0;
    this.chainWork = (prev?.chainWork ?? 0n) + workOf(bitsAt(this.slab, this.at));
    this.status = status;
    this.anchorTime = difficultyAnchorTime(this.height, this.time, prev?.anchorTime);
  }

  /** The header, made again from the slab at each call (cheap; hold on to it when used often). */
  get header(): BlockHeader {
    return new KeptHeader(this.slab, this.at);
  }

  /** The block hash, internal byte order (a view into the slab). */
  get hash(): Uint8Array {
    return this.slab.subarray(this.at + HEADER_SIZE, this.at + HEADER_SIZE + 32);
  }

  /** The first four bytes of the hash (internal order), as an unsigned number: the entry table's key. */
  get hashPrefix(): number {
    const s = this.slab;
    const o = this.at + HEADER_SIZE;
    return (s[o]! | (s[o + 1]! << 8) | (s[o + 2]! << 16) | (s[o + 3]! << 24)) >>> 0;
  }

  /** Whether the hash is `hash` (internal order), compared in the slab: no view made. */
  hasHash(hash: Uint8Array): boolean {
    const s = this.slab;
    const o = this.at + HEADER_SIZE;
    for (let i = 0; i < 32; i++) if (s[o + i] !== hash[i]) return false;
    return true;
  }

  /** Whether `other` has the same hash, compared in the slabs. */
  sameHash(other: ChainEntry): boolean {
    const a = this.slab;
    const b = other.slab;
    for (let i = HEADER_SIZE; i < HEADER_SIZE + 32; i++) if (a[this.at + i] !== b[other.at + i]) return false;
    return true;
  }

  /**
   * The block hash as Bitcoin displays it. Made when asked, not kept: the index finds
   * entries by their hash bytes (entry-table.ts), and a kept string costs 80 bytes a block.
   */
  get hashHex(): string {
    return Buffer.from(this.hash).reverse().toString('hex');
  }

  /** The header's time, without making the header. */
  get time(): number {
    return timeAt(this.slab, this.at);
  }

  /** Median time past of this block (its time and its 10 ancestors'), computed when asked: it is not kept per entry. */
  get medianTimePast(): number {
    const times: number[] = [this.time];
    for (let e = this.prev, i = 1; e && i < 11; e = e.prev, i++) times.push(e.time);
    return medianTimePast(times);
  }

  /** This block as the parent of a new one: what contextual checks and block templates need. */
  asParent(): ParentInfo & { hashBytes: Uint8Array } {
    return { hashBytes: this.hash, height: this.height, time: this.time, medianTimePast: this.medianTimePast, anchorTime: this.anchorTime };
  }

  get haveData(): boolean {
    return (this.status & BlockStatus.HAVE_DATA) !== 0;
  }

  get valid(): boolean {
    return (this.status & BlockStatus.VALID) !== 0;
  }

  get failed(): boolean {
    return (this.status & (BlockStatus.FAILED | BlockStatus.FAILED_PARENT)) !== 0;
  }

  /** The ancestor at `height` (this entry when equal). */
  ancestor(height: number): ChainEntry | null {
    if (height === this.height) return this;
    let e = this.prev;
    while (e && e.height > height) e = e.prev;
    return e && e.height === height ? e : null;
  }

  toRecord(): HeaderRecord {
    return { header: this.header, height: this.height, status: this.status, chainWork: this.chainWork };
  }
}

/** The last common ancestor of two entries. */
export function findFork(a: ChainEntry, b: ChainEntry): ChainEntry {
  let x: ChainEntry | null = a;
  let y: ChainEntry | null = b;
  while (x && y && x !== y) {
    if (x.height > y.height) x = x.prev;
    else if (y.height > x.height) y = y.prev;
    else {
      x = x.prev;
      y = y.prev;
    }
  }
  if (!x || x !== y) throw new Error('entries share no ancestor');
  return x;
}
