/**
 * Options of the chain's signature-verification pool (`verify-*`), which
 * could not be set at all before. `verify-threads` is Bitcoin Core's `-par`.
 */
import type { VerifyBackend, VerifyPoolOptions } from '../../chain/verify-options.js';
import { lastValue, parseInteger, type OptionDecl, type OptionValues } from './declare.js';
import { ConfigError } from './errors.js';

const BACKENDS: readonly VerifyBackend[] = ['fastest', 'noble', 'wasm'];

export const CHAIN_OPTIONS: readonly OptionDecl[] = [
  { name: 'verify-threads', flag: '--verify-threads <n>', description: 'signature-check worker threads; 0 or 1 checks inline (default: one per core)', kind: 'number' },
  { name: 'verify-backend', flag: '--verify-backend <name>', description: 'signature-check backend (default fastest)', kind: 'string', choices: BACKENDS },
  { name: 'verify-batch-size', flag: '--verify-batch-size <n>', description: 'most signature checks sent to a worker at once (default 128)', kind: 'number' },
  { name: 'verify-inline-below', flag: '--verify-inline-below <n>', description: 'blocks with fewer signature checks verify inline (default 16)', kind: 'number' },
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
