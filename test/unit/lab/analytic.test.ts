/** The closed forms: the whitepaper's and Rosenfeld's double-spend probabilities, Eyal–Sirer, stale rate. */
import { describe, expect, it } from 'vitest';
import {
  binomial, forkProbability, nakamotoSuccess, rosenfeldSuccess, selfishRevenue, selfishThreshold, staleRate,
} from '../../../src/lab/analytic.js';

/**
 * Rosenfeld's probability summed the long way: the attacker has m blocks (negative
 * binomial) when the honest chain has z, and then catches up from z − m − 1 behind
 * with probability (q/p)^(z−m) (1 when m ≥ z); the series is cut when its terms vanish.
 */
function rosenfeldSeries(q: number, z: number): number {
  const p = 1 - q;
  let total = 0;
  for (let m = 0; m < 400; m++) {
    const pm = binomial(m + z - 1, m) * p ** z * q ** m;
    total += pm * (m >= z ? 1 : (q / p) ** (z - m));
  }
  return total;
}

describe('double-spend probabilities', () => {
  it("gives the whitepaper's §11 table value at q = 0.1, z = 5", () => {
    expect(nakamotoSuccess(0.1, 5)).toBeCloseTo(0.0009137, 7);
    expect(nakamotoSuccess(0.3, 5)).toBeCloseTo(0.1773523, 7);
    expect(nakamotoSuccess(0.1, 0)).toBe(1);
  });

  it("gives Rosenfeld's exact value, 0.0017818 at q = 0.1, z = 5, about twice the whitepaper's", () => {
    expect(rosenfeldSuccess(0.1, 5)).toBeCloseTo(0.00178184, 8);
    expect(rosenfeldSuccess(0.1, 5) / nakamotoSuccess(0.1, 5)).toBeGreaterThan(1.9);
  });

  it('agrees with the series it sums in closed form, at many (q, z)', () => {
    for (const q of [0.05, 0.1, 0.2, 0.3, 0.45]) {
      for (const z of [1, 2, 3, 5, 8]) expect(rosenfeldSuccess(q, z)).toBeCloseTo(rosenfeldSeries(q, z), 10);
    }
  });

  it('is 2q at z = 1, 1 at z = 0 (C(−1, 0) = 1) and 1 for a majority attacker', () => {
    expect(rosenfeldSuccess(0.1, 1)).toBeCloseTo(0.2, 12);
    expect(rosenfeldSuccess(0.3, 1)).toBeCloseTo(0.6, 12);
    expect(binomial(-1, 0)).toBe(1);
    expect(rosenfeldSuccess(0.1, 0)).toBe(1);
    expect(rosenfeldSuccess(0.5, 6)).toBe(1);
    expect(rosenfeldSuccess(0, 3)).toBe(0);
    expect(() => rosenfeldSuccess(0.1, 1.5)).toThrow(RangeError);
  });
});

describe('Eyal–Sirer selfish mining', () => {
  it('pays exactly α at the threshold (1−γ)/(3−2γ), less below and more above', () => {
    for (const gamma of [0, 0.25, 0.5, 0.75]) {
      const t = selfishThreshold(gamma);
      expect(selfishRevenue(t, gamma)).toBeCloseTo(t, 12);
      expect(selfishRevenue(t - 0.05, gamma)).toBeLessThan(t - 0.05);
      expect(selfishRevenue(t + 0.05, gamma)).toBeGreaterThan(t + 0.05);
    }
    expect(selfishThreshold(0)).toBeCloseTo(1 / 3, 12);
    expect(selfishThreshold(0.5)).toBe(0.25);
    expect(selfishThreshold(1)).toBe(0);
  });

  it('gives known values', () => {
    // α = 0.4, γ = 0: (0.4·0.36·1.6 − 0.064)/(1 − 0.4·1.64) = 0.1664/0.344.
    expect(selfishRevenue(0.4, 0)).toBeCloseTo(0.1664 / 0.344, 12);
    // α = 0.25, γ = 0: (0.25·0.5625·1 − 0.015625)/(1 − 0.25·1.4375) = 0.125/0.640625.
    expect(selfishRevenue(0.25, 0)).toBeCloseTo(0.125 / 0.640625, 12);
    expect(selfishRevenue(0.25, 0.5)).toBeCloseTo(0.25, 12);
  });
});

describe('stale rate', () => {
  it('is q/(1+q) with q = 1 − e^(−(1−1/N)·D/T)', () => {
    const q = 1 - Math.exp(-(19 / 20) * (2 / 600));
    expect(forkProbability(20, 600, 2)).toBeCloseTo(q, 15);
    expect(staleRate(20, 600, 2)).toBeCloseTo(q / (1 + q), 15);
    expect(staleRate(10, 10, 0)).toBe(0);
    // Shorter intervals at the same delay make more stale blocks.
    expect(staleRate(10, 10, 1)).toBeGreaterThan(staleRate(10, 30, 1));
  });
});
