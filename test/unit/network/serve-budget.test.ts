/** The bound on block bytes held for peers while serving (src/network/reqresp/serve-budget.ts). */
import { describe, expect, it } from 'vitest';
import { ServeBudget, type Lease } from '../../../src/network/reqresp/serve-budget.js';

const never = new AbortController().signal;

/** Whether `p` has settled, after the microtasks queued so far. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true), () => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
}

describe('ServeBudget', () => {
  it('grants within the per-peer bound and makes a peer over it wait until a lease is released', async () => {
    const budget = new ServeBudget({ perPeer: 10, total: 100 });
    const a = await budget.acquire('p', 6, never);
    const b = budget.acquire('p', 6, never);
    expect(await settled(b)).toBe(false);
    expect(budget.inFlightOf('p')).toBe(6);
    expect(budget.waiting).toBe(1);
    a.release();
    const lease = await b;
    expect(lease.bytes).toBe(6);
    expect(budget.inFlightOf('p')).toBe(6);
    expect(budget.waiting).toBe(0);
  });

  it('a peer at its bound does not hold up another peer', async () => {
    const budget = new ServeBudget({ perPeer: 10, total: 100 });
    await budget.acquire('p', 10, never);
    expect(await settled(budget.acquire('p', 1, never))).toBe(false);
    const other = await budget.acquire('q', 10, never);
    expect(other.bytes).toBe(10);
    expect(budget.inFlight).toBe(20);
  });

  it('bounds all peers together', async () => {
    const budget = new ServeBudget({ perPeer: 10, total: 15 });
    const p = await budget.acquire('p', 10, never);
    const q = budget.acquire('q', 10, never);
    expect(await settled(q)).toBe(false);
    p.release();
    expect((await q).bytes).toBe(10);
    expect(budget.inFlight).toBe(10);
  });

  it('shrinking a reservation to the real size makes room at once', async () => {
    const budget = new ServeBudget({ perPeer: 10, total: 100 });
    const first = await budget.acquire('p', 8, never);
    const second = budget.acquire('p', 8, never);
    expect(await settled(second)).toBe(false);
    first.resize(2);
    expect((await second).bytes).toBe(8);
    expect(budget.inFlightOf('p')).toBe(10);
  });

  it('grants a lease larger than a bound when nothing is in flight under it, so every block can be served', async () => {
    const budget = new ServeBudget({ perPeer: 10, total: 15 });
    const big = await budget.acquire('p', 40, never);
    expect(budget.inFlight).toBe(40);
    expect(budget.tryAcquire('q', 1)).toBeUndefined();
    big.release();
    expect(budget.tryAcquire('q', 1)?.bytes).toBe(1);
  });

  it('serves one peer\'s waiters in order', async () => {
    const budget = new ServeBudget({ perPeer: 10, total: 100 });
    const held = await budget.acquire('p', 10, never);
    const order: string[] = [];
    const first = budget.acquire('p', 10, never).then((l) => (order.push('first'), l));
    const second = budget.acquire('p', 1, never).then((l) => (order.push('second'), l));
    // A small request of the same peer does not overtake its earlier waiter.
    expect(budget.tryAcquire('p', 1)).toBeUndefined();
    held.release();
    (await first).release();
    await second;
    expect(order).toEqual(['first', 'second']);
  });

  it('an aborted wait rejects with the signal\'s reason and leaves the queue', async () => {
    const budget = new ServeBudget({ perPeer: 10, total: 100 });
    await budget.acquire('p', 10, never);
    const controller = new AbortController();
    const waiting = budget.acquire('p', 5, controller.signal);
    expect(budget.waiting).toBe(1);
    controller.abort(new Error('timed out'));
    await expect(waiting).rejects.toThrow('timed out');
    expect(budget.waiting).toBe(0);
    expect(budget.inFlightOf('p')).toBe(10);
    await expect(budget.acquire('p', 1, controller.signal)).rejects.toThrow('timed out');
  });

  it('release is idempotent and a released lease cannot be resized back', async () => {
    const budget = new ServeBudget({ perPeer: 10, total: 100 });
    const lease: Lease = await budget.acquire('p', 7, never);
    lease.release();
    lease.release();
    lease.resize(9);
    expect(budget.inFlight).toBe(0);
    expect(budget.inFlightOf('p')).toBe(0);
  });

  it('refuses limits that are not positive', () => {
    expect(() => new ServeBudget({ perPeer: 0, total: 10 })).toThrow(RangeError);
  });
});
