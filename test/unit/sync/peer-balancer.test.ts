/**
 * The peer balancer on its own: plain objects, no chain, no clock, no network.
 */
import { describe, expect, it } from 'vitest';
import { balanceRanges, type RangeCandidate, type RangeEntry } from '../../../src/sync/index.js';

/** Blocks `from`..`to` (inclusive), named by height. */
function blocks(from: number, to: number): RangeEntry[] {
  return Array.from({ length: to - from + 1 }, (_, i) => ({ hashHex: `h${from + i}`, height: from + i }));
}

function peer(id: string, opts: Partial<Omit<RangeCandidate<string, RangeEntry>, 'peer'>> & { lacking?: string[] } = {}): RangeCandidate<string, RangeEntry> {
  const lacking = new Set(opts.lacking ?? []);
  return {
    peer: id,
    slots: opts.slots ?? 2,
    cost: opts.cost ?? 0,
    wanted: opts.wanted ?? blocks(1, 100),
    has: opts.has ?? 100,
    lacks: opts.lacks ?? ((hash) => lacking.has(hash)),
    ...(opts.rangeSize !== undefined ? { rangeSize: opts.rangeSize } : {}),
  };
}

const heights = (range: readonly RangeEntry[]): number[] => range.map((e) => e.height);
const FULL = { rangeSize: 4, fullRangesOnly: false };

describe('balanceRanges', () => {
  it('gives the cheapest peer the lowest blocks, one range per peer per round', () => {
    const out = balanceRanges([peer('slow', { cost: 50 }), peer('fast', { cost: 5 })], FULL);
    expect(out.map((a) => [a.peer, heights(a.range)])).toEqual([
      ['fast', [1, 2, 3, 4]],
      ['slow', [5, 6, 7, 8]],
      ['fast', [9, 10, 11, 12]],
      ['slow', [13, 14, 15, 16]],
    ]);
  });

  it('sizes each peer\'s ranges by its own range size (bytes it carries in the target time), the default for others', () => {
    const out = balanceRanges([peer('fast', { cost: 5, rangeSize: 10, slots: 1 }), peer('slow', { cost: 50, rangeSize: 2, slots: 1 }), peer('new', { cost: 0, slots: 1 })], FULL);
    expect(out.map((a) => [a.peer, heights(a.range)])).toEqual([
      ['new', [1, 2, 3, 4]],
      ['fast', [5, 6, 7, 8, 9, 10, 11, 12, 13, 14]],
      ['slow', [15, 16]],
    ]);
    // While headers arrive, a range is full by the peer's own size.
    const arriving = balanceRanges([peer('fast', { rangeSize: 10, wanted: blocks(1, 8), has: 8 }), peer('slow', { rangeSize: 2, wanted: blocks(1, 8), has: 8 })], { ...FULL, fullRangesOnly: true });
    expect(arriving.map((a) => [a.peer, heights(a.range)])).toEqual([['slow', [1, 2]], ['slow', [3, 4]]]);
  });

  it('keeps the given order between peers of equal cost', () => {
    const out = balanceRanges([peer('a', { slots: 1 }), peer('b', { slots: 1 }), peer('c', { slots: 1 })], FULL);
    expect(out.map((a) => a.peer)).toEqual(['a', 'b', 'c']);
  });

  it('never hands a block out twice', () => {
    const out = balanceRanges([peer('a', { slots: 5 }), peer('b', { slots: 5 }), peer('c', { slots: 5 })], { ...FULL, rangeSize: 7 });
    const all = out.flatMap((a) => heights(a.range));
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(100);
  });

  it('respects free slots', () => {
    const out = balanceRanges([peer('a', { slots: 1 }), peer('b', { slots: 3 })], FULL);
    expect(out.filter((a) => a.peer === 'a')).toHaveLength(1);
    expect(out.filter((a) => a.peer === 'b')).toHaveLength(3);
  });

  it('asks a peer only for what it is believed to have', () => {
    const out = balanceRanges([peer('short', { has: 2, cost: 0 }), peer('long', { cost: 1, slots: 1 })], FULL);
    expect(out.map((a) => [a.peer, heights(a.range)])).toEqual([
      ['short', [1, 2]],
      ['long', [3, 4, 5, 6]],
    ]);
  });

  it('skips blocks the peer said it lacks, leaving them to others', () => {
    const out = balanceRanges([peer('a', { slots: 1, lacking: ['h2'] }), peer('b', { slots: 1, cost: 1 })], FULL);
    expect(out.map((a) => [a.peer, heights(a.range)])).toEqual([
      ['a', [1, 3, 4, 5]],
      ['b', [2, 6, 7, 8]],
    ]);
  });

  it('while headers arrive, holds back a partial range and lets another peer take its blocks', () => {
    const wanted = blocks(1, 6);
    const opts = { rangeSize: 4, fullRangesOnly: true };
    const out = balanceRanges([peer('a', { wanted }), peer('b', { wanted, cost: 1 })], opts);
    expect(out.map((a) => [a.peer, heights(a.range)])).toEqual([['a', [1, 2, 3, 4]]]);
    const partial = balanceRanges([peer('a', { wanted }), peer('b', { wanted, cost: 1 })], FULL);
    expect(partial.map((a) => [a.peer, heights(a.range)])).toEqual([
      ['a', [1, 2, 3, 4]],
      ['b', [5, 6]],
    ]);
  });

  it('peers on different targets draw from their own lists', () => {
    const side = blocks(1, 3).map((e) => ({ ...e, hashHex: `s${e.height}` }));
    const out = balanceRanges([peer('main', { slots: 1 }), peer('fork', { slots: 1, wanted: side, cost: 1 })], FULL);
    expect(out.map((a) => [a.peer, a.range.map((e) => e.hashHex)])).toEqual([
      ['main', ['h1', 'h2', 'h3', 'h4']],
      ['fork', ['s1', 's2', 's3']],
    ]);
  });

  it('returns nothing when there is nothing to do', () => {
    expect(balanceRanges([], FULL)).toEqual([]);
    expect(balanceRanges([peer('a', { wanted: [] })], FULL)).toEqual([]);
    expect(balanceRanges([peer('a', { slots: 0 })], FULL)).toEqual([]);
  });

  it('does not reorder or change its input', () => {
    const candidates = [peer('b', { cost: 9 }), peer('a', { cost: 1 })];
    balanceRanges(candidates, FULL);
    expect(candidates.map((c) => [c.peer, c.slots])).toEqual([['b', 2], ['a', 2]]);
  });
});
