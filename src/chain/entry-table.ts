/**
 * The block index's entries by hash, compactly: a Map<string, ChainEntry> costs
 * a hex string (80 bytes) and a hash-table slot (about 37 bytes) per block,
 * more than a third of what the index holds per block. Here an entry is found
 * through an open-addressing table of 32-bit slots over an array of entries,
 * keyed by the first four bytes of its hash (about 16 bytes a block), and its
 * hash is compared in full. Entries are only ever added (or all cleared).
 */
import { hashFromHex } from '../primitives/bytes.js';
import type { ChainEntry } from './entry.js';

/** The first four bytes of an internal-order hash, as an unsigned number. */
function prefixOf(hash: Uint8Array): number {
  return (hash[0]! | (hash[1]! << 8) | (hash[2]! << 16) | (hash[3]! << 24)) >>> 0;
}

export class EntryTable {
  private list: ChainEntry[] = [];
  /** 1 + the entry's position in `list`, or 0 for an empty slot; its length is a power of two, at least twice the entries. */
  private slots = new Uint32Array(1024);

  get size(): number {
    return this.list.length;
  }

  /** The entry of a display-hex hash. */
  get(hashHex: string): ChainEntry | undefined {
    if (hashHex.length !== 64) return undefined;
    let hash: Uint8Array;
    try {
      hash = hashFromHex(hashHex);
    } catch {
      return undefined;
    }
    return this.find(hash);
  }

  has(hashHex: string): boolean {
    return this.get(hashHex) !== undefined;
  }

  /** Adds `entry`, or puts it in place of the entry with its hash. */
  set(entry: ChainEntry): void {
    const at = this.slotOfEntry(entry);
    if (at >= 0) {
      this.list[this.slots[at]! - 1] = entry;
      return;
    }
    if (2 * (this.list.length + 1) > this.slots.length) this.grow();
    this.list.push(entry);
    this.place(entry.hashPrefix, this.list.length);
  }

  /** The entry of an internal-order hash. */
  find(hash: Uint8Array): ChainEntry | undefined {
    const at = this.slotOf(hash);
    return at < 0 ? undefined : this.list[this.slots[at]! - 1];
  }

  values(): IterableIterator<ChainEntry> {
    return this.list.values();
  }

  clear(): void {
    this.list = [];
    this.slots = new Uint32Array(1024);
  }

  /**
   * Replaces every entry with `entries`, whose hashes must all differ (a loaded index's):
   * each is placed without looking for its hash first, in a table sized for them all.
   */
  fill(entries: readonly ChainEntry[]): void {
    let size = 1024;
    while (size < 2 * (entries.length + 1)) size *= 2;
    this.list = entries.slice();
    this.slots = new Uint32Array(size);
    for (let i = 0; i < entries.length; i++) this.place(entries[i]!.hashPrefix, i + 1);
  }

  /** The table position holding `hash`'s entry, or -1. */
  private slotOf(hash: Uint8Array): number {
    const mask = this.slots.length - 1;
    for (let i = prefixOf(hash) & mask; ; i = (i + 1) & mask) {
      const slot = this.slots[i]!;
      if (slot === 0) return -1;
      if (this.list[slot - 1]!.hasHash(hash)) return i;
    }
  }

  /** The table position holding the entry with `entry`'s hash, or -1. */
  private slotOfEntry(entry: ChainEntry): number {
    const mask = this.slots.length - 1;
    for (let i = entry.hashPrefix & mask; ; i = (i + 1) & mask) {
      const slot = this.slots[i]!;
      if (slot === 0) return -1;
      if (this.list[slot - 1]!.sameHash(entry)) return i;
    }
  }

  private place(prefix: number, slot: number): void {
    const mask = this.slots.length - 1;
    let i = prefix & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = slot;
  }

  private grow(): void {
    this.slots = new Uint32Array(this.slots.length * 2);
    this.list.forEach((e, i) => this.place(e.hashPrefix, i + 1));
  }
}
