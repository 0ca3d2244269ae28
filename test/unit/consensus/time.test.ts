import { describe, expect, it } from 'vitest';
import { MEDIAN_TIME_SPAN } from '../../../src/consensus/constants.js';
import { medianTimePast } from '../../../src/consensus/time.js';

describe('medianTimePast', () => {
  it('is 0 for no blocks', () => {
    expect(medianTimePast([])).toBe(0);
  });

  it('is the only time for one block', () => {
    expect(medianTimePast([1234])).toBe(1234);
  });

  it('takes the middle of an odd count', () => {
    expect(medianTimePast([10, 20, 30])).toBe(20);
    expect(medianTimePast([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])).toBe(6);
  });

  it('takes the upper middle of an even count (as Core: sorted[size / 2])', () => {
    expect(medianTimePast([10, 20])).toBe(20);
    expect(medianTimePast([10, 20, 30, 40])).toBe(30);
  });

  it('sorts unsorted input (times need not increase)', () => {
    expect(medianTimePast([50, 10, 40, 20, 30])).toBe(30);
    expect(medianTimePast([5, 5, 1, 9, 5])).toBe(5);
    expect(medianTimePast([300, 100, 200, 100])).toBe(200);
  });

  it('uses only the last 11 times given', () => {
    expect(MEDIAN_TIME_SPAN).toBe(11);
    const old = [1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000];
    const recent = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    expect(medianTimePast([...old, ...recent])).toBe(6);
    expect(medianTimePast([0, ...recent])).toBe(6);
    expect(medianTimePast([...recent, 1_000_000])).toBe(7);
  });

  it('does not modify its input', () => {
    const times = [3, 1, 2];
    medianTimePast(times);
    expect(times).toEqual([3, 1, 2]);
  });

  it('gives the same median for a steadily advancing chain', () => {
    const times = Array.from({ length: 30 }, (_, i) => 1_000 + 10 * i);
    // The last 11 are heights 19..29, median height 24.
    expect(medianTimePast(times)).toBe(1_000 + 10 * 24);
  });
});
