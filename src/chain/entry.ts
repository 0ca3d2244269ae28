/** In-memory header index: one entry per known header, linked to its parent. */
import type { BlockHeader } from '../primitives/block.js';
import { hashToHex } from '../primitives/bytes.js';
import type { ParentInfo } from '../consensus/block-checks.js';
import { difficultyAnchorTime } from '../consensus/difficulty.js';
import { medianTimePast } from '../consensus/time.js';
import { getBlockWork } from '../consensus/pow.js';
import { BlockStatus, type HeaderRecord } from './records.js';

export class ChainEntry {
  readonly header: BlockHeader;
  readonly hash: Uint8Array;
  readonly hashHex: string;
  readonly height: number;
  readonly chainWork: bigint;
  readonly prev: ChainEntry | null;
  /** Median time past of this block (its time and its 10 ancestors'). */
  readonly medianTimePast: number;
  /** Time of this branch's block 1, which anchors the testnet's difficulty schedule (undefined at genesis). */
  readonly anchorTime: number | undefined;
  status: number;
  /** Order in which the block's data arrived: the first seen wins a tie in work. */
  sequence = 0;
  /** This block and every ancestor have their data: the branch could be connected up to here. */
  linked = false;

  constructor(header: BlockHeader, prev: ChainEntry | null, status: number) {
    this.header = header;
    this.hash = header.hashBytes;
    this.hashHex = hashToHex(this.hash);
    this.prev = prev;
    this.height = prev ? prev.height + 1 : 0;
    this.chainWork = (prev?.chainWork ?? 0n) + getBlockWork(header.bits);
    this.status = status;
    const times: number[] = [header.time];
    for (let e = prev, i = 1; e && i < 11; e = e.prev, i++) times.push(e.header.time);
    this.medianTimePast = medianTimePast(times);
    this.anchorTime = difficultyAnchorTime(this.height, header.time, prev?.anchorTime);
  }

  /** This block as the parent of a new one: what contextual checks and block templates need. */
  asParent(): ParentInfo & { hashBytes: Uint8Array } {
    return { hashBytes: this.hash, height: this.height, time: this.header.time, medianTimePast: this.medianTimePast, anchorTime: this.anchorTime };
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
