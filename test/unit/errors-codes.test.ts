/**
 * Every error class's code list (an `as const` array behind its code type) and
 * the codes its doc comment names are the same set, so neither drifts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHAIN_ERROR_CODES, ChainError } from '../../src/chain/errors.js';
import { VERIFY_OPTIONS_ERROR_CODES } from '../../src/chain/verify-options.js';
import { VERIFY_ERROR_CODES } from '../../src/chain/verify-pool.js';
import { RULE_ERROR_CODES } from '../../src/consensus/errors.js';
import { MEMPOOL_ERROR_CODES } from '../../src/mempool/errors.js';
import { MINING_ERROR_CODES } from '../../src/mining/errors.js';
import { P2P_ERROR_CODES, P2PError } from '../../src/network/errors.js';
import { COMPACT_ERROR_CODES } from '../../src/network/gossip/compact/errors.js';
import { LISTEN_ERROR_CODES } from '../../src/node/listen-error.js';
import { FAUCET_ERROR_CODES } from '../../src/faucet/errors.js';
import { CONFIG_ERROR_CODES } from '../../src/node/options/errors.js';
import { ADDRESS_ERROR_CODES, ENCODING_ERROR_CODES, EncodingError, TallyError } from '../../src/primitives/errors.js';
import { SIGHASH_ERROR_CODES } from '../../src/primitives/sighash.js';
import { CRYPTO_ERROR_CODES } from '../../src/primitives/signature.js';
import { SYNC_ERROR_CODES } from '../../src/sync/errors.js';
import { LAB_ERROR_CODES } from '../../src/lab/errors.js';
import { WALLET_ERROR_CODES } from '../../src/wallet/errors.js';
import { REPO_ROOT } from '../helpers/reliability.js';

/** The doc comment just before `marker` in `file`, from its first "Codes" on when it has one. */
function docBefore(file: string, marker: string): string {
  const text = readFileSync(join(REPO_ROOT, file), 'utf8');
  const at = text.indexOf(marker);
  expect(at, `${marker} in ${file}`).toBeGreaterThan(0);
  const start = text.lastIndexOf('/**', at);
  const doc = text.slice(start, text.indexOf('*/', start));
  const codes = doc.indexOf('Codes');
  return codes < 0 ? doc : doc.slice(codes);
}

/** Backticked codes: lower case, digits, hyphens and spaces (Core's reject strings have spaces). */
function documented(doc: string): string[] {
  return [...new Set([...doc.matchAll(/`([a-z0-9][a-z0-9 -]*[a-z0-9])`/g)].map((m) => m[1]!))].sort();
}

const CLASSES: { name: string; codes: readonly string[]; file: string; marker: string }[] = [
  { name: 'EncodingError', codes: ENCODING_ERROR_CODES, file: 'src/primitives/errors.ts', marker: 'export const ENCODING_ERROR_BLAME' },
  { name: 'AddressError', codes: ADDRESS_ERROR_CODES, file: 'src/primitives/address.ts', marker: 'export type { AddressErrorCode }' },
  { name: 'RuleError', codes: RULE_ERROR_CODES, file: 'src/consensus/errors.ts', marker: 'export const RULE_ERROR_CODES' },
  { name: 'ChainError', codes: CHAIN_ERROR_CODES, file: 'src/chain/errors.ts', marker: 'export class ChainError' },
  { name: 'MempoolError', codes: MEMPOOL_ERROR_CODES, file: 'src/mempool/errors.ts', marker: 'import ' },
  { name: 'MiningError', codes: MINING_ERROR_CODES, file: 'src/mining/errors.ts', marker: 'import ' },
  { name: 'P2PError', codes: P2P_ERROR_CODES, file: 'src/network/errors.ts', marker: 'import ' },
  { name: 'CompactBlockError', codes: COMPACT_ERROR_CODES, file: 'src/network/gossip/compact/errors.ts', marker: 'import ' },
  { name: 'SighashError', codes: SIGHASH_ERROR_CODES, file: 'src/primitives/sighash.ts', marker: 'export class SighashError' },
  { name: 'CryptoError', codes: CRYPTO_ERROR_CODES, file: 'src/primitives/signature.ts', marker: 'export class CryptoError' },
  { name: 'VerifyError', codes: VERIFY_ERROR_CODES, file: 'src/chain/verify-pool.ts', marker: 'export class VerifyError' },
  { name: 'VerifyOptionsError', codes: VERIFY_OPTIONS_ERROR_CODES, file: 'src/chain/verify-options.ts', marker: 'export class VerifyOptionsError' },
  { name: 'ConfigError', codes: CONFIG_ERROR_CODES, file: 'src/node/options/errors.ts', marker: 'export class ConfigError' },
  { name: 'ListenError', codes: LISTEN_ERROR_CODES, file: 'src/node/listen-error.ts', marker: 'export class ListenError' },
  { name: 'SyncError', codes: SYNC_ERROR_CODES, file: 'src/sync/errors.ts', marker: 'export class SyncError' },
  { name: 'LabError', codes: LAB_ERROR_CODES, file: 'src/lab/errors.ts', marker: 'import ' },
  { name: 'WalletError', codes: WALLET_ERROR_CODES, file: 'src/wallet/errors.ts', marker: 'import ' },
  { name: 'FaucetError', codes: FAUCET_ERROR_CODES, file: 'src/faucet/errors.ts', marker: 'import ' },
];

describe('error code lists', () => {
  for (const { name, codes, file, marker } of CLASSES) {
    it(`${name}: the doc comment names exactly the listed codes`, () => {
      expect(documented(docBefore(file, marker))).toEqual([...codes].sort());
      expect(new Set(codes).size).toBe(codes.length);
    });
  }

  it('codes are carried unchanged and the class name is set', () => {
    const err = new ChainError('db-corrupt', 'x');
    expect(err).toBeInstanceOf(TallyError);
    expect(err.name).toBe('ChainError');
    expect(err.code).toBe('db-corrupt');
  });
});

describe('peerFault', () => {
  it('is true for input that no honest sender produces and false for our own misuse', () => {
    expect(new EncodingError('read-out-of-bounds', 'x').peerFault).toBe(true);
    expect(new EncodingError('non-canonical-compactsize', 'x').peerFault).toBe(true);
    expect(new EncodingError('out-of-range', 'x').peerFault).toBe(false);
    expect(new EncodingError('bad-length', 'x').peerFault).toBe(false);
  });

  it('blames the peer for undecodable or oversized messages only', () => {
    const blamed = P2P_ERROR_CODES.filter((c) => new P2PError(c, 'x').peerFault);
    expect(blamed.sort()).toEqual(['malformed-message', 'oversized-message']);
  });
});
