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
    maxBlocks: opts.maxBlocks ?? 4,
    maxBytes: opts.maxBytes ?? Infinity,
    room: opts.room ?? Infinity,
    rate: opts.rate ?? 1_000,
    queuedBytes: opts.queuedBytes ?? 0,
    latencyMs: opts.latencyMs ?? 0,
    wanted: opts.wanted ?? blocks(1, 100),
    has: opts.has ?? 100,
    lacks: opts.lacks ?? ((hash) => lacking.has(hash)),
  };
}

const heights = (range: readonly RangeEntry[]): number[] => range.map((e) => e.height);
/** Every block is expected to be 100 bytes. */
const OPTS = { blockBytes: () => 100, fullRangesOnly: false };
const count = (out: readonly { peer: string; range: readonly RangeEntry[] }[], id: string): number =>
  out.filter((a) => a.peer === id).reduce((n, a) => n + a.range.length, 0);

describe('balanceRanges', () => {
  it('spreads the lowest blocks over equal peers at once, in requests of at most maxBlocks, lowest first', () => {
    const out = balanceRanges([peer('a'), peer('b')], OPTS);
    expect(out.map((a) => [a.peer, heights(a.range)])).toEqual([
      ['a', [1, 3, 5, 7]],
      ['b', [2, 4, 6, 8]],
      ['a', [9, 11, 13, 15]],
      ['b', [10, 12, 14, 16]],
    ]);
  });

  it('gives each peer blocks in proportion to its rate', () => {
    const out = balanceRanges([peer('fast', { rate: 3_000, slots: 1, maxBlocks: 100 }), peer('slow', { slots: 1, maxBlocks: 100 })], { ...OPTS, blockBytes: () => 100 });
    const wanted20 = balanceRanges([peer('fast', { rate: 3_000, slots: 1, maxBlocks: 100, wanted: blocks(1, 20), has: 20 }), peer('slow', { slots: 1, maxBlocks: 100, wanted: blocks(1, 20), has: 20 })], OPTS);
    expect(count(out, 'fast') + count(out, 'slow')).toBe(100);
    expect(count(wanted20, 'fast')).toBe(15);
    expect(count(wanted20, 'slow')).toBe(5);
  });

  it('gives a slow peer nothing the faster ones would deliver sooner: never the last blocks', () => {
    const out = balanceRanges([peer('fast', { rate: 8_000, wanted: blocks(1, 4), has: 4 }), peer('slow', { wanted: blocks(1, 4), has: 4 })], OPTS);
    expect(out.map((a) => [a.peer, heights(a.range)])).toEqual([['fast', [1, 2, 3, 4]]]);
  });

  it('weighs what a peer already owes: a busy fast peer leaves the next blocks to an idle one', () => {
    const out = balanceRanges([peer('fast', { rate: 2_000, queuedBytes: 1_000, slots: 1 }), peer('idle', { slots: 1 })], OPTS);
    expect(out[0]).toEqual({ peer: 'idle', range: blocks(1, 4) });
  });

  it('counts a peer with a full pipeline in the choice: the blocks it would deliver first wait for it', () => {
    // The fast peer delivers a block every 12.5 ms, the slow one in 100 ms: the slow one may only
    // take a block the fast one would reach later than that (on a tie the first listed wins): the 9th.
    const out = balanceRanges([peer('fast', { rate: 8_000, room: 0 }), peer('slow', { slots: 1, maxBlocks: 1 })], OPTS);
    expect(out.map((a) => [a.peer, heights(a.range)])).toEqual([['slow', [9]]]);
  });

  it('bounds a request by bytes (always at least one block) and a peer by its pipeline room', () => {
    const bytes = balanceRanges([peer('a', { maxBytes: 250, slots: 2 })], OPTS);
    expect(bytes.map((a) => heights(a.range))).toEqual([[1, 2], [3, 4]]);
    const big = balanceRanges([peer('a', { maxBytes: 50, slots: 1 })], OPTS);
    expect(big.map((a) => heights(a.range))).toEqual([[1]]);
    const room = balanceRanges([peer('a', { room: 250, slots: 5 })], OPTS);
    expect(room.flatMap((a) => heights(a.range))).toEqual([1, 2, 3]);
  });

  it('never hands a block out twice, and hands out everything when there is room', () => {
    const out = balanceRanges([peer('a', { slots: 10 }), peer('b', { slots: 10 }), peer('c', { slots: 10 })], { ...OPTS });
    const all = out.flatMap((a) => heights(a.range));
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(100);
  });

  it('respects free slots', () => {
    const out = balanceRanges([peer('a', { slots: 1 }), peer('b', { slots: 3 })], OPTS);
    expect(out.filter((a) => a.peer === 'a')).toHaveLength(1);
    expect(out.filter((a) => a.peer === 'b')).toHaveLength(3);
  });

  it('asks a peer only for what it is believed to have', () => {
    const out = balanceRanges([peer('short', { has: 2, slots: 1 }), peer('long', { slots: 1 })], OPTS);
    expect(out.map((a) => [a.peer, heights(a.range)])).toEqual([
      ['short', [1]],
      ['long', [2, 3, 4, 5]],
    ]);
  });

  it('skips blocks the peer said it lacks, leaving them to others', () => {
    const out = balanceRanges([peer('a', { slots: 1, lacking: ['h3'] }), peer('b', { slots: 1 })], OPTS);
    expect(out.map((a) => [a.peer, heights(a.range)])).toEqual([
      ['a', [1, 4, 5, 7]],
      ['b', [2, 3, 6, 8]],
    ]);
  });

  it('while headers arrive, holds back a partial request', () => {
    const wanted = blocks(1, 6);
    const out = balanceRanges([peer('a', { wanted, slots: 1 }), peer('b', { wanted, slots: 1, rate: 10 })], { ...OPTS, fullRangesOnly: true });
    expect(out.map((a) => [a.peer, heights(a.range)])).toEqual([['a', [1, 2, 3, 4]]]);
    const partial = balanceRanges([peer('a', { wanted, slots: 1 }), peer('b', { wanted, slots: 1, rate: 10 })], OPTS);
    expect(partial.map((a) => [a.peer, heights(a.range)])).toEqual([['a', [1, 2, 3, 4]]]);
  });

  it('peers on different targets draw from their own lists', () => {
    const side = blocks(1, 3).map((e) => ({ ...e, hashHex: `s${e.height}` }));
    const out = balanceRanges([peer('main', { slots: 1 }), peer('fork', { slots: 1, wanted: side })], OPTS);
    expect(out.map((a) => [a.peer, a.range.map((e) => e.hashHex)])).toEqual([
      ['main', ['h1', 'h2', 'h3', 'h4']],
      ['fork', ['s1', 's2', 's3']],
    ]);
  });

  it('returns nothing when there is nothing to do', () => {
    expect(balanceRanges([], OPTS)).toEqual([]);
    expect(balanceRanges([peer('a', { wanted: [] })], OPTS)).toEqual([]);
    expect(balanceRanges([peer('a', { slots: 0 })], OPTS)).toEqual([]);
    expect(balanceRanges([peer('a', { room: 0 })], OPTS)).toEqual([]);
  });

  it('does not reorder or change its input', () => {
    const candidates = [peer('b', { rate: 9 }), peer('a', { rate: 1 })];
    balanceRanges(candidates, OPTS);
    expect(candidates.map((c) => [c.peer, c.slots, c.queuedBytes])).toEqual([['b', 2, 0], ['a', 2, 0]]);
  });
});
