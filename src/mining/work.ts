/**
 * Hands out disjoint nonce ranges over a template, rolling the extra nonce
 * (and the time) when the nonce space of the current header is used up.
 * Single-threaded bookkeeping for the miner service; no hashing here.
 */
import { Block } from '../primitives/block.js';
import { MAX_NONCE } from './options.js';
import { buildTemplateBlock, type BlockTemplate } from './template.js';

/** One range of nonces over one header version ("job"). */
export interface WorkRange {
  readonly jobId: number;
  /** The 80-byte header; its nonce field is irrelevant. */
  readonly header: Uint8Array;
  readonly start: number;
  readonly end: number;
}

/** How a {@link WorkCursor} splits and rolls the nonce space. */
export interface WorkCursorOptions {
  rangeSize: number;
  /** Last nonce of each header's nonce space (MAX_NONCE outside tests). */
  maxNonce?: number;
  /** Move the time up to `now()` on each roll. */
  rollTime: boolean;
  /** Clock in seconds. */
  now: () => number;
  /** Called after each roll with the new extra nonce. */
  onRoll?: (extraNonce: bigint) => void;
}

interface Job {
  readonly id: number;
  readonly block: Block;
  readonly header: Uint8Array;
  /** Ranges handed out and not yet released. */
  outstanding: number;
}

/** Issues ranges of a template and turns a found nonce back into a block. */
export class WorkCursor {
  readonly template: BlockTemplate;
  private readonly opts: WorkCursorOptions;
  private readonly maxNonce: number;
  /** Jobs a range may still report on: the current one and older ones with ranges out. */
  private readonly jobs = new Map<number, Job>();
  private current: Job;
  private nextNonce = 0;
  private rolls = 0;

  constructor(template: BlockTemplate, opts: WorkCursorOptions) {
    this.template = template;
    this.opts = opts;
    this.maxNonce = opts.maxNonce ?? MAX_NONCE;
    this.current = this.addJob(template.block);
  }

  /** The next range; never runs out, since exhausting a header rolls to a new one. */
  next(): WorkRange {
    if (this.nextNonce > this.maxNonce) this.roll();
    const start = this.nextNonce;
    const end = Math.min(start + this.opts.rangeSize - 1, this.maxNonce);
    this.nextNonce = end + 1;
    this.current.outstanding++;
    return { jobId: this.current.id, header: this.current.header, start, end };
  }

  /** Marks a range of `jobId` finished, forgetting old jobs nothing refers to any more. */
  release(jobId: number): void {
    const job = this.jobs.get(jobId);
    if (!job) return;
    job.outstanding--;
    if (job.outstanding <= 0 && job !== this.current) this.jobs.delete(jobId);
  }

  /**
   * The solved block for `nonce` found in `jobId`, or undefined when the job
   * is no longer known (its ranges were all released).
   */
  solve(jobId: number, nonce: number): Block | undefined {
    const job = this.jobs.get(jobId);
    if (!job) return undefined;
    return new Block(job.block.header.with({ nonce }), job.block.transactions);
  }

  private roll(): void {
    this.rolls++;
    const extraNonce = this.template.extraNonce + BigInt(this.rolls);
    const time = this.opts.rollTime ? Math.max(this.template.time, Math.floor(this.opts.now())) : this.template.time;
    this.current = this.addJob(buildTemplateBlock(this.template, { extraNonce, time }));
    this.nextNonce = 0;
    this.opts.onRoll?.(extraNonce);
  }

  private addJob(block: Block): Job {
    // Job ids are roll counts: unique within the cursor, 0 for the template's own block.
    const job: Job = { id: this.rolls, block, header: block.header.toBytes(), outstanding: 0 };
    this.jobs.set(job.id, job);
    // The previous current job may now be idle: drop it unless a range still refers to it.
    for (const [id, old] of this.jobs) if (old !== job && old.outstanding <= 0) this.jobs.delete(id);
    return job;
  }
}
