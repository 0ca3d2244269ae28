/** The bound on block bytes held for peers while serving (src/network/reqresp/serve-budget.ts). */
import { describe, expect, it } from 'vitest';
import { ServeBudget, type Lease } from '../../../src/network/reqresp/serve-budget.js';
import { waitUntil } from '../../helpers/wait.js';

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

  describe('preemption of replies that do not drain', () => {
    /** A lease whose preemption is recorded and, like the block server, releases it. */
    async function held(budget: ServeBudget, peer: string, bytes: number, log: string[]): Promise<Lease> {
      const ref: { lease?: Lease } = {};
      ref.lease = await budget.acquire(peer, bytes, never, () => {
        log.push(peer);
        ref.lease!.release();
      });
      return ref.lease;
    }

    it('ends an overdue reply of the peer holding the most when a request waits for room under the total', async () => {
      const clock = { now: 0 };
      const budget = new ServeBudget({ perPeer: 10, total: 20, drainGraceMs: 1_000, drainBytesPerSecond: 1_000 }, () => clock.now);
      const preempted: string[] = [];
      await held(budget, 'small', 4, preempted);
      await held(budget, 'big', 6, preempted);
      await held(budget, 'big', 4, preempted);
      // Every lease is past its deadline (1 s + bytes at 1 kB/s) once the clock reads 2 s.
      clock.now = 2_000;
      const honest = budget.acquire('honest', 8, never);
      await waitUntil(() => preempted.length > 0, 'a preemption', 5_000, 5);
      expect(preempted).toEqual(['big']);
      expect((await honest).bytes).toBe(8);
    });

    it('leaves replies within their deadline alone, and leases taken without a preempt callback', async () => {
      const clock = { now: 0 };
      const budget = new ServeBudget({ perPeer: 10, total: 10, drainGraceMs: 1_000, drainBytesPerSecond: 1_000 }, () => clock.now);
      const preempted: string[] = [];
      const fresh = await held(budget, 'p', 5, preempted);
      const unwatched = await budget.acquire('q', 5, never);
      // p's deadline: 1 s grace + 5 bytes at 1 kB/s = 1,005 ms.
      clock.now = 1_004;
      const waiting = budget.acquire('r', 5, never);
      expect(await settled(waiting)).toBe(false);
      expect(preempted).toEqual([]);
      // Past p's deadline the wait ends p's reply, never q's (no callback).
      clock.now = 1_006;
      await waitUntil(() => preempted.length > 0, 'a preemption', 5_000, 5);
      expect(preempted).toEqual(['p']);
      expect((await waiting).bytes).toBe(5);
      expect(fresh.bytes).toBe(0);
      expect(unwatched.bytes).toBe(5);
    });

    it('a deadline follows the reservation once it is shrunk to the block\'s size', async () => {
      const clock = { now: 0 };
      const budget = new ServeBudget({ perPeer: 100, total: 100, drainGraceMs: 0, drainBytesPerSecond: 1_000 }, () => clock.now);
      const preempted: string[] = [];
      const lease = await held(budget, 'p', 100, preempted);
      lease.resize(10);
      clock.now = 11;
      const waiting = budget.acquire('q', 95, never);
      await waitUntil(() => preempted.length > 0, 'a preemption', 5_000, 5);
      expect((await waiting).bytes).toBe(95);
    });
  });

  it('refuses limits that are not positive', () => {
    expect(() => new ServeBudget({ perPeer: 0, total: 10 })).toThrow(RangeError);
  });
});
