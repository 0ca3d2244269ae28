/**
 * Writes LevelDB's memtable out after a batch larger than its write buffer.
 *
 * LevelDB starts a fresh memtable only when a write finds the current one past
 * `writeBufferSize`, and a batch always goes into one memtable whole. A flush of
 * the chain-state cache (`--dbcache`: megabytes of coins, undo and index
 * records in one batch) therefore leaves a memtable of that size in native
 * memory until some later write, which on an idle node may never come.
 * Measured with heaptrack on a node of an 8-node scale run (dbcache 4 MB, so a
 * 1 MiB write buffer): after five 1 MB blocks, 8.8 MB of memtable arenas were
 * still allocated, and the node's malloc'd memory stayed at 15 MB against 6 MB
 * before the blocks.
 *
 * Compacting a key range that holds no record writes the memtable to a level-0
 * table first (LevelDB's CompactRange begins with that) and then finds nothing
 * to compact. It runs on LevelDB's side, beside further writes, so it is not
 * awaited by the write that asked for it.
 */

/** The part of a LevelDB handle this module uses. */
export interface CompactableDb {
  compactRange(start: Uint8Array, end: Uint8Array): Promise<void>;
}

/** No record key begins with 0xff (layout.ts's prefixes), so the range [0xff, 0xff] holds nothing. */
export const EMPTY_RANGE_KEY = Uint8Array.of(0xff);

export class MemtableFlusher {
  private running?: Promise<void>;
  private again = false;

  /** @param thresholdBytes LevelDB's write buffer: a batch larger than this is written out at once. */
  constructor(private readonly db: CompactableDb, readonly thresholdBytes: number) {}

  /** Called after each batch of `bytes` (keys and values): a large one is written out, one flush at a time. */
  wrote(bytes: number): void {
    if (bytes <= this.thresholdBytes) return;
    if (this.running) {
      // The memtable being written out may predate this batch: once more after it.
      this.again = true;
      return;
    }
    this.running = this.run();
  }

  /** Resolves once no flush is running (before the database closes). */
  async idle(): Promise<void> {
    await this.running;
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      // Only memory is at stake: a failure here (a full disk) fails the next write, which reports it.
      await this.db.compactRange(EMPTY_RANGE_KEY, EMPTY_RANGE_KEY).catch(() => undefined);
    } while (this.again);
    this.running = undefined;
  }
}

/**
 * A flusher for `db` when it can compact: in Node, `level` is classic-level, which can; its
 * typings are those of every backend, browsers' included, which cannot.
 */
export function memtableFlusherFor(db: object, thresholdBytes: number): MemtableFlusher | undefined {
  const compactable = db as Partial<CompactableDb>;
  return typeof compactable.compactRange === 'function' ? new MemtableFlusher(compactable as CompactableDb, thresholdBytes) : undefined;
}

/** Bytes of the keys and values of `parts` (what a batch puts in the memtable, less LevelDB's few bytes a record). */
export function batchBytes(parts: readonly (readonly { key: Uint8Array; value?: Uint8Array }[])[]): number {
  let bytes = 0;
  for (const ops of parts) for (const op of ops) bytes += op.key.length + (op.value?.length ?? 0);
  return bytes;
}
