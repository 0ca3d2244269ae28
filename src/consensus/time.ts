/** Median time past: the median of the last 11 block times, the lower bound for a new block's time. */
import { MEDIAN_TIME_SPAN } from './constants.js';

/**
 * Median of up to 11 block times (Bitcoin's GetMedianTimePast). `times` holds the
 * times of the parent and its ancestors, in any order; only the last 11 given count.
 */
export function medianTimePast(times: readonly number[]): number {
  if (times.length === 0) return 0;
  const window = times.slice(-MEDIAN_TIME_SPAN).sort((a, b) => a - b);
  return window[Math.floor(window.length / 2)]!;
}
