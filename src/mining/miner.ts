/**
 * The miner service. It searches one template at a time, in worker threads
 * over disjoint nonce ranges (or inline with `threads: 0`), rolling the extra
 * nonce and time when a header's nonce space runs out.
 *
 * Two ways to use it:
 * - background: `start()`, then `updateTemplate(t)` on every new tip or better
 *   template; found blocks go to `modules.onBlock`. After a block is found the
 *   miner waits for the next template (the node builds one on the new tip).
 * - on demand: `mineBlock(t)` resolves with a solved block (regtest
 *   `generatetoaddress`); it needs no `start()`.
 *
 * Only one search runs at a time: starting one (either way) abandons the
 * previous, whose `mineBlock` promise rejects with `MiningError('abandoned')`.
 */
import type { Block } from '../primitives/block.js';
import { miningError, MiningError } from './errors.js';
import { resolveMinerOptions, type MinerOptions } from './options.js';
import { HeaderHasher, targetToWords } from './sha256-header.js';
import type { BlockTemplate } from './template.js';
import { WorkCursor } from './work.js';
import type { LogWriter } from '../util/logger.js';
import { systemClock } from '../util/clock.js';
import { WorkerPool } from './worker-pool.js';
import type { WorkResult } from './worker-protocol.js';

/** Logging the miner needs: the shared logger's debug and warn. */
/** The miner only writes lines. */
export type MinerLogger = LogWriter;

/** Collaborators of the miner. */
export interface MinerModules {
  /** Receives each block found by background mining. Errors it throws are logged, not propagated. */
  onBlock?: (block: Block) => void | Promise<void>;
  logger?: MinerLogger;
  /** Clock in seconds since the epoch, read when rolling the time; defaults to the system clock. */
  now?: () => number;
}

/** Counters since the miner was created. */
export interface MinerStats {
  hashes: number;
  blocksFound: number;
  extraNonceRolls: number;
}

interface Search {
  readonly gen: number;
  readonly cursor: WorkCursor;
  readonly target: Uint32Array;
  readonly resolve: (block: Block) => void;
  readonly reject: (err: MiningError) => void;
}

/** The miner service (see the module comment): `new Miner(opts, modules)`, `start()`, `stop()`. */
export class Miner {
  readonly opts: MinerOptions;
  private readonly modules: MinerModules;
  private readonly counters: MinerStats = { hashes: 0, blocksFound: 0, extraNonceRolls: 0 };
  private pool: WorkerPool | undefined;
  private search: Search | undefined;
  private generation = 0;
  private running = false;
  private template: BlockTemplate | undefined;

  /** @throws MiningError('bad-options') for invalid options. */
  constructor(opts: Partial<MinerOptions> = {}, modules: MinerModules = {}) {
    this.opts = resolveMinerOptions(opts);
    this.modules = modules;
  }

  /** A snapshot of the counters; hashes are counted as workers finish ranges. */
  get stats(): MinerStats {
    return { ...this.counters };
  }

  /** True between `start()` and `stop()`. */
  get isRunning(): boolean {
    return this.running;
  }

  /** True while a search is in progress. */
  get isMining(): boolean {
    return this.search !== undefined;
  }

  /** Starts background mining: spawns the workers and mines the latest template, if any. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.ensurePool();
    if (this.template) this.mineInBackground(this.template);
  }

  /** Stops mining and terminates the workers; resolves once they have exited. */
  async stop(): Promise<void> {
    this.running = false;
    this.template = undefined;
    this.cancel(miningError('abandoned', 'miner stopped'));
    const pool = this.pool;
    this.pool = undefined;
    await pool?.terminate();
  }

  /** A new tip or a better template: drops the current work and, when started, mines `template`. */
  updateTemplate(template: BlockTemplate): void {
    this.template = template;
    if (this.running) this.mineInBackground(template);
  }

  /** Drops the current work (background or `mineBlock`) and forgets the template. */
  abandon(): void {
    this.template = undefined;
    this.cancel(miningError('abandoned', 'work abandoned'));
  }

  /**
   * Mines `template` until a block is found, abandoning any other search.
   * @throws MiningError('aborted') when `signal` fires, 'abandoned' when
   *   superseded or stopped, 'worker-failed' when a worker dies.
   */
  mineBlock(template: BlockTemplate, signal?: AbortSignal): Promise<Block> {
    if (signal?.aborted) return Promise.reject(miningError('aborted', 'mining aborted'));
    const found = this.begin(template);
    if (!signal) return found;
    const search = this.search;
    const onAbort = (): void => this.cancel(miningError('aborted', 'mining aborted'), search);
    signal.addEventListener('abort', onAbort, { once: true });
    const cleanup = (): void => signal.removeEventListener('abort', onAbort);
    found.then(cleanup, cleanup);
    return found;
  }

