/**
 * Blocks that connect in one activation go through the connect pipeline
 * (src/chain/connect-pipeline.ts): their signature checks reach the verify pool
 * in one call spanning several blocks. A bad signature in a middle block sends
 * the group back to one block at a time, so the blocks before it connect and
 * exactly that block is marked invalid, with the code it always had.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchVerifier, Chain } from '../../../src/chain/chain.js';
import type { ChainEntry } from '../../../src/chain/entry.js';
import { BlockStatus } from '../../../src/chain/records.js';
import { VerifyPool } from '../../../src/chain/verify-pool.js';
import type { RuleError } from '../../../src/consensus/errors.js';
import { SCRIPT_FAILURE, type SignatureCheck } from '../../../src/consensus/signatures.js';
import type { Block } from '../../../src/primitives/block.js';
import { TestChains } from '../../helpers/chain-db.js';
import { spendingRun } from '../../helpers/spending-run.js';
import { waitUntil } from '../../helpers/wait.js';

const chains = new TestChains('tally-connect-pipeline');

/**
 * A real pool whose calls with checks are recorded (how many checks each carried). Once
 * armed, the next call is answered only when another call arrives: the blocks prepared
 * meanwhile then share one call however fast the pool is, so the grouping is the same on
 * every run.
 */
function recording(pool: VerifyPool): { verifier: BatchVerifier; calls: number[]; arm(): void } {
  const calls: number[] = [];
  let armed = false;
  let release: (() => void) | undefined;
  const verify = async (checks: readonly SignatureCheck[]): Promise<number> => {
    if (checks.length === 0) return pool.verify(checks);
    calls.push(checks.length);
    release?.();
    release = undefined;
    if (armed) {
      armed = false;
      await new Promise<void>((resolve) => { release = resolve; });
    }
    return pool.verify(checks);
  };
  return { calls, verifier: { verify }, arm: () => { armed = true; } };
}


/**
 * Feeds the prefix, then the run's headers and its blocks last first: every block waits
 * as a side block until the first arrives, and one activation connects the run.
 */
async function connectInOneGo(chain: Chain, prefix: readonly Block[], run: readonly Block[], arm: () => void): Promise<void> {
  for (const block of prefix) expect((await chain.processBlock(block)).status).toBe('connected');
  expect((await chain.processHeaders(run.map((b) => b.header))).error).toBeUndefined();
  for (const block of run.slice(1).reverse()) expect((await chain.processBlock(block)).status).toBe('side');
  arm();
  expect((await chain.processBlock(run[0]!)).status).toBe('connected');
}

let pool: VerifyPool;
beforeAll(async () => {
  // Every call goes to the workers, however small, as a node's large blocks do.
  pool = new VerifyPool({ threads: 2, inlineBelow: 0 });
  await pool.start();
});
afterAll(() => pool.stop());

describe('connect pipeline', () => {
  it('verifies the signatures of the blocks prepared meanwhile in one pool call, and ends where connecting one by one ends', async () => {
    const { prefix, run } = spendingRun(6);
    const { verifier, calls, arm } = recording(pool);
    const batched = await chains.open(() => run.at(-1)!.header.time, { verifier });
    await connectInOneGo(batched, prefix, run, arm);
    expect(batched.tip.hashHex).toBe(run.at(-1)!.hash);
    // The prefix's fan-out block alone; the run's first block at once, the 15 spends of the next five together.
    expect(calls).toEqual([1, 3, 15]);

    const serial = await chains.open(() => run.at(-1)!.header.time, { verifier: pool });
    for (const block of [...prefix, ...run]) expect((await serial.processBlock(block)).status).toBe('connected');
    expect(await batched.utxoDigest()).toEqual(await serial.utxoDigest());
  });

  it('starts the pool\'s workers once headers show blocks to catch up on, not for a few', async () => {
    const { prefix } = spendingRun(0);
    const fresh = new VerifyPool({ threads: 2 });
    await fresh.start();
    try {
      const chain = await chains.open(() => prefix.at(-1)!.header.time, { verifier: fresh });
      expect((await chain.processHeaders(prefix.slice(0, 10).map((b) => b.header))).added).toBe(10);
      expect(fresh.workerCount).toBe(0);
      expect((await chain.processHeaders(prefix.slice(10, 30).map((b) => b.header))).added).toBe(20);
      await waitUntil(() => fresh.workerCount === 2, 'the workers to start', 20_000);
    } finally {
      await fresh.stop();
    }
  });

  it('marks exactly the block with a bad signature invalid, after connecting the ones before it', async () => {
    const { prefix, run } = spendingRun(6, 4);
    const { verifier, calls, arm } = recording(pool);
    const chain = await chains.open(() => run.at(-1)!.header.time, { verifier });
    const invalid: [ChainEntry, RuleError][] = [];
    chain.on('invalid', (entry, err) => invalid.push([entry, err]));
    await connectInOneGo(chain, prefix, run, arm);

    expect(chain.tip.hashHex).toBe(run[2]!.hash);
    expect(invalid.map(([e, err]) => [e.hashHex, err.code])).toEqual([[run[3]!.hash, SCRIPT_FAILURE]]);
    const bad = chain.getEntry(run[3]!.hash)!;
    expect(bad.status & BlockStatus.FAILED).toBeTruthy();
    for (const later of run.slice(4)) expect(chain.getEntry(later.hash)!.status & BlockStatus.FAILED_PARENT).toBeTruthy();
    // The first block's group passes; the group of the other five fails, and its blocks go one by one up to the bad one.
    expect(calls).toEqual([1, 3, 15, 3, 3, 3]);
  });
});
