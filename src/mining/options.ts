/** Options of the miner service, with their defaults. Plain data: safe to clone and to log. */
import { availableParallelism } from 'node:os';
import { miningError } from './errors.js';

/** The largest nonce: the header's nonce field is a uint32. */
export const MAX_NONCE = 0xffffffff;

/** Miner service options (see {@link defaultMinerOptions} for the defaults). */
export interface MinerOptions {
  /** Worker threads. 0 mines inline on the calling thread, yielding to the event loop between chunks. */
  threads: number;
  /** Nonces in one range handed to a worker; a worker asks for the next range when done. */
  rangeSize: number;
  /** Nonces hashed between checks for cancellation (in a worker or inline): bounds how long abandoning takes. */
  chunkSize: number;
  /**
   * Highest nonce tried before the extra nonce is rolled. Only tests lower it,
   * to reach the extra-nonce roll without hashing 2^32 headers.
   */
  maxNonce: number;
  /** Whether each extra-nonce roll also moves the header time up to the clock (never below the template's). */
  rollTime: boolean;
}

/**
 * Default options: one worker per available CPU, ranges of 2^20 nonces (about
 * half a second per worker) and a cancellation check every 2^14 nonces (about
 * 10 ms), so a new tip stops old work almost at once.
 */
export function defaultMinerOptions(): MinerOptions {
  return { threads: availableParallelism(), rangeSize: 1 << 20, chunkSize: 1 << 14, maxNonce: MAX_NONCE, rollTime: true };
}

/**
 * Defaults overridden by `opts`, checked.
 * @throws MiningError('bad-options') naming the first invalid option.
 */
export function resolveMinerOptions(opts: Partial<MinerOptions> = {}): MinerOptions {
  const resolved: MinerOptions = { ...defaultMinerOptions(), ...opts };
  checkInteger('threads', resolved.threads, 0, 1024);
  checkInteger('rangeSize', resolved.rangeSize, 1, MAX_NONCE + 1);
  checkInteger('chunkSize', resolved.chunkSize, 1, MAX_NONCE + 1);
  checkInteger('maxNonce', resolved.maxNonce, 0, MAX_NONCE);
  if (typeof resolved.rollTime !== 'boolean') throw miningError('bad-options', '"rollTime" expected a boolean');
  return resolved;
}

function checkInteger(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw miningError('bad-options', `"${name}" expected an integer in [${min}, ${max}], got ${String(value)}`);
  }
}
