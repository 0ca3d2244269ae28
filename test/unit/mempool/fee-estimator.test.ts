import { describe, expect, it } from 'vitest';
import { FeeEstimator } from '../../../src/mempool/fee-estimator.js';
import { out, pay, setup } from './helpers.js';

/** Three classes of transactions: [fee rate sat/vB, blocks until confirmed]. */
const CLASSES: [number, number][] = [
  [20, 1],
  [5, 4],
  [1.5, 12],
];

/** 300 blocks in which each class enters twice per block and confirms after its wait. */
function synthetic(estimator: FeeEstimator, blocks = 300): void {
  for (let h = 1; h <= blocks; h++) {
    const confirmed: string[] = [];
    for (const [rate, wait] of CLASSES) for (let i = 0; i < 2; i++) confirmed.push(`${h - wait}:${rate}:${i}`);
    estimator.processBlock(h, confirmed);
    for (const [rate] of CLASSES) for (let i = 0; i < 2; i++) estimator.trackTransaction(`${h}:${rate}:${i}`, rate, h);
  }
}

describe('FeeEstimator', () => {
  it('has no estimate without data', () => {
    const estimator = new FeeEstimator();
    expect(estimator.estimateSmartFee(6)).toEqual({ blocks: 0, errors: ['Insufficient data or no feerate found'] });
    estimator.trackTransaction('a', 10, 1);
    estimator.processBlock(2, ['a']);
    expect(estimator.estimateFee(2)).toBeUndefined();
  });

  it('finds the cheapest rate that confirmed within each target', () => {
    const estimator = new FeeEstimator();
    synthetic(estimator);
    expect(estimator.estimateFee(1)).toBeCloseTo(20);
    expect(estimator.estimateFee(3)).toBeCloseTo(20);
    expect(estimator.estimateFee(4)).toBeCloseTo(5);
    expect(estimator.estimateFee(11)).toBeCloseTo(5);
    expect(estimator.estimateFee(12)).toBeCloseTo(1.5);
    expect(estimator.estimateFee(100)).toBeCloseTo(1.5);
  });

  it('answers a one-block target as two, and reports the target it used', () => {
    const estimator = new FeeEstimator();
    synthetic(estimator);
    expect(estimator.estimateSmartFee(1)).toEqual({ feerate: expect.closeTo(20, 6), blocks: 2 });
    expect(estimator.estimateSmartFee(6)).toEqual({ feerate: expect.closeTo(5, 6), blocks: 6 });
    expect(estimator.estimateSmartFee(5000).blocks).toBe(estimator.opts.maxTarget);
  });

  it('counts transactions that never confirmed against their bucket', () => {
    const estimator = new FeeEstimator();
    synthetic(estimator);
    // Lots of 5 sat/vB transactions expire after 10 blocks: that rate no longer confirms within 10.
    for (let i = 0; i < 2000; i++) {
      estimator.trackTransaction(`x${i}`, 5, 290);
      estimator.removeTransaction(`x${i}`, 300);
    }
    expect(estimator.estimateFee(10)).toBeCloseTo(20);
  });

  it('ignores a block at a height already processed (reconnected after a reorg)', () => {
    const estimator = new FeeEstimator({ sufficientTxsPerBlock: 0.001 });
    estimator.trackTransaction('a', 10, 5);
    estimator.processBlock(6, []);
    estimator.processBlock(6, ['a']);
    expect(estimator.estimateFee(2)).toBeUndefined();
  });
});

describe('Mempool fee estimation', () => {
  it('learns from confirmed pool transactions without pool parents', async () => {
    const feeEstimator = new FeeEstimator({ sufficientTxsPerBlock: 0.001 });
    const { mempool, coins, chain } = setup({}, { feeEstimator });
    expect(mempool.estimateSmartFee(2).errors).toBeDefined();
    const tx = pay([coins[0]!], 2000n);
    const child = pay([out(tx)], 100_000n);
    await mempool.acceptTransaction(tx);
    await mempool.acceptTransaction(child);
    const block = chain.add(chain.buildBlock({ transactions: [tx, child] }));
    await mempool.removeForBlock(block);
    // The child's rate is high, but it is not counted: its speed came from a package.
    expect(mempool.estimateSmartFee(2)).toEqual({ feerate: expect.closeTo(2000 / tx.vsize, 6), blocks: 2 });
  });
});
