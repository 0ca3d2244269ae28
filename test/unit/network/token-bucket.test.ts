/** The token bucket with debt behind the per-peer byte rate (src/network/peers/token-bucket.ts); time is an argument. */
import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../src/network/peers/token-bucket.js';

describe('TokenBucket', () => {
  it('starts full and refills at its rate up to its capacity', () => {
    const b = new TokenBucket(100, 200, 0);
    expect(b.level(0)).toBe(200);
    expect(b.take(150, 0)).toBe(true);
    expect(b.level(0)).toBe(50);
    expect(b.level(500)).toBe(100);
    expect(b.level(60_000)).toBe(200);
  });

  it('take refuses what it does not hold and takes nothing then', () => {
    const b = new TokenBucket(10, 20, 0);
    expect(b.take(21, 0)).toBe(false);
    expect(b.level(0)).toBe(20);
    expect(b.take(20, 0)).toBe(true);
    expect(b.take(1, 0)).toBe(false);
    expect(b.take(1, 100)).toBe(true);
  });

  it('charge goes into debt, and debtMs says how long the refill takes to pay it', () => {
    const b = new TokenBucket(1_000_000, 2_000_000, 0);
    expect(b.debtMs(0)).toBe(0);
    b.charge(4_000_000, 0);
    expect(b.level(0)).toBe(-2_000_000);
    expect(b.debtMs(0)).toBe(2000);
    expect(b.debtMs(1500)).toBe(500);
    expect(b.debtMs(2000)).toBe(0);
    expect(b.level(2000)).toBe(0);
  });

  it('a clock that steps back refills nothing and loses nothing', () => {
    const b = new TokenBucket(100, 100, 1000);
    b.charge(100, 1000);
    expect(b.level(500)).toBe(0);
    expect(b.level(1500)).toBe(50);
  });

  it('refuses a rate or capacity that is not positive', () => {
    expect(() => new TokenBucket(0, 10, 0)).toThrow(RangeError);
    expect(() => new TokenBucket(10, Number.NaN, 0)).toThrow(RangeError);
  });
});
