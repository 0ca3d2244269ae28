import type { Worker } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VerifyError, VerifyPool } from '../../../src/chain/verify-pool.js';
import { VerifyOptionsError, type VerifyPoolOptions } from '../../../src/chain/verify-options.js';
import { collectSignatureChecks, type SignatureCheck } from '../../../src/consensus/signatures.js';
import { getVerifier, schnorrSign, xOnlyPublicKey } from '../../../src/primitives/signature.js';
import { flipBit, payTo, spend, testKey, type OwnedCoin } from '../../helpers/chain.js';
import { waitUntil } from '../../helpers/wait.js';

/** Signing with noble is slow, so a few distinct signatures are repeated; verifying costs the same. */
const DISTINCT = 40;
let valid: SignatureCheck[] = [];

beforeAll(() => {
  const distinct = Array.from({ length: DISTINCT }, (_, i) => {
    const secretKey = testKey(i);
    const message = new Uint8Array(32).fill(i + 1);
    return { signature: schnorrSign(message, secretKey, new Uint8Array(32)), message, publicKey: xOnlyPublicKey(secretKey) };
  });
  valid = Array.from({ length: 200 }, (_, i) => ({ inputIndex: i, ...distinct[i % DISTINCT]! }));
});

/** `checks` with the signatures at `indexes` corrupted. */
function corrupt(checks: readonly SignatureCheck[], ...indexes: number[]): SignatureCheck[] {
  return checks.map((c, i) => (indexes.includes(i) ? { ...c, signature: flipBit(c.signature, 200) } : c));
}

const pools: VerifyPool[] = [];

async function startPool(opts: VerifyPoolOptions): Promise<VerifyPool> {
  const pool = new VerifyPool(opts);
  pools.push(pool);
  await pool.start();
  return pool;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.stop()));
});

/** A worker thread of `pool`, reached through its internals to simulate a crash. */
function workerOf(pool: VerifyPool, index: number): Worker {
  return (pool as unknown as { slots: { worker: Worker }[] }).slots[index]!.worker;
}

/**
 * Pools shared by the tests that do not change a pool's state: starting workers
 * from sources (through tsx) costs about half a second each time.
 */
const shared: Record<string, VerifyPoolOptions> = {
  '2 workers': { threads: 2 },
  '2 workers, batches of 8': { threads: 2, batchSize: 8 },
  'inline (threads 0)': { threads: 0 },
  'inline (threads 1)': { threads: 1 },
};
const sharedPools = new Map<string, VerifyPool>();
const modes = Object.keys(shared);

/** The shared pool of a mode. */
function sharedPool(mode: string): VerifyPool {
  return sharedPools.get(mode)!;
}

beforeAll(async () => {
  for (const [mode, opts] of Object.entries(shared)) sharedPools.set(mode, new VerifyPool(opts));
  await Promise.all([...sharedPools.values()].map((p) => p.start()));
  await Promise.all([...sharedPools.values()].map((p) => p.warm()));
});

afterAll(async () => {
  await Promise.all([...sharedPools.values()].map((p) => p.stop()));
});

