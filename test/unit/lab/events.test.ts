/** The discrete-event queue: time order, insertion order on ties, and the simulated clock. */
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../../src/lab/events.js';
import { Random } from '../../../src/lab/random.js';

describe('EventQueue', () => {
  it('pops events in time order and moves the clock to each', () => {
    const q = new EventQueue<string>();
    q.schedule(3, 'c');
    q.schedule(1, 'a');
    q.schedule(2, 'b');
    expect(q.size).toBe(3);
    expect(q.peekTime()).toBe(1);
    const out: Array<[string, number]> = [];
    for (let e = q.pop(); e !== undefined; e = q.pop()) out.push([e, q.now]);
    expect(out).toEqual([['a', 1], ['b', 2], ['c', 3]]);
    expect(q.pop()).toBeUndefined();
  });

  it('breaks ties by the order events were scheduled, over many random times', () => {
    const q = new EventQueue<{ time: number; seq: number }>();
    const rng = new Random(5);
    const events = Array.from({ length: 2000 }, (_, seq) => ({ time: rng.integer(50), seq }));
    for (const e of events) q.at(e.time, e);
    const popped: Array<{ time: number; seq: number }> = [];
    for (let e = q.pop(); e; e = q.pop()) popped.push(e);
    const expected = [...events].sort((a, b) => a.time - b.time || a.seq - b.seq);
    expect(popped).toEqual(expected);
  });

  it('schedules relative to now and refuses the past', () => {
    const q = new EventQueue<string>();
    q.schedule(10, 'x');
    q.pop();
    q.schedule(0, 'same time');
    expect(q.peekTime()).toBe(10);
    expect(() => q.at(9, 'past')).toThrow(RangeError);
  });
});
