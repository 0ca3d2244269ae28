/**
 * Confidence intervals for the lab's results.
 *
 * - A success rate over independent trials (doublespend): Wilson's score
 *   interval, which stays inside [0, 1] and keeps its coverage near 0 and 1,
 *   where the normal approximation fails (rates like 0.0018).
 * - A long-run share from one simulated history (selfish revenue, stale rate):
 *   blocks in one run are correlated (a fork makes the next blocks' fate
 *   depend on it), so counts are not binomial. The run is split into k
 *   independent chunks (separate simulations, own random streams) and the
 *   interval is batch means: mean of the k chunk values ± t(0.975, k−1)·s/√k.
 *   A share whose denominator varies by chunk (the pool's blocks over the
 *   chain's length) uses the ratio form: ΣX/ΣY, whose bias shrinks with the
 *   whole run rather than with one chunk, with the delta-method error from the
 *   chunks' residuals X_i − R·Y_i.
 */

/** Two-sided 95% Student t quantiles t(0.975, df) for df = 1..30; beyond, 1.96 + a small correction. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** The 97.5% quantile of Student's t with `df` degrees of freedom (table to 30, then Cornish-Fisher). */
export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`df must be a whole number ≥ 1, got ${df}`);
  if (df <= T975.length) return T975[df - 1]!;
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
}

/** Wilson score interval (95%) for `successes` out of `trials`. */
export function wilson95(successes: number, trials: number): [number, number] {
  if (trials <= 0) return [0, 1];
  const z = 1.959964;
  const p = successes / trials;
  const z2n = (z * z) / trials;
  const center = (p + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2n / (4 * trials))) / (1 + z2n);
  // At 0 or n successes the bound is exactly 0 or 1; rounding would leave 1e-16 off.
  return [successes === 0 ? 0 : Math.max(0, center - half), successes === trials ? 1 : Math.min(1, center + half)];
}

/** Mean, and the batch-means 95% interval, of per-chunk values (at least two). */
export function batchMeans95(values: readonly number[]): { mean: number; ci95: [number, number] } {
  const k = values.length;
  if (k < 2) throw new RangeError('batch means need at least two chunks');
  const mean = values.reduce((a, b) => a + b, 0) / k;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (k - 1);
  const half = tQuantile975(k - 1) * Math.sqrt(variance / k);
  return { mean, ci95: [mean - half, mean + half] };
}

/**
 * Ratio ΣX/ΣY of per-chunk counts and its batch-means 95% interval:
 * R ± t(0.975, k−1)·sqrt(Σ(X_i − R·Y_i)² / (k−1) / k) / mean(Y).
 */
export function ratioBatchMeans95(numerators: readonly number[], denominators: readonly number[]): { ratio: number; ci95: [number, number] } {
  const k = numerators.length;
  if (k < 2 || denominators.length !== k) throw new RangeError('ratio batch means need at least two chunks, as many numerators as denominators');
  const sumX = numerators.reduce((a, b) => a + b, 0);
  const sumY = denominators.reduce((a, b) => a + b, 0);
  const ratio = sumX / sumY;
  let ss = 0;
  for (let i = 0; i < k; i++) ss += (numerators[i]! - ratio * denominators[i]!) ** 2;
  const half = (tQuantile975(k - 1) * Math.sqrt(ss / (k - 1) / k)) / (sumY / k);
  return { ratio, ci95: [ratio - half, ratio + half] };
}
