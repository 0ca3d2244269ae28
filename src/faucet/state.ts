/**
 * The faucet's payout history on disk (`<datadir>/faucet.json`), so a restart
 * does not reset the limits: small JSON, rewritten whole after each payout
 * (written beside and renamed into place, so a crash leaves the old file or the new one).
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../node/atomic-file.js';
import { faucetError } from './errors.js';
import type { Payout } from './limits.js';

const VERSION = 1;

interface StoredPayout {
  txid: string;
  address: string;
  /** Satoshis as a decimal string (JSON has no bigint). */
  amount: string;
  time: number;
  ip?: string;
}

function fromStored(p: StoredPayout): Payout {
  if (typeof p.txid !== 'string' || typeof p.address !== 'string' || typeof p.time !== 'number' || !/^\d+$/.test(String(p.amount))) throw new Error('bad payout entry');
  return { txid: p.txid, address: p.address, amount: BigInt(p.amount), time: p.time, ...(typeof p.ip === 'string' ? { ip: p.ip } : {}) };
}

/**
 * The payouts recorded at `path`; none when there is no file.
 * @throws FaucetError `bad-state` for a file that is not the faucet's (the faucet refuses to start rather than forget its limits)
 */
export function loadPayouts(path: string): Payout[] {
  if (!existsSync(path)) return [];
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown; payouts?: unknown };
    if (data.version !== VERSION || !Array.isArray(data.payouts)) throw new Error(`expected version ${VERSION} with a payouts list`);
    return (data.payouts as StoredPayout[]).map(fromStored);
  } catch (err) {
    throw faucetError('bad-state', `faucet: ${path} is damaged (${(err as Error).message}); move it away to start with no limits recorded`);
  }
}

/** Writes the payouts to `path` whole or not at all. */
export function savePayouts(path: string, payouts: readonly Payout[]): void {
  const stored: StoredPayout[] = payouts.map((p) => ({ txid: p.txid, address: p.address, amount: p.amount.toString(), time: p.time, ...(p.ip !== undefined ? { ip: p.ip } : {}) }));
  writeFileAtomic(path, `${JSON.stringify({ version: VERSION, payouts: stored })}\n`);
}
