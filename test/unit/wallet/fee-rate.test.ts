/** The fee rate a payment uses: explicit within [floor, max], else the estimate or the fallback, never under the floor. */
import { describe, expect, it } from 'vitest';
import { chooseFeeRate } from '../../../src/wallet/spend.js';
import { WALLET_DEFAULTS } from '../../../src/wallet/options.js';
import { WalletError } from '../../../src/wallet/errors.js';

const pool = (feerate: number | undefined, floor = 1) => ({
  has: () => false,
  entries: () => [],
  minFeeRate: () => floor,
  estimateSmartFee: (blocks: number) => (feerate === undefined ? { blocks, errors: ['Insufficient data or no feerate found'] } : { feerate, blocks }),
});

function rpc(fn: () => unknown): number {
  try {
    fn();
  } catch (err) {
    return (err as WalletError).rpcCode;
  }
  return 0;
}

describe('chooseFeeRate', () => {
  it('uses the estimate, the fallback without one, and the floor under both', () => {
    expect(chooseFeeRate(WALLET_DEFAULTS, pool(7))).toBe(7);
    expect(chooseFeeRate(WALLET_DEFAULTS, pool(undefined))).toBe(WALLET_DEFAULTS.fallbackFeeRate);
    expect(chooseFeeRate(WALLET_DEFAULTS, pool(2, 5))).toBe(5);
    expect(chooseFeeRate({ ...WALLET_DEFAULTS, minFeeRate: 3 }, pool(2))).toBe(3);
  });

  it('asks the estimator for the confirmation target given, else the wallet\'s', () => {
    const byTarget = { ...pool(undefined), estimateSmartFee: (blocks: number) => ({ feerate: 60 / blocks, blocks }) };
    expect(chooseFeeRate(WALLET_DEFAULTS, byTarget, undefined, 2)).toBe(30);
    expect(chooseFeeRate(WALLET_DEFAULTS, byTarget)).toBe(60 / WALLET_DEFAULTS.confirmTarget);
    expect(chooseFeeRate(WALLET_DEFAULTS, byTarget, 7, 2)).toBe(7);
  });

  it('takes an explicit rate within bounds and refuses others', () => {
    expect(chooseFeeRate(WALLET_DEFAULTS, pool(50), 2.5)).toBe(2.5);
    expect(rpc(() => chooseFeeRate(WALLET_DEFAULTS, pool(50, 2), 1.5))).toBe(-4);
    expect(rpc(() => chooseFeeRate(WALLET_DEFAULTS, pool(50), WALLET_DEFAULTS.maxFeeRate + 1))).toBe(-4);
    expect(rpc(() => chooseFeeRate(WALLET_DEFAULTS, pool(50), -1))).toBe(-8);
  });
});
