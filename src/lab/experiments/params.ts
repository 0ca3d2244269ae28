/** Parameter checks and chunk arithmetic shared by the experiments. */
import { badParam } from '../errors.js';

/**
 * Shortest mean block interval, seconds. Block times are whole seconds and must pass
 * the median time past, so much faster blocks would run their times ahead of the
 * clock until nodes refuse them as too far in the future.
 */
export const MIN_INTERVAL = 1;

/** A finite number in [min, max] (bounds inclusive unless `open` names one). */
export function checkNumber(name: string, v: unknown, min: number, max: number, open: { min?: boolean; max?: boolean } = {}): number {
  const ok = typeof v === 'number' && Number.isFinite(v) && (open.min ? v > min : v >= min) && (open.max ? v < max : v <= max);
  if (!ok) throw badParam(name, `a number in ${open.min ? '(' : '['}${min}, ${max}${open.max ? ')' : ']'}`, v);
  return v;
}

/** A whole number in [min, max]. */
export function checkInteger(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw badParam(name, `a whole number in [${min}, ${max}]`, v);
  return v;
}

/** A seed: any whole number that fits 32 bits. */
export function checkSeed(v: unknown): number {
  return checkInteger('seed', v, -0x80000000, 0xffffffff);
}

/** How many of `total` items chunk `index` of `chunks` gets: as even as possible, the first ones one more. */
export function chunkShare(total: number, chunks: number, index: number): number {
  return Math.floor(total / chunks) + (index < total % chunks ? 1 : 0);
}

/**
 * Chunks of a long-run experiment (selfish, stale): one per 250 blocks, between 2
 * and 16. Enough independent runs for a batch-means interval, each long enough
 * that its start and end (a fork left open) barely bias it.
 */
export function longRunChunks(blocks: number): number {
  return Math.min(16, Math.max(2, Math.floor(blocks / 250)));
}
