import { describe, expect, it } from 'vitest';
import { COIN, MAX_MONEY } from '../../../src/consensus/constants.js';
import { regtest, testnet } from '../../../src/consensus/params.js';
import { getBlockSubsidy } from '../../../src/consensus/subsidy.js';

describe('getBlockSubsidy', () => {
  it.each([regtest, testnet])('$name: halves every halvingInterval blocks', (params) => {
    const n = params.halvingInterval;
    expect(getBlockSubsidy(0, params)).toBe(50n * COIN);
    expect(getBlockSubsidy(1, params)).toBe(50n * COIN);
    expect(getBlockSubsidy(n - 1, params)).toBe(50n * COIN);
    expect(getBlockSubsidy(n, params)).toBe(25n * COIN);
    expect(getBlockSubsidy(2 * n - 1, params)).toBe(25n * COIN);
    expect(getBlockSubsidy(2 * n, params)).toBe(1_250_000_000n);
    expect(getBlockSubsidy(3 * n, params)).toBe(625_000_000n);
  });

  it('rounds down (satoshis are indivisible)', () => {
    // 50 COIN = 5,000,000,000 sat; after 10 halvings 4,882,812.5 becomes 4,882,812.
    expect(getBlockSubsidy(10 * regtest.halvingInterval, regtest)).toBe(4_882_812n);
    // 5e9 < 2^33: the subsidy reaches zero after 33 halvings.
    expect(getBlockSubsidy(32 * regtest.halvingInterval, regtest)).toBe(1n);
    expect(getBlockSubsidy(33 * regtest.halvingInterval, regtest)).toBe(0n);
  });

  it('is zero from 64 halvings on, whatever the initial subsidy', () => {
    const params = { initialSubsidy: 1n << 80n, halvingInterval: 10 };
    expect(getBlockSubsidy(63 * 10, params)).toBe(1n << 17n);
    expect(getBlockSubsidy(64 * 10 - 1, params)).toBe(1n << 17n);
    expect(getBlockSubsidy(64 * 10, params)).toBe(0n);
    expect(getBlockSubsidy(1000 * 10, params)).toBe(0n);
    expect(getBlockSubsidy(64 * regtest.halvingInterval, regtest)).toBe(0n);
    expect(getBlockSubsidy(Number.MAX_SAFE_INTEGER, regtest)).toBe(0n);
  });

  it('testnet issues Bitcoin\'s 20,999,999.9769 coins in all, below MAX_MONEY', () => {
    let total = 0n;
    for (let halving = 0; halving < 64; halving++) {
      total += BigInt(testnet.halvingInterval) * getBlockSubsidy(halving * testnet.halvingInterval, testnet);
    }
    expect(total).toBe(2_099_999_997_690_000n);
    expect(total).toBeLessThanOrEqual(MAX_MONEY);
  });
});
