/**
 * The chain state's write-back cache (Bitcoin Core's CCoinsViewCache over
 * CCoinsViewDB, dcrd's utxo cache): the writes that connecting and
 * disconnecting blocks make to the coin set, the undo records, the indexes,
 * the height records and the coin set's tip (`T`) wait here and reach LevelDB
 * together, in one batch, when the cache is full, on an interval and at
 * shutdown. Reads look here first.
 *
 * Crash safety: a flush is one LevelDB batch holding every write since the last
 * one, taken between two block changes, so the stored coin set is always the
 * one of the tip it records. Blocks (and the block tip `B`) are written per
 * block, so after a crash the chain replays the blocks from the coin set's tip
 * to the block tip (chain.ts, as Core's ReplayBlocks).
 */
import type { BatchOp } from './chaindb.js';

/**
 * A pending write: the value, or null for a delete. The key lives only as the map's
 * string (one character a byte) and is rebuilt at flush: keeping its array too cost
 * about 250 bytes a write (the typed array, its ArrayBuffer, and for keys over 64 bytes
 * a malloc'd store), more than the key and value themselves.
 */
type Pending = Uint8Array | null;

/**
 * What one pending write costs beyond its key (as the map's string key, one character a
 * byte) and value bytes: the Map slot, the string's header and the value's typed array
 * with its ArrayBuffer. Measured: 200,000 pending coin writes took 341 bytes each of heap
 * and array buffers (node 20, after a full GC), 37-byte keys and 48-byte values (603 while
 * each write kept its key array and a record as well).
 */
export const ENTRY_OVERHEAD_BYTES = 256;

/** What a lookup in the cache found: a value, a pending delete (`null`), or nothing cached (undefined). */
export type CacheLookup = Uint8Array | null | undefined;

export interface FlushStats {
  /** Writes in the batch. */
  ops: number;
  /** The cache's estimate of their memory, bytes. */
  bytes: number;
  ms: number;
}

export class StateCache {
  private pending = new Map<string, Pending>();
  /** The writes of the flush in progress: still read here until LevelDB has them. */
  private flushing = new Map<string, Pending>();
  private pendingBytes = 0;
  private inFlight: Promise<unknown> = Promise.resolve();

  /** @param limitBytes flush when the pending writes take more than this (0: the caller writes through). */
  constructor(readonly limitBytes: number) {}

  /** Estimated memory of the pending writes, bytes. */
  get bytes(): number {
    return this.pendingBytes;
  }

  /** Pending writes (not counting a flush in progress). */
  get size(): number {
    return this.pending.size;
  }

  get full(): boolean {
    return this.pendingBytes > this.limitBytes;
  }

  /** True when `ops` alone would take more than the cache holds (see {@link writeThrough}). */
  overflowedBy(ops: readonly BatchOp[]): boolean {
    let bytes = 0;
    for (const op of ops) {
      bytes += entrySize(op.key.length, op.type === 'put' ? op.value.length : 0);
      if (bytes > this.limitBytes) return true;
    }
    return false;
  }

  /** Takes `ops` in, in order (a later write to a key replaces an earlier one). Synchronous: never half applied. */
  apply(ops: readonly BatchOp[]): void {
    for (const op of ops) {
      const id = keyId(op.key);
      const value = op.type === 'put' ? op.value : null;
      const old = this.pending.get(id);
      if (old !== undefined) this.pendingBytes -= entryBytes(id, old);
      this.pending.set(id, value);
      this.pendingBytes += entryBytes(id, value);
    }
  }

  /** The pending value of `key`: a value, null when a delete is pending, undefined when the cache has nothing for it. */
  lookup(key: Uint8Array): CacheLookup {
    const id = keyId(key);
    const value = this.pending.get(id);
    return value !== undefined ? value : this.flushing.get(id);
  }

