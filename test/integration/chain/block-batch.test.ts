/**
 * processBlock calls queued one after another share one turn of the chain
 * (src/chain/block-batch.ts): their blocks connect in one activation, so the
 * connect pipeline hands their signature checks to the pool together. And a block
 * on the tip has its signatures verified before it is judged and stored
 * (ChainConnector.verifyEarly), once, with every verdict as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchVerifier } from '../../../src/chain/chain.js';
import { VerifyPool } from '../../../src/chain/verify-pool.js';
import { SCRIPT_FAILURE, type SignatureCheck } from '../../../src/consensus/signatures.js';
import type { Block } from '../../../src/primitives/block.js';
import { regtest } from '../../../src/consensus/params.js';
import { verifyHeaderHash } from '../../../src/consensus/pow.js';
import { remakeBlock } from '../../helpers/chain.js';
import { TestChains } from '../../helpers/chain-db.js';
import { spendingRun } from '../../helpers/spending-run.js';

const chains = new TestChains('tally-block-batch');

/** A pool whose calls with checks are recorded (how many checks each carried). */
function recording(pool: VerifyPool): { verifier: BatchVerifier; calls: number[] } {
  const calls: number[] = [];
  const verify = (checks: readonly SignatureCheck[]): Promise<number> => {
    if (checks.length > 0) calls.push(checks.length);
    return pool.verify(checks);
  };
  return { calls, verifier: { verify } };
}


/** `block` under the first nonce after its own whose hash misses the target. */
function withBadPow(block: Block): Block {
  for (let nonce = block.header.nonce + 1; ; nonce++) {
    const remade = remakeBlock(block, { header: { nonce }, solve: false });
    if (!verifyHeaderHash(remade.header.hashBytes, remade.header.bits, regtest.powLimit)) return remade;
  }
}

let pool: VerifyPool;
beforeAll(async () => {
  pool = new VerifyPool({ threads: 2, inlineBelow: 0 });
  await pool.start();
});
afterAll(() => pool.stop());

describe('queued processBlock calls', () => {
  it('connect in one activation, each call answered for its own block, the coin set as when connected one by one', async () => {
    const { prefix, run } = spendingRun(8);
    const { verifier, calls } = recording(pool);
    const batched = await chains.open(() => run.at(-1)!.header.time, { verifier });
    for (const block of prefix) expect((await batched.processBlock(block)).status).toBe('connected');
    calls.length = 0;
    const results = await Promise.all([...run, run[2]!].map((block) => batched.processBlock(block)));
    expect(results.map((r) => r.status)).toEqual([...run.map(() => 'connected'), 'duplicate']);
    expect(results.slice(0, run.length).map((r) => r.entry!.hashHex)).toEqual(run.map((b) => b.hash));
    expect(batched.tip.hashHex).toBe(run.at(-1)!.hash);
    // Every check verified once, in fewer calls than blocks.
    expect(calls.reduce((a, b) => a + b, 0)).toBe(3 * run.length);
    expect(calls.length).toBeLessThan(run.length);

    const serial = await chains.open(() => run.at(-1)!.header.time, { verifier: pool });
    for (const block of [...prefix, ...run]) expect((await serial.processBlock(block)).status).toBe('connected');
    expect(await batched.utxoDigest()).toEqual(await serial.utxoDigest());
  });

  it('reject the block with a bad signature and those after it, and connect the ones before', async () => {
    const { prefix, run } = spendingRun(6, 4);
    const chain = await chains.open(() => run.at(-1)!.header.time, { verifier: pool });
    for (const block of prefix) await chain.processBlock(block);
    const results = await Promise.allSettled(run.map((block) => chain.processBlock(block)));
    const codes = results.map((r) => (r.status === 'fulfilled' ? r.value.status : (r.reason as { code: string }).code));
    expect(codes).toEqual(['connected', 'connected', 'connected', SCRIPT_FAILURE, 'bad-prevblk', 'bad-prevblk']);
    expect(chain.tip.hashHex).toBe(run[2]!.hash);
  });
});

describe('early signature checks of a block on the tip', () => {
  it('verify each block once', async () => {
    const { prefix, run } = spendingRun(3);
    const { verifier, calls } = recording(pool);
    const chain = await chains.open(() => run.at(-1)!.header.time, { verifier });
    for (const block of [...prefix, ...run]) expect((await chain.processBlock(block)).status).toBe('connected');
    expect(calls).toEqual([1, 3, 3, 3]);
  });

  it('leave a bad signature to be found and marked as before', async () => {
    const { prefix, run } = spendingRun(1, 1);
    const { verifier, calls } = recording(pool);
    const chain = await chains.open(() => run.at(-1)!.header.time, { verifier });
    for (const block of prefix) await chain.processBlock(block);
    calls.length = 0;
    await expect(chain.processBlock(run[0]!)).rejects.toMatchObject({ code: SCRIPT_FAILURE });
    expect(chain.getEntry(run[0]!.hash)!.failed).toBe(true);
    // The early call, then the block alone once its group failed.
    expect(calls).toEqual([3, 3]);
  });

  it('are not started for a block without valid proof of work', async () => {
    const { prefix, run } = spendingRun(1);
    const { verifier, calls } = recording(pool);
    const chain = await chains.open(() => run.at(-1)!.header.time, { verifier });
    for (const block of prefix) await chain.processBlock(block);
    calls.length = 0;
    const unsolved = withBadPow(run[0]!);
    await expect(chain.processBlock(unsolved)).rejects.toMatchObject({ code: 'high-hash' });
    expect(calls).toEqual([]);
  });
});

describe('releaseBlockCache', () => {
  it('waits for the queued blocks, then drops the decoded blocks, which are read back from the database', async () => {
    const { prefix, run } = spendingRun(4);
    const chain = await chains.open(() => run.at(-1)!.header.time);
    for (const block of prefix) expect((await chain.processBlock(block)).status).toBe('connected');
    // Kept: the very object given.
    expect(await chain.getBlock(prefix.at(-1)!.hash)).toBe(prefix.at(-1));
    const pending = run.map((block) => chain.processBlock(block));
    const released = chain.releaseBlockCache();
    expect((await Promise.all(pending)).map((r) => r.status)).toEqual(run.map(() => 'connected'));
    await released;
    expect(chain.tip.hashHex).toBe(run.at(-1)!.hash);
    for (const block of [prefix.at(-1)!, ...run]) {
      const again = await chain.getBlock(block.hash);
      expect(again).not.toBe(block);
      expect(again!.toHex()).toBe(block.toHex());
    }
  });
});
