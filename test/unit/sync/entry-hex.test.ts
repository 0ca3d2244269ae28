/**
 * The downloader's cache of entry hashes in hex (src/sync/entry-hex.ts): the
 * same hex as the entry's own, made once per entry, and bounded.
 */
import { describe, expect, it } from 'vitest';
import type { ChainEntry } from '../../../src/chain/index.js';
import { EntryHexCache } from '../../../src/sync/entry-hex.js';

/** An entry that counts how often its hex is made. */
function entry(n: number): ChainEntry & { reads: number } {
  const e = {
    reads: 0,
    get hashHex(): string {
      e.reads++;
      return n.toString(16).padStart(64, '0');
    },
  };
  return e as unknown as ChainEntry & { reads: number };
}

describe('EntryHexCache', () => {
  it('answers the entry\'s own hex, made once while cached', () => {
    const cache = new EntryHexCache(10);
    const a = entry(1);
    expect(cache.of(a)).toBe('1'.padStart(64, '0'));
    expect(cache.of(a)).toBe('1'.padStart(64, '0'));
    expect(a.reads).toBe(1);
  });

  it('holds at most its limit, starting over when full', () => {
    const cache = new EntryHexCache(3);
    const entries = [1, 2, 3, 4].map(entry);
    for (const e of entries) cache.of(e);
    expect(cache.size).toBe(1);
    cache.of(entries[0]!);
    expect(entries[0]!.reads).toBe(2);
    expect(cache.size).toBe(2);
  });
});
