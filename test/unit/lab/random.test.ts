/** The lab's seeded PRNG: reproducible, independent sub-streams, and variates with the right means. */
import { describe, expect, it } from 'vitest';
import { deriveSeed, Random } from '../../../src/lab/random.js';

/** The first outputs of `new Random(1)`, recorded when the lab was written. */
const RECORDED = [2442144158, 3238099751, 3819917871];

function draws(rng: Random, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextU32());
}

describe('Random', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    expect(draws(new Random(42), 20)).toEqual(draws(new Random(42), 20));
    expect(draws(new Random(42), 20)).not.toEqual(draws(new Random(43), 20));
  });

  it('is xoshiro128**: the reference implementation from state (1, 2, 3, 4) gives 11520, 0, 5927040', () => {
    expect(draws(Random.fromState(1, 2, 3, 4), 3)).toEqual([11520, 0, 5927040]);
  });

  it('keeps its recorded stream for seed 1 (a change would change every published result)', () => {
    expect(draws(new Random(1), 3)).toEqual(RECORDED);
  });

  it('draws uniforms in [0, 1) with mean 1/2 and exponentials with mean 1/rate', () => {
    const rng = new Random(9);
    const n = 40_000;
    let sumU = 0;
    let sumE = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      sumU += u;
      sumE += rng.exponential(4);
    }
    // Standard errors: 0.29/√n ≈ 0.0014 and 0.25/√n ≈ 0.00125; 5 of them is a safe margin.
    expect(Math.abs(sumU / n - 0.5)).toBeLessThan(0.007);
    expect(Math.abs(sumE / n - 0.25)).toBeLessThan(0.007);
  });

  it('picks by weight, uniformly from a list, and integers in range', () => {
    const rng = new Random(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[rng.weighted([1, 0, 3])]!++;
    expect(counts[1]).toBe(0);
    expect(Math.abs(counts[2]! / 30_000 - 0.75)).toBeLessThan(0.015);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(rng.choice(['a', 'b', 'c']));
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
    for (let i = 0; i < 1000; i++) {
      const k = rng.integer(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
    expect(() => rng.integer(0)).toThrow(RangeError);
    expect(() => rng.choice([])).toThrow(RangeError);
  });

  it('derives distinct, stable sub-seeds per chunk', () => {
    const seeds = Array.from({ length: 1000 }, (_, i) => deriveSeed(1, i));
    expect(new Set(seeds).size).toBe(1000);
    expect(deriveSeed(1, 5)).toBe(deriveSeed(1, 5));
    expect(deriveSeed(1, 5)).not.toBe(deriveSeed(2, 5));
    expect(draws(new Random(deriveSeed(1, 0)), 5)).not.toEqual(draws(new Random(deriveSeed(1, 1)), 5));
  });
});
