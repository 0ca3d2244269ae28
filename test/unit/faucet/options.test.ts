/**
 * `tally node --faucet <wallet>` and its options: parsed into the faucet's
 * options, the faucet's wallet loaded at start, and refused before anything
 * starts (one ConfigError line) with --disablewallet, a missing wallet, a bad
 * amount, or settings the network does not allow.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SATS_PER_COIN } from '../../../src/faucet/index.js';
import { ConfigError } from '../../../src/node/options/errors.js';
import { faucetOptionsFrom, walletOptionsFrom } from '../../../src/node/options/wallet.js';
import { thrownCode } from '../../helpers/errors.js';
import { tempDir } from '../../helpers/tmp.js';

const datadir = tempDir('faucet-options');
mkdirSync(join(datadir, 'wallets', 'fw'), { recursive: true });

describe('faucet options', () => {
  it('are off without --faucet', () => {
    expect(faucetOptionsFrom({}, datadir, 'regtest')).toBeUndefined();
  });

  it('read the amount in coins and the limits in seconds, and load the wallet at start', () => {
    const opts = faucetOptionsFrom({ faucet: ['fw'], 'faucet-amount': ['0.5'], 'faucet-address-interval': ['0'], 'faucet-ip-limit': ['0'], 'faucet-trust-forwarded-for': [''] }, datadir, 'regtest');
    expect(opts).toMatchObject({ wallet: 'fw', amount: SATS_PER_COIN / 2n, addressIntervalSeconds: 0, ipLimit: 0, ipWindowSeconds: 3600, trustForwardedFor: true });
    expect(walletOptionsFrom({ faucet: ['fw'], wallet: ['other'] }, datadir)?.load).toEqual(['other', 'fw']);
  });

  it('refuse the faucet with --disablewallet, a wallet that does not exist, or a bad amount', () => {
    const refused: Record<string, string[]>[] = [
      { faucet: ['fw'], disablewallet: [''] },
      { faucet: ['nope'] },
      { faucet: [''] },
      { faucet: ['fw'], 'faucet-amount': ['1.123456789'] },
      { faucet: ['fw'], 'faucet-amount': ['-1'] },
      { faucet: ['fw'], 'faucet-ip-limit': ['1.5'] },
    ];
    for (const values of refused) expect(thrownCode(() => faucetOptionsFrom(values, datadir, 'regtest'), ConfigError), JSON.stringify(values)).toBe('bad-option');
  });

  it('refuse on testnet the limits turned off and a payout above the cap', () => {
    const extras: Record<string, string[]>[] = [{ 'faucet-address-interval': ['0'] }, { 'faucet-ip-limit': ['0'] }, { 'faucet-amount': ['11'] }];
    for (const extra of extras) {
      expect(thrownCode(() => faucetOptionsFrom({ faucet: ['fw'], ...extra }, datadir, 'testnet'), ConfigError), JSON.stringify(extra)).toBe('bad-option');
    }
    expect(faucetOptionsFrom({ faucet: ['fw'], 'faucet-amount': ['10'] }, datadir, 'testnet')?.amount).toBe(10n * SATS_PER_COIN);
  });
});
