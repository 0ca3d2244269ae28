/**
 * Token buckets for the RPC server: a client may make `burst` requests at
 * once and `rate` per second after that. Time is an argument (milliseconds
 * from any monotonic clock), so the arithmetic is testable without waiting.
 */

export interface RateLimit {
  /** Tokens added per second. */
  rate: number;
  /** Most tokens held: the requests a client may make at once after being idle. */
  burst: number;
}

/** One bucket; it starts full. */
export class TokenBucket {
  private tokens: number;
  private updated: number;

  constructor(private readonly limit: RateLimit, now: number) {
    this.tokens = limit.burst;
    this.updated = now;
  }

  /** Takes a token: 0 when there was one, else the seconds until there will be one (nothing is taken then). */
  take(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return (1 - this.tokens) / this.limit.rate;
  }

  private refill(now: number): void {
    // max(): a clock that steps back must not drain the bucket.
    const elapsed = Math.max(0, now - this.updated) / 1000;
    this.tokens = Math.min(this.limit.burst, this.tokens + elapsed * this.limit.rate);
    this.updated = Math.max(now, this.updated);
  }
}

/** Clients remembered at once; beyond it the least recently seen is forgotten. */
export const MAX_TRACKED_CLIENTS = 10_000;

/** A bucket per client key (the client's IP address), least recently seen first. */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly limit: RateLimit, private readonly maxTracked = MAX_TRACKED_CLIENTS) {
    if (!(limit.rate > 0) || !(limit.burst >= 1)) throw new RangeError(`rate limit needs rate > 0 and burst >= 1, got ${limit.rate}/${limit.burst}`);
  }

  /** Clients with a bucket now. */
  get size(): number {
    return this.buckets.size;
  }

  /** Takes a token for `key`: 0 when the request may go ahead, else the seconds until it may. */
  take(key: string, now: number): number {
    let bucket = this.buckets.get(key);
    if (bucket) this.buckets.delete(key);
    else bucket = new TokenBucket(this.limit, now);
    // Re-inserting keeps the map in least-recently-seen order.
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxTracked) {
      // The least recently seen client has most likely refilled anyway; at worst it starts again with a full bucket.
      const oldest = this.buckets.keys().next();
      if (!oldest.done) this.buckets.delete(oldest.value);
    }
    return bucket.take(now);
  }
}
