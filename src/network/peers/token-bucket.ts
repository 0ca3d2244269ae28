/**
 * A token bucket with debt: it refills at `rate` tokens a second up to
 * `capacity`, and a charge may take it below zero, which later refills pay
 * back. Time is an argument (milliseconds on any monotonic clock), so the
 * bucket is pure and tested without waiting.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  /** A full bucket at `nowMs`. */
  constructor(
    readonly rate: number,
    readonly capacity: number,
    nowMs: number,
  ) {
    if (!(rate > 0) || !(capacity > 0)) throw new RangeError(`token bucket: rate and capacity must be positive, got ${rate} and ${capacity}`);
    this.tokens = capacity;
    this.refilledAt = nowMs;
  }

  /** Tokens held at `nowMs` (negative while in debt). */
  level(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens;
  }

  /** Takes `n` tokens when the bucket holds them; otherwise takes nothing and returns false. */
  take(n: number, nowMs: number): boolean {
    this.refill(nowMs);
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /** Takes `n` tokens whether or not the bucket holds them (what was already spent, e.g. bytes sent). */
  charge(n: number, nowMs: number): void {
    this.refill(nowMs);
    this.tokens -= n;
  }

  /** Milliseconds from `nowMs` until the bucket is out of debt (0 when it is). */
  debtMs(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.rate) * 1000);
  }

  private refill(nowMs: number): void {
    // A clock that steps back (it should not: the caller's is monotonic) refills nothing.
    if (nowMs <= this.refilledAt) return;
    this.tokens = Math.min(this.capacity, this.tokens + ((nowMs - this.refilledAt) / 1000) * this.rate);
    this.refilledAt = nowMs;
  }
}
