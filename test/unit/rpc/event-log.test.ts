/**
 * The notification stream's memory, alone: numbering, the ring's bounds by
 * count and bytes, what a resume "since N" can be served from, and the watch
 * list that says whether an address was followed all along.
 */
import { describe, expect, it } from 'vitest';
import { EventLog } from '../../../src/rpc/event-log.js';
import { WatchList } from '../../../src/rpc/watch-list.js';

describe('EventLog', () => {
  it('numbers notifications into their text and keeps the latest within the count', () => {
    const log = new EventLog({ maxEvents: 3, maxBytes: 1 << 20 });
    expect([log.last, log.oldest]).toEqual([0, 1]);
    for (let i = 0; i < 5; i++) log.record(i % 2 ? 'blocks' : 'mempool', 'n', { i });
    expect(JSON.parse([...log.after(4, () => true)][0]!.text)).toEqual({ jsonrpc: '2.0', method: 'n', params: { i: 4, sequence: 5 } });
    expect([log.last, log.oldest]).toEqual([5, 3]);
    expect([...log.after(0, (k) => k === 'blocks')].map((e) => e.seq)).toEqual([4]);
    // Since 2 misses nothing that is gone (3 is the oldest kept); since 1 would miss 2.
    expect(log.check(2, log.stream)).toBeUndefined();
    expect(log.check(1, log.stream)).toBe('evicted');
    expect(log.check(5, 'another')).toBe('other-stream');
  });

  it('keeps within the byte budget, but always the latest one', () => {
    const log = new EventLog({ maxEvents: 1000, maxBytes: 200 });
    for (let i = 0; i < 50; i++) log.record('blocks', 'n', { pad: 'x'.repeat(40) });
    const kept = [...log.after(0, () => true)];
    expect(kept.reduce((n, e) => n + e.text.length, 0)).toBeLessThanOrEqual(200);
    expect(kept.at(-1)!.seq).toBe(50);
    log.record('blocks', 'n', { pad: 'y'.repeat(500) });
    expect([...log.after(0, () => true)].map((e) => e.seq)).toEqual([51]);
  });
});

describe('WatchList', () => {
  it('covers an address from when it was first watched, across a subscriber that left and came back', () => {
    const w = new WatchList();
    w.add('aa', 10);
    expect(w.covers('aa', 10)).toBe(true);
    expect(w.covers('aa', 9)).toBe(false);
    w.release('aa', 20);
    expect(w.has('aa')).toBe(true);
    w.add('aa', 30);
    expect(w.covers('aa', 15)).toBe(true);
    w.release('aa', 40);
    // Forgotten once the log no longer reaches back to its release: a resume then is a gap anyway.
    w.prune(41);
    expect(w.has('aa')).toBe(true);
    w.prune(42);
    expect(w.has('aa')).toBe(false);
  });

  it('bounds the addresses kept after their subscribers left, forgetting the oldest', () => {
    const w = new WatchList(2);
    for (const s of ['a', 'b', 'c']) w.add(s, 1);
    w.add('kept', 1);
    for (const s of ['a', 'b', 'c']) w.release(s, 2);
    expect(['a', 'b', 'c', 'kept'].map((s) => w.has(s))).toEqual([false, true, true, true]);
    expect(w.size).toBe(3);
  });
});
