/** The RPC rate limiter's token buckets, on an explicit clock (milliseconds). */
import { describe, expect, it } from 'vitest';
import { RateLimiter, TokenBucket } from '../../../src/rpc/rate-limit.js';

describe('TokenBucket', () => {
  it('allows a burst, then one request per 1/rate seconds, saying how long to wait', () => {
    const b = new TokenBucket({ rate: 2, burst: 3 }, 0);
    expect([b.take(0), b.take(0), b.take(0)]).toEqual([0, 0, 0]);
    expect(b.take(0)).toBeCloseTo(0.5);
    // A refused request takes nothing: the wait shrinks as time passes.
    expect(b.take(250)).toBeCloseTo(0.25);
    expect(b.take(500)).toBe(0);
    expect(b.take(500)).toBeCloseTo(0.5);
  });

  it('refills to the burst and no further, and survives a clock that steps back', () => {
    const b = new TokenBucket({ rate: 10, burst: 5 }, 0);
    for (let i = 0; i < 5; i++) b.take(0);
    // An hour idle refills 5, not 36,000.
    const allowed = Array.from({ length: 7 }, () => b.take(3_600_000)).filter((w) => w === 0);
    expect(allowed).toHaveLength(5);
    expect(b.take(1_000)).toBeGreaterThan(0);
    expect(b.take(3_600_100)).toBe(0);
  });
});

describe('RateLimiter', () => {
  it('keeps a bucket per client', () => {
    const limiter = new RateLimiter({ rate: 1, burst: 2 });
    expect([limiter.take('a', 0), limiter.take('a', 0)]).toEqual([0, 0]);
    expect(limiter.take('a', 0)).toBeCloseTo(1);
    expect(limiter.take('b', 0)).toBe(0);
    expect(limiter.size).toBe(2);
  });

  it('remembers at most maxTracked clients, forgetting the least recently seen', () => {
    const limiter = new RateLimiter({ rate: 1, burst: 1 }, 3);
    for (const c of ['a', 'b', 'c']) limiter.take(c, 0);
    limiter.take('a', 0);
    limiter.take('d', 0);
    expect(limiter.size).toBe(3);
    // 'b' was forgotten (a fresh bucket); 'a' was seen again and is still empty.
    expect(limiter.take('b', 0)).toBe(0);
    expect(limiter.take('a', 0)).toBeGreaterThan(0);
  });

  it('refuses a limit that would let nothing through', () => {
    expect(() => new RateLimiter({ rate: 0, burst: 10 })).toThrow(RangeError);
    expect(() => new RateLimiter({ rate: 1, burst: 0 })).toThrow(RangeError);
  });
});
