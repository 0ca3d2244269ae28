/**
 * Coin selection: a changeless branch-and-bound match when one exists, the
 * largest-first fallback with change otherwise, dust change given to the fee,
 * several payment outputs, and insufficient funds.
 */
import { describe, expect, it } from 'vitest';
import { DUST_LIMIT, feeFor, InsufficientFunds, selectCoins, txVsize } from '../../../src/wallet/coin-select.js';
import * as cli from '../../../src/cli/wallet/coin-select.js';

const coin = (n: number, value: bigint) => ({ txid: n.toString(16).padStart(64, '0'), vout: 0, value });

describe('selectCoins', () => {
  it('finds the changeless match among larger coins (BnB)', () => {
    const feeRate = 2;
    // 2 inputs, 1 output: exactly the target plus its fee.
    const exact = 70_000n + feeFor(txVsize(2, 1), feeRate);
    const coins = [coin(1, 1_000_000n), coin(2, 40_000n), coin(3, exact - 40_000n), coin(4, 5_000n)];
    const s = selectCoins(coins, 70_000n, feeRate);
    expect(s.change).toBe(0n);
    expect(s.coins.map((c) => c.value).sort()).toEqual([40_000n, exact - 40_000n].sort());
    expect(s.fee).toBe(feeFor(txVsize(2, 1), feeRate));
    expect(s.vsize).toBe(txVsize(2, 1));
  });

  it('falls back to largest first with change above dust', () => {
    const s = selectCoins([coin(1, 1_000_000n), coin(2, 30_000n)], 100_000n, 3);
    expect(s.coins).toHaveLength(1);
    expect(s.fee).toBe(feeFor(txVsize(1, 2), 3));
    expect(s.change).toBe(1_000_000n - 100_000n - s.fee);
    expect(s.change >= DUST_LIMIT).toBe(true);
  });

  it('gives change below dust to the fee', () => {
    const feeRate = 1;
    // Enough for the changed transaction, with 100 sat left over: no BnB match within the change cost window
    // needs the leftover to exceed that window, so the coin is large enough to skip BnB yet leaves dust change.
    const withChange = feeFor(txVsize(1, 2), feeRate);
    const value = 50_000n + withChange + 100n;
    const s = selectCoins([coin(1, value)], 50_000n, feeRate);
    expect(s.change).toBe(0n);
    expect(s.fee).toBe(value - 50_000n);
    expect(s.vsize).toBe(txVsize(1, 1));
  });

  it('pays several outputs, sizing for each', () => {
    const s = selectCoins([coin(1, 500_000n)], 100_000n, 2, 3);
    expect(s.fee).toBe(feeFor(txVsize(1, 4), 2));
    expect(s.change).toBe(500_000n - 100_000n - s.fee);
  });

  it('throws InsufficientFunds with what is needed and available', () => {
    try {
      selectCoins([coin(1, 10_000n)], 20_000n, 1);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InsufficientFunds);
      expect((err as InsufficientFunds).available).toBe(10_000n);
      expect((err as InsufficientFunds).needed > 20_000n).toBe(true);
    }
  });

  it('is the same code the CLI keystore uses', () => {
    expect(cli.selectCoins).toBe(selectCoins);
    expect(cli.InsufficientFunds).toBe(InsufficientFunds);
  });
});