describe('VerifyPool', () => {
  it('warm() starts one worker per thread with the fastest backend, none inline', () => {
    expect(sharedPool('2 workers').workerCount).toBe(2);
    expect(sharedPool('2 workers').backend).toBe(getVerifier().name);
    expect(sharedPool('inline (threads 1)').workerCount).toBe(0);
    expect(sharedPool('inline (threads 0)').workerCount).toBe(0);
  });

  it.each(modes)('finds every check valid: %s', async (mode) => {
    expect(await sharedPool(mode).verify(valid)).toBe(-1);
  });

  it.each(modes)('returns the index of the one invalid check: %s', async (mode) => {
    for (const bad of [0, 57, 137, valid.length - 1]) {
      expect(await sharedPool(mode).verify(corrupt(valid, bad))).toBe(bad);
    }
  });

  it('verifies with the noble backend, in workers and inline', async () => {
    const checks = valid.slice(0, 60);
    const workers = await startPool({ threads: 2, backend: 'noble' });
    expect(workers.backend).toBe('noble');
    expect(await workers.verify(checks)).toBe(-1);
    expect(await workers.verify(corrupt(checks, 31))).toBe(31);
    const inline = await startPool({ threads: 0, backend: 'noble' });
    expect(await inline.verify(corrupt(checks, 5))).toBe(5);
  });

  it('returns one of several invalid checks, never -1', async () => {
    const bad = [3, 90, 91, 180];
    for (let round = 0; round < 5; round++) {
      expect(bad).toContain(await sharedPool('2 workers, batches of 8').verify(corrupt(valid, ...bad)));
    }
    expect(await sharedPool('inline (threads 0)').verify(corrupt(valid, ...bad))).toBe(3);
  });

  it('answers -1 for no checks, and verifies small inputs inline', async () => {
    const workers = sharedPool('2 workers');
    expect(await workers.verify([])).toBe(-1);
    expect(await workers.verify(valid.slice(0, 5))).toBe(-1);
    expect(await workers.verify(corrupt(valid.slice(0, 5), 4))).toBe(4);
    // With nothing inline, an empty call still answers (no worker would ever take it).
    const none = await startPool({ threads: 2, inlineBelow: 0 });
    expect(await none.verify([])).toBe(-1);
    expect(await none.verify(corrupt(valid.slice(0, 2), 1))).toBe(1);
  });

  it('keeps every worker fed with two batches while calls wait, and answers each call alone', async () => {
    const pool = await startPool({ threads: 2, batchSize: 8, inlineBelow: 0 });
    const calls = [corrupt(valid, 3), valid, corrupt(valid.slice(0, 20), 19), valid.slice(0, 1)];
    expect(await Promise.all(calls.map((c) => pool.verify(c)))).toEqual([3, -1, 19, -1]);
  });

  it('fails checks whose signature or key has the wrong size, and verifies odd message sizes', async () => {
    const workers = sharedPool('2 workers');
    const shortSig = valid.map((c, i) => (i === 120 ? { ...c, signature: c.signature.subarray(0, 63) } : c));
    expect(await workers.verify(shortSig)).toBe(120);
    const longKey = valid.map((c, i) => (i === 7 ? { ...c, publicKey: new Uint8Array(33) } : c));
    expect(await workers.verify(longKey)).toBe(7);
    // BIP340 allows any message length; such checks do not fit the packed layout and run inline.
    const message = new Uint8Array(10).fill(7);
    const odd = { inputIndex: 0, message, signature: schnorrSign(message, testKey(1)), publicKey: xOnlyPublicKey(testKey(1)) };
    expect(await workers.verify([...valid, odd])).toBe(-1);
    expect(await workers.verify([...corrupt(valid, 66), odd])).toBe(66);
  });

  it('verifies the signature checks of a real taproot transaction', async () => {
    const coins: OwnedCoin[] = Array.from({ length: 24 }, (_, i) => ({
      prevout: { txid: new Uint8Array(32).fill(i + 1), vout: i },
      output: payTo(i, 10_000n),
      key: testKey(i),
    }));
    const tx = spend(coins, [payTo(99, 200_000n)]);
    const checks = collectSignatureChecks(tx, coins.map((c) => c.output));
    const workers = sharedPool('2 workers, batches of 8');
    expect(await workers.verify(checks)).toBe(-1);
    expect(await workers.verify(corrupt(checks, 17))).toBe(17);
  });

  it('answers overlapping calls independently', async () => {
    const workers = sharedPool('2 workers, batches of 8');
    const results = await Promise.all([
      workers.verify(valid),
      workers.verify(corrupt(valid, 150)),
      workers.verify(corrupt(valid, 3)),
      workers.verify(valid.slice(0, 10)),
      workers.verify(corrupt(valid, 199)),
      workers.verify(valid),
    ]);
    expect(results).toEqual([-1, 150, 3, -1, 199, -1]);
  });

  it('rejects calls when not started, and restarts after stop()', async () => {
    const pool = new VerifyPool({ threads: 2 });
    pools.push(pool);
    await expect(pool.verify(valid)).rejects.toMatchObject({ code: 'verify-pool-stopped' });
    await pool.start();
    expect(await pool.verify(valid)).toBe(-1);
    await pool.stop();
    expect(pool.started).toBe(false);
    expect(pool.workerCount).toBe(0);
    await expect(pool.verify(valid)).rejects.toBeInstanceOf(VerifyError);
    await pool.start();
    expect(pool.workerCount).toBe(0);
    expect(await pool.verify(corrupt(valid, 42))).toBe(42);
    expect(pool.workerCount).toBe(2);
  });

  it('rejects pending calls when stopped', async () => {
    const pool = await startPool({ threads: 2, batchSize: 8 });
    const outcome = expect(pool.verify(valid)).rejects.toMatchObject({ code: 'verify-pool-stopped' });
    await pool.stop();
    await outcome;
  });

  it('rejects the call whose worker crashed and replaces the worker', async () => {
    const pool = await startPool({ threads: 2, batchSize: 8 });
    await pool.warm();
    const pending = pool.verify(valid);
    // Both workers hold a batch as soon as verify() returns: ending one loses a batch.
    void workerOf(pool, 0).terminate();
    const err = await pending.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(VerifyError);
    expect(err).toMatchObject({ code: 'verify-worker-failed' });
    expect(pool.workerCount).toBe(2);
    expect(await pool.verify(corrupt(valid, 101))).toBe(101);
    expect(await pool.verify(valid)).toBe(-1);
  });

  it('starts workers on the first call that needs them and ends them when idle', async () => {
    const pool = await startPool({ threads: 2, idleMs: 200 });
    expect(pool.workerCount).toBe(0);
    // Below inlineBelow: answered on this thread, no worker started.
    expect(await pool.verify(corrupt(valid.slice(0, 5), 2))).toBe(2);
    expect(pool.workerCount).toBe(0);
    expect(await pool.verify(corrupt(valid, 77))).toBe(77);
    expect(pool.workerCount).toBe(2);
    await waitUntil(() => pool.workerCount === 0, 'the idle workers to end', 10_000);
    // Started again on the next call, with the same answers.
    expect(await pool.verify(valid)).toBe(-1);
    expect(pool.workerCount).toBe(2);
    expect(await pool.verify(corrupt(valid, 150))).toBe(150);
  });

  it('keeps workers while calls arrive, and with idleMs 0 until stop()', async () => {
    const busy = await startPool({ threads: 2, idleMs: 1_500 });
    const keep = await startPool({ threads: 2, idleMs: 0 });
    await Promise.all([busy.warm(), keep.warm()]);
    for (let round = 0; round < 5; round++) {
      // Each call comes well within idleMs of the last answer: the same workers answer it.
      expect(await busy.verify(corrupt(valid, round))).toBe(round);
      expect(busy.workerCount).toBe(2);
    }
    expect(await keep.verify(valid)).toBe(-1);
    await waitUntil(() => busy.workerCount === 0, 'the idle workers to end', 10_000);
    expect(keep.workerCount).toBe(2);
    expect(await keep.verify(corrupt(valid, 9))).toBe(9);
  });

  it('warm() rejects when the pool is not started', async () => {
    await expect(new VerifyPool({ threads: 2 }).warm()).rejects.toMatchObject({ code: 'verify-pool-stopped' });
  });

  it('rejects bad options with a coded error', () => {
    expect(() => new VerifyPool({ idleMs: -1 })).toThrow(expect.objectContaining({ code: 'bad-verify-options' }));
    expect(() => new VerifyPool({ threads: -1 })).toThrow(VerifyOptionsError);
    expect(() => new VerifyPool({ batchSize: 0 })).toThrow(expect.objectContaining({ code: 'bad-verify-options' }));
    expect(() => new VerifyPool({ backend: 'gpu' as never })).toThrow(expect.objectContaining({ code: 'bad-verify-options' }));
  });
});
