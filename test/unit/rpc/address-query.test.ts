/**
 * The paging core of the addressindex methods: merging per-address streams in
 * cursor order, and taking a page reads only the page (plus one item to know
 * whether more remain) and closes every source, however long the sources are.
 */
import { describe, expect, it } from 'vitest';
import { mergeByCursor, takePage } from '../../../src/rpc/address-query.js';

interface Item { cursor: Uint8Array; n: number }

/** A source of `count` items with cursors from `keys` (a multiple of `step` plus `offset`), counting what was read. */
function source(count: number, step: number, offset: number) {
  const stats = { read: 0, closed: false };
  async function* gen(): AsyncGenerator<Item> {
    try {
      for (let i = 0; i < count; i++) {
        stats.read++;
        const n = i * step + offset;
        yield { cursor: Uint8Array.of(n >> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255), n };
      }
    } finally {
      stats.closed = true;
    }
  }
  return { items: gen(), stats };
}

describe('mergeByCursor', () => {
  it('interleaves sources in cursor order and tags each item with its source', async () => {
    const a = source(5, 2, 0);
    const b = source(5, 2, 1);
    const out: [number, number][] = [];
    for await (const item of mergeByCursor([a.items, b.items])) out.push([item.n, item.source]);
    expect(out.map(([n]) => n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(out.map(([, s]) => s)).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
  });

  it('merges sources read newest first in descending cursor order', async () => {
    async function* down(from: number, step: number): AsyncGenerator<Item> {
      for (let n = from; n >= 0; n -= step) yield { cursor: Uint8Array.of(0, 0, 0, n), n };
    }
    const out: number[] = [];
    for await (const item of mergeByCursor([down(8, 2), down(9, 2)], true)) out.push(item.n);
    expect(out).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });
});

describe('takePage', () => {
  it('reads a page of a 100,000-item history, not the history, and closes the sources', async () => {
    const a = source(100_000, 2, 0);
    const b = source(100_000, 2, 1);
    const page = await takePage(mergeByCursor([a.items, b.items]), 10, (i) => i.cursor);
    expect(page.items.map((i) => i.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(page.next).toBe('00000009');
    // Eleven items were taken (the eleventh says that more remain), each source read one ahead.
    expect(a.stats.read + b.stats.read).toBeLessThanOrEqual(13);
    expect(a.stats.closed && b.stats.closed).toBe(true);
  });

  it('ends with next null when the last page is exactly full, and takes everything without a limit', async () => {
    const exact = await takePage(source(4, 1, 0).items, 4, (i) => i.cursor);
    expect(exact.items).toHaveLength(4);
    expect(exact.next).toBeNull();
    const all = await takePage(source(7, 1, 0).items, undefined, (i) => i.cursor);
    expect(all).toMatchObject({ next: null });
    expect(all.items).toHaveLength(7);
  });
});
