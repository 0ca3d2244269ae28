/**
 * The lab's only source of randomness: xoshiro128** (Blackman and Vigna, 2018)
 * seeded through splitmix32, so that a seed gives the same stream on every
 * machine and run. Chunk `i` of a run draws from `deriveSeed(seed, i)`, which
 * keeps chunks independent of how many threads run them.
 */

/** splitmix32 step: a well-mixed 32-bit value from a 32-bit state (used to seed and to derive). */
function splitmix32(state: number): [value: number, next: number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [(z ^ (z >>> 16)) >>> 0, next];
}

/** The seed of sub-stream `index` of `seed`: distinct, well-mixed and stable for every (seed, index). */
export function deriveSeed(seed: number, index: number): number {
  const [a] = splitmix32(seed ^ Math.imul(index + 1, 0x27d4eb2f));
  const [b] = splitmix32(a ^ index);
  return b;
}

/** A seeded generator of uniform and derived variates. */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** `seed`: any 32-bit integer (other numbers are truncated to 32 bits). */
  constructor(seed: number) {
    let st = seed | 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [v, next] = splitmix32(st);
      words.push(v | 0);
      st = next;
    }
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
    // xoshiro's only bad state is all zeros; splitmix32 of consecutive states never gives it, but be sure.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A generator in a given xoshiro128** state (not all zero): for checking against the reference's vectors. */
  static fromState(s0: number, s1: number, s2: number, s3: number): Random {
    const rng = new Random(0);
    [rng.s0, rng.s1, rng.s2, rng.s3] = [s0 | 0, s1 | 0, s2 | 0, s3 | 0];
    return rng;
  }

  /** The next 32-bit unsigned integer (xoshiro128**). */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1), with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [a, b). */
  between(a: number, b: number): number {
    return a + (b - a) * this.uniform();
  }

  /** Exponential with rate `rate` (mean 1/rate), by inversion; never 0 or infinite. */
  exponential(rate: number): number {
    return -Math.log(1 - this.uniform()) / rate;
  }

  /** A uniform integer in [0, n), without modulo bias. */
  integer(n: number): number {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`integer(n) needs a whole n ≥ 1, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** A uniformly chosen element of `items`. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('choice() of an empty list');
    return items[this.integer(items.length)]!;
  }

  /** An index chosen with probability proportional to `weights` (non-negative, not all zero). */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.uniform() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0) return i;
    }
    // Rounding can leave x at 0 after the last subtraction: the last positive weight wins.
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
    throw new RangeError('weighted() needs a positive weight');
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.integer(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