  private mineInBackground(template: BlockTemplate): void {
    this.begin(template).then(
      (block) => this.deliver(template, block),
      (err: unknown) => {
        if (err instanceof MiningError && (err.code === 'abandoned' || err.code === 'aborted')) return;
        this.modules.logger?.warn({ err }, 'background mining failed');
      },
    );
  }

  private async deliver(template: BlockTemplate, block: Block): Promise<void> {
    if (this.template === template) this.template = undefined;
    this.modules.logger?.debug({ hash: block.hash, height: template.height }, 'block found');
    try {
      await this.modules.onBlock?.(block);
    } catch (err) {
      this.modules.logger?.warn({ err, hash: block.hash }, 'onBlock failed');
    }
  }

  /** Starts a search on `template`, cancelling the current one. */
  private begin(template: BlockTemplate): Promise<Block> {
    this.cancel(miningError('abandoned', 'superseded by a new template'));
    const gen = ++this.generation;
    const now = this.modules.now ?? systemClock;
    const cursor = new WorkCursor(template, {
      rangeSize: this.opts.threads === 0 ? this.opts.chunkSize : this.opts.rangeSize,
      maxNonce: this.opts.maxNonce,
      rollTime: this.opts.rollTime,
      now,
      onRoll: () => this.counters.extraNonceRolls++,
    });
    return new Promise<Block>((resolve, reject) => {
      const search: Search = { gen, cursor, target: targetToWords(template.target), resolve, reject };
      this.search = search;
      if (this.opts.threads === 0) {
        void this.mineInline(search);
        return;
      }
      const pool = this.ensurePool()!;
      pool.setGeneration(gen);
      pool.setActive(true);
      for (const worker of pool.idle()) this.feed(worker);
    });
  }

  /** Ends `search` (by default the current one) with `err`, if it is still running. */
  private cancel(err: MiningError, search = this.search): void {
    if (!search || this.search !== search) return;
    this.endSearch();
    search.reject(err);
  }

  private endSearch(): void {
    this.search = undefined;
    this.generation++;
    this.pool?.setGeneration(this.generation);
    this.pool?.setActive(false);
  }

  /** The worker pool, spawned on first use; undefined with `threads: 0`. */
  private ensurePool(): WorkerPool | undefined {
    if (this.pool || this.opts.threads === 0) return this.pool;
    this.pool = new WorkerPool(this.opts.threads, {
      onResult: (worker, result) => this.onResult(worker, result),
      onFailure: (err) => {
        this.pool = undefined;
        const search = this.search;
        if (search) {
          this.endSearch();
          search.reject(err);
        }
        this.modules.logger?.warn({ err }, 'miner worker failed');
      },
    });
    return this.pool;
  }

  /** Gives an idle worker the next range of the current search, if any. */
  private feed(worker: number): void {
    const search = this.search;
    if (!search || !this.pool) return;
    const range = search.cursor.next();
    this.pool.post(worker, { ...range, gen: search.gen, target: search.target, chunkSize: this.opts.chunkSize });
  }

  private onResult(worker: number, result: WorkResult): void {
    this.counters.hashes += result.hashes;
    const search = this.search;
    if (search && result.gen === search.gen) {
      const block = result.nonce >= 0 ? search.cursor.solve(result.jobId, result.nonce) : undefined;
      search.cursor.release(result.jobId);
      if (block) return this.finish(search, block);
    }
    this.feed(worker);
  }

  private finish(search: Search, block: Block): void {
    this.counters.blocksFound++;
    this.endSearch();
    search.resolve(block);
  }

  /** `threads: 0`: hashes chunk by chunk on this thread, yielding to the event loop in between. */
  private async mineInline(search: Search): Promise<void> {
    const hasher = new HeaderHasher(search.cursor.template.block.header.toBytes());
    let loadedJob = 0;
    while (this.search === search) {
      const range = search.cursor.next();
      if (range.jobId !== loadedJob) hasher.setHeader(range.header);
      loadedJob = range.jobId;
      const nonce = hasher.findNonce(search.target, range.start, range.end);
      this.counters.hashes += nonce >= 0 ? nonce - range.start + 1 : range.end - range.start + 1;
      const block = nonce >= 0 ? search.cursor.solve(range.jobId, nonce) : undefined;
      search.cursor.release(range.jobId);
      if (block) return this.finish(search, block);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
