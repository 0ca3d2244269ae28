/**
 * A full garbage collection soon after a large block, on a node whose V8 heap
 * is capped small (the small-node setup of docs/OPERATING.md, as `npm run
 * scale` runs a hundred nodes: `--max-old-space-size=160`).
 *
 * Connecting a 1 MB block of 22,000 outputs allocates on the order of 100 MB,
 * much of it live long enough (while the block is verified and written) to be
 * promoted to the old generation. V8 collects that generation when it reaches
 * a limit set at the previous collection, so a node kept some 40 MB of a
 * block's garbage until the next block, or until its memory reducer ran,
 * 8 s or more after it fell idle. Measured on three nodes with the scale
 * run's settings: 168-188 MB of RSS right after a 990 kB block, 130-152 MB two
 * seconds after a collection. A collection of such a heap (about 40 MB live)
 * takes a few tens of ms. Before it, the chain drops the decoded blocks it
 * keeps (Chain.releaseBlockCache): two decoded 1 MB blocks of small outputs
 * were about 19 MB of a settled node's heap, kept until the next blocks.
 * On a large heap (a big mempool, an explorer) a collection
 * would stall the node longer, so a node whose heap may grow past
 * {@link BLOCK_GC_DEFAULTS.maxHeapLimitBytes} is left to V8's own schedule.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface BlockGcOptions {
  /** Blocks smaller than this (serialized bytes) leave too little behind to be worth a collection. */
  minBlockBytes: number;
  /** Only a heap capped at most this (V8's heap_size_limit) is collected. */
  maxHeapLimitBytes: number;
  /** Quiet time after the last large block before collecting: a run of blocks (a sync) gets one collection. */
  delayMs: number;
}

export const BLOCK_GC_DEFAULTS: BlockGcOptions = {
  minBlockBytes: 250_000,
  maxHeapLimitBytes: 512 * 1024 * 1024,
  delayMs: 200,
};

/** True when a block of `blockBytes` on a heap capped at `heapLimitBytes` calls for a collection. */
export function collectsAfter(blockBytes: number, heapLimitBytes: number, opts: BlockGcOptions = BLOCK_GC_DEFAULTS): boolean {
  return blockBytes >= opts.minBlockBytes && heapLimitBytes <= opts.maxHeapLimitBytes;
}

/**
 * V8's full collection: `gc` when the process runs with `--expose-gc`, else exposed for a
 * fresh context (V8 installs it in contexts made after the flag is set); undefined where
 * neither works.
 */
export function fullCollector(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as () => void;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A full collection that also compacts every page of the old generation. A plain one frees a
 * block's garbage but keeps each page a live object is left on, so the heap stays as large as
 * at the block's peak: on a fragmented test heap of 64 MB with 6 MB live, V8's heapTotal stayed
 * at 64 MB after a plain collection and fell to 11 MB (RSS 111 → 58 MB) after this one. The
 * nodes of an 8-node scale run kept 60 MB committed for 34 MB live after the blocks, until V8's
 * memory reducer ran 16 s later; in a 100-node run, where nodes are seldom quiet, RSS had not
 * fallen 20 s after them. The flag is read at each collection, so it is set for this one only.
 */
export function compactingCollector(): (() => void) | undefined {
  const gc = fullCollector();
  if (!gc) return undefined;
  return () => {
    setFlagsFromString('--compact-on-every-full-gc');
    try {
      gc();
    } finally {
      setFlagsFromString('--no-compact-on-every-full-gc');
    }
  };
}

export interface BlockGcModules {
  /** Runs a full collection (default: {@link compactingCollector}, looked up at the first large block). */
  collect?: () => void;
  /** Drops what the node keeps of recent blocks (the chain's decoded blocks), before the collection. */
  release?: () => Promise<void>;
  /** V8's heap size limit, bytes. */
  heapLimit?: () => number;
}

/** Schedules a collection after large blocks (see the module comment). */
export class BlockGc {
  private timer?: NodeJS.Timeout;
  private collect?: () => void;
  private stopped = false;
  private readonly heapLimit: () => number;

  constructor(private readonly opts: BlockGcOptions = BLOCK_GC_DEFAULTS, private readonly modules: BlockGcModules = {}) {
    this.heapLimit = modules.heapLimit ?? (() => getHeapStatistics().heap_size_limit);
  }

  /** Told of every block connected: a large one (re)arms the collection. */
  blockConnected(blockBytes: number): void {
    if (!collectsAfter(blockBytes, this.heapLimit(), this.opts)) return;
    this.collect ??= this.modules.collect ?? compactingCollector();
    if (!this.collect) return;
    clearTimeout(this.timer);
    const collect = this.collect;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.releaseThenCollect(collect);
    }, this.opts.delayMs).unref();
  }

  private async releaseThenCollect(collect: () => void): Promise<void> {
    // A failed release (the chain closing or halted) leaves the blocks kept: collect anyway.
    await this.modules.release?.().catch(() => undefined);
    if (!this.stopped) collect();
  }

  /** True while a collection is scheduled. */
  get scheduled(): boolean {
    return this.timer !== undefined;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
