/**
 * The closed forms the lab's experiments are checked against. Each cites its
 * source; docs/LAB.md shows them beside the simulated values.
 */

/** C(n, k) for integer k ≥ 0 and real n, as a product (C(n, 0) = 1 for any n, including n = −1). */
export function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

function checkShare(name: string, v: number): void {
  if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${v}`);
}

/**
 * Exact probability that an attacker with hash-power share `q` ever catches up
 * after the merchant waits `z` confirmations: Rosenfeld, "Analysis of
 * hashrate-based double spending" (2014), eq. (1):
 * 1 − Σ_{m=0..z} C(m+z−1, m)(p^z q^m − q^z p^m), with p = 1 − q, for q < 1/2;
 * 1 when q ≥ 1/2. Rosenfeld's convention: the payment's own block is the first of
 * the z, and the attacker starts the race with one block pre-mined. z = 0 gives 1:
 * a merchant who waits for nothing is always beaten.
 */
export function rosenfeldSuccess(q: number, z: number): number {
  checkShare('q', q);
  if (!Number.isInteger(z) || z < 0) throw new RangeError(`z must be a whole number ≥ 0, got ${z}`);
  if (q >= 0.5) return 1;
  const p = 1 - q;
  let sum = 0;
  for (let m = 0; m <= z; m++) sum += binomial(m + z - 1, m) * (p ** z * q ** m - q ** z * p ** m);
  return 1 - sum;
}

/**
 * Nakamoto's approximation, "Bitcoin: A Peer-to-Peer Electronic Cash System"
 * (2008) §11: the attacker's progress while the honest chain finds z blocks is
 * taken as Poisson with mean λ = z q/p, then 1 − Σ_{k=0..z} (λ^k e^−λ / k!)(1 − (q/p)^(z−k)).
 * It underestimates the exact value (0.0009137 against 0.0017818 at q = 0.1, z = 5).
 */
export function nakamotoSuccess(q: number, z: number): number {
  checkShare('q', q);
  if (!Number.isInteger(z) || z < 0) throw new RangeError(`z must be a whole number ≥ 0, got ${z}`);
  if (q >= 0.5) return 1;
  const p = 1 - q;
  const lambda = (z * q) / p;
  let sum = 1;
  let poisson = Math.exp(-lambda);
  for (let k = 0; k <= z; k++) {
    if (k > 0) poisson *= lambda / k;
    sum -= poisson * (1 - (q / p) ** (z - k));
  }
  return sum;
}

/**
 * Relative revenue of a selfish pool with share `alpha` and tie parameter
 * `gamma` under SM1: Eyal and Sirer, "Majority is not enough" (2014), eq. (8):
 * [α(1−α)²(4α+γ(1−2α)) − α³] / [1 − α(1+(2−α)α)]. Valid for α < 1/2.
 */
export function selfishRevenue(alpha: number, gamma: number): number {
  checkShare('alpha', alpha);
  checkShare('gamma', gamma);
  const a = alpha;
  return (a * (1 - a) ** 2 * (4 * a + gamma * (1 - 2 * a)) - a ** 3) / (1 - a * (1 + (2 - a) * a));
}

/** The share above which selfish mining pays (Eyal and Sirer, Observation 1): (1−γ)/(3−2γ). */
export function selfishThreshold(gamma: number): number {
  checkShare('gamma', gamma);
  return (1 - gamma) / (3 - 2 * gamma);
}

/**
 * First-order probability that a block meets a competitor: another miner (a
 * share 1 − 1/N of the power, N equal miners) finds one while it propagates for
 * `delay` seconds, with blocks every `interval` seconds: q = 1 − e^(−(1−1/N)·D/T).
 */
export function forkProbability(nodes: number, interval: number, delay: number): number {
  return 1 - Math.exp((-(1 - 1 / nodes) * delay) / interval);
}

/** First-order stale share: each fork leaves one stale block per q/(1+q) of all blocks found. */
export function staleRate(nodes: number, interval: number, delay: number): number {
  const q = forkProbability(nodes, interval, delay);
  return q / (1 + q);
}
