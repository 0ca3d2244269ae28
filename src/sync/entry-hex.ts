/**
 * The hex hashes of the chain entries a sync pass reads. An entry makes its hex
 * afresh at every read (so that a long chain's index stays small), and every
 * pass reads the window ahead of the tip, up to a thousand entries, many times a
 * second during initial sync: so the downloader keeps the hex of the entries it
 * reads, and forgets them all once it holds more than a few windows' worth.
 */
import type { ChainEntry } from '../chain/index.js';

export class EntryHexCache {
  private readonly hex = new Map<ChainEntry, string>();

  /** `limit`: entries kept at most before the cache starts over. */
  constructor(private readonly limit: number) {}

  get size(): number {
    return this.hex.size;
  }

  /** `entry.hashHex`, made once while cached. */
  of(entry: ChainEntry): string {
    let hex = this.hex.get(entry);
    if (hex === undefined) {
      if (this.hex.size >= this.limit) this.hex.clear();
      hex = entry.hashHex;
      this.hex.set(entry, hex);
    }
    return hex;
  }
}