  /**
   * Writes every pending write with `write` (one LevelDB batch), after any flush in
   * progress. The pending set is taken at once, so the batch is the state between two
   * block changes even while blocks keep connecting. `beforeWrite` (tests) runs after
   * the set is taken and before the batch is written.
   */
  flush(write: (ops: BatchOp[]) => Promise<void>, beforeWrite?: () => Promise<void>): Promise<FlushStats> {
    return this.queue(() => this.flushNow(write, beforeWrite));
  }

  /**
   * Writes `ops` after every pending write, in one batch given to `write` in two parts, after
   * any flush in progress; `ops` never enter the cache. For writes that would overflow it by
   * themselves (a large block in a small cache): the cache would copy them into its map and
   * out again at once, tens of MB of short-lived objects for a block of 20,000 outputs.
   */
  writeThrough(ops: readonly BatchOp[], write: (pending: BatchOp[], ops: readonly BatchOp[]) => Promise<void>): Promise<FlushStats> {
    return this.queue(() => this.flushNow((pending) => write(pending, ops), undefined, ops.length));
  }

  private queue(flush: () => Promise<FlushStats>): Promise<FlushStats> {
    const run = this.inFlight.then(flush);
    this.inFlight = run.catch(() => undefined);
    return run;
  }

  /** `more`: writes the caller adds to the batch (see {@link writeThrough}); the batch is written even when nothing is pending. */
  private async flushNow(write: (ops: BatchOp[]) => Promise<void>, beforeWrite?: () => Promise<void>, more = 0): Promise<FlushStats> {
    const started = performance.now();
    this.flushing = this.pending;
    const bytes = this.pendingBytes;
    this.pending = new Map();
    this.pendingBytes = 0;
    const ops: BatchOp[] = [];
    // forEach, not for...of: the map's entries iterator made a [key, value] array per write.
    this.flushing.forEach((value, id) => ops.push(value ? { type: 'put', key: idKey(id), value } : { type: 'del', key: idKey(id) }));
    try {
      if (ops.length + more > 0) {
        await beforeWrite?.();
        await write(ops);
      }
    } catch (err) {
      // Kept for the next try, under anything written since.
      for (const [id, entry] of this.flushing) if (!this.pending.has(id)) this.restore(id, entry);
      throw err;
    } finally {
      this.flushing = new Map();
    }
    return { ops: ops.length + more, bytes, ms: performance.now() - started };
  }

  private restore(id: string, entry: Pending): void {
    this.pending.set(id, entry);
    this.pendingBytes += entryBytes(id, entry);
  }

  /** Waits for a flush in progress, then forgets every pending write (before --reindex clears the state). */
  async discard(): Promise<void> {
    await this.inFlight;
    this.pending.clear();
    this.pendingBytes = 0;
  }
}

/** Per key length, a plain array the bytes of a key are copied into for {@link keyId}. */
const codes: number[][] = [];

/**
 * The map key of `key`: one character a byte (as latin1). Read element by element, never
 * through `key.buffer`, which would move a small key off the V8 heap into a malloc'd
 * store of its own, one per pending write. Spread from a reused plain array: `apply` on
 * the typed array itself first copied it into a new list of arguments (a third slower,
 * and most of what committing a block allocated).
 */
function keyId(key: Uint8Array): string {
  const n = key.length;
  const list = (codes[n] ??= new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) list[i] = key[i]!;
  return String.fromCharCode.apply(null, list);
}

/** The key bytes of a map key made by {@link keyId}. */
function idKey(id: string): Uint8Array {
  const key = new Uint8Array(id.length);
  for (let i = 0; i < id.length; i++) key[i] = id.charCodeAt(i);
  return key;
}

function entryBytes(id: string, value: Pending): number {
  return entrySize(id.length, value?.length ?? 0);
}

/** What the cache counts for one entry (a key id has one character per key byte). */
function entrySize(keyLength: number, valueLength: number): number {
  return ENTRY_OVERHEAD_BYTES + keyLength + valueLength;
}
