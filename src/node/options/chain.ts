/**
 * Options of the chain's signature-verification pool (`verify-*`), which
 * could not be set at all before. `verify-threads` is Bitcoin Core's `-par`.
 */
import type { VerifyBackend, VerifyPoolOptions } from '../../chain/verify-options.js';
import type { ChainOptions } from '../../chain/options.js';
import { lastValue, parseInteger, parseNumber, type OptionDecl, type OptionValues } from './declare.js';
import { ConfigError } from './errors.js';

const BACKENDS: readonly VerifyBackend[] = ['fastest', 'noble', 'wasm'];

/**
 * The node's state cache, MB. Core's default is 450 for mainnet's 180-million-coin set; a
 * Tally node is a smaller machine's (a 1 GB VPS, a laptop beside other work) with a far
 * smaller coin set: 100 MB holds about 165,000 pending writes (about 600 bytes each), the
 * changes of thousands of ordinary blocks, and the 5-minute flush interval bounds the
 * replay after a crash.
 */
export const DEFAULT_DBCACHE_MB = 100;

export const CHAIN_OPTIONS: readonly OptionDecl[] = [
  { name: 'verify-threads', flag: '--verify-threads <n>', description: 'signature-check worker threads; 0 or 1 checks inline (default: one per core)', kind: 'number' },
  { name: 'verify-backend', flag: '--verify-backend <name>', description: 'signature-check backend (default fastest)', kind: 'string', choices: BACKENDS },
  { name: 'verify-batch-size', flag: '--verify-batch-size <n>', description: 'most signature checks sent to a worker at once (default 128)', kind: 'number' },
  { name: 'verify-inline-below', flag: '--verify-inline-below <n>', description: 'blocks with fewer signature checks verify inline (default 16)', kind: 'number' },
  { name: 'dbcache', flag: '--dbcache <MB>', description: `memory for chain-state changes not yet written (coins, undo, indexes); flushed in one batch when full, every 5 minutes and at shutdown; 0 writes every block through (default ${DEFAULT_DBCACHE_MB})`, kind: 'number' },
];

/**
 * The verify pool's options given; the pool fills in the rest.
 * @throws ConfigError bad-option for a bad count or an unknown backend
 */
export function verifyPoolOptionsFrom(values: OptionValues): VerifyPoolOptions {
  const opts: VerifyPoolOptions = {};
  const threads = lastValue(values, 'verify-threads');
  if (threads !== undefined) opts.threads = parseInteger('verify-threads', threads, 0);
  const batch = lastValue(values, 'verify-batch-size');
  if (batch !== undefined) opts.batchSize = parseInteger('verify-batch-size', batch, 1);
  const inline = lastValue(values, 'verify-inline-below');
  if (inline !== undefined) opts.inlineBelow = parseInteger('verify-inline-below', inline, 0);
  const backend = lastValue(values, 'verify-backend');
  if (backend !== undefined) {
    if (!(BACKENDS as readonly string[]).includes(backend)) throw badBackend(backend);
    opts.backend = backend as VerifyBackend;
  }
  return opts;
}

function badBackend(value: string) {
  return new ConfigError('bad-option', `verify-backend: expected one of ${BACKENDS.join(', ')}, got "${value}"`, 'verify-backend');
}

/**
 * The chain's state-cache options (`dbcache`, in MB, fractions allowed).
 * @throws ConfigError bad-option for a negative or non-numeric size
 */
export function chainStateOptionsFrom(values: OptionValues): Pick<ChainOptions, 'dbcacheBytes'> {
  const mb = lastValue(values, 'dbcache');
  return { dbcacheBytes: Math.round((mb === undefined ? DEFAULT_DBCACHE_MB : parseNumber('dbcache', mb, 0)) * 1_000_000) };
}

/**
 * A test-only pause inside every chain-state flush (`TALLY_TEST_FLUSH_PAUSE_MS`), after its
 * writes are taken and before they reach LevelDB: the crash suite kills nodes there
 * (as Core's `-dbcrashratio` serves its feature_dbcrash test). Undefined when unset.
 */
export function flushTestHook(env: Readonly<Record<string, string | undefined>>): (() => Promise<void>) | undefined {
  const ms = Number(env.TALLY_TEST_FLUSH_PAUSE_MS ?? '');
  if (!(ms > 0)) return undefined;
  return () => new Promise((resolve) => setTimeout(resolve, ms));
}
