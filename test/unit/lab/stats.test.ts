/** Confidence intervals: Wilson for proportions, batch means with Student's t. */
import { describe, expect, it } from 'vitest';
import { batchMeans95, ratioBatchMeans95, tQuantile975, wilson95 } from '../../../src/lab/stats.js';

describe('wilson95', () => {
  it('matches published values and stays inside [0, 1]', () => {
    // 5 of 10: 0.2366 to 0.7634 (Wilson 1927; Newcombe 1998, table I).
    const [lo, hi] = wilson95(5, 10);
    expect(lo).toBeCloseTo(0.2366, 4);
    expect(hi).toBeCloseTo(0.7634, 4);
    const [zeroLo, zeroHi] = wilson95(0, 10);
    expect(zeroLo).toBe(0);
    expect(zeroHi).toBeCloseTo(0.2775, 4);
    expect(wilson95(10, 10)[1]).toBe(1);
  });

  it('narrows as trials grow and always holds the observed rate', () => {
    const wide = wilson95(20, 100);
    const narrow = wilson95(2000, 10_000);
    expect(narrow[1] - narrow[0]).toBeLessThan(wide[1] - wide[0]);
    expect(narrow[0]).toBeLessThan(0.2);
    expect(narrow[1]).toBeGreaterThan(0.2);
  });
});

describe('batchMeans95', () => {
  it('is the mean ± t(0.975, k−1)·s/√k', () => {
    const values = [1, 2, 3, 4, 5];
    const { mean, ci95 } = batchMeans95(values);
    expect(mean).toBe(3);
    const half = 2.776 * Math.sqrt(2.5 / 5);
    expect(ci95[0]).toBeCloseTo(3 - half, 12);
    expect(ci95[1]).toBeCloseTo(3 + half, 12);
    expect(() => batchMeans95([1])).toThrow(RangeError);
  });

  it('uses t quantiles that fall toward 1.96', () => {
    expect(tQuantile975(1)).toBe(12.706);
    expect(tQuantile975(15)).toBe(2.131);
    expect(tQuantile975(60)).toBeCloseTo(2.0003, 3);
    expect(tQuantile975(100_000)).toBeCloseTo(1.96, 3);
  });
});

describe('ratioBatchMeans95', () => {
  it('is ΣX/ΣY with the delta-method interval, and equals batch means when denominators are equal', () => {
    const { ratio, ci95 } = ratioBatchMeans95([10, 20, 30], [100, 100, 100]);
    expect(ratio).toBeCloseTo(0.2, 12);
    const plain = batchMeans95([0.1, 0.2, 0.3]);
    expect(ci95[0]).toBeCloseTo(plain.ci95[0], 12);
    expect(ci95[1]).toBeCloseTo(plain.ci95[1], 12);
    // Unequal chunks: the pooled ratio, not the mean of ratios (which would be 0.3).
    expect(ratioBatchMeans95([1, 50], [10, 100]).ratio).toBeCloseTo(51 / 110, 12);
    expect(() => ratioBatchMeans95([1], [2])).toThrow(RangeError);
  });
});
