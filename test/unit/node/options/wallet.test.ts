/** The wallet's options: on by default, off with --disablewallet, --wallet repeatable, wallets under <datadir>/wallets. */
import { describe, expect, it } from 'vitest';
import { findOption, walletOptionsFrom } from '../../../../src/node/options/index.js';

describe('wallet options', () => {
  it('enables the wallet unless disablewallet is given a true value', () => {
    expect(walletOptionsFrom({}, '/d')).toEqual({ datadir: '/d', load: [] });
    expect(walletOptionsFrom({ disablewallet: [''] }, '/d')).toBeUndefined();
    expect(walletOptionsFrom({ disablewallet: ['1'] }, '/d')).toBeUndefined();
    expect(walletOptionsFrom({ disablewallet: ['0'] }, '/d')).toEqual({ datadir: '/d', load: [] });
  });

  it('loads every --wallet at start, in order', () => {
    expect(walletOptionsFrom({ wallet: ['pay', 'shop'] }, '/d')?.load).toEqual(['pay', 'shop']);
    expect(findOption('wallet')?.kind).toBe('list');
    expect(findOption('disablewallet')?.kind).toBe('bool');
  });
});
