/**
 * Descriptor checksums against published values (BIP380's raw(deadbeef) and
 * wpkh descriptors with Core-computed checksums), and the wallet's tr()/addr()
 * parse and format round trip.
 */
import { describe, expect, it } from 'vitest';
import { descriptorChecksum, formatDescriptor, parseDescriptor, stripChecksum, withChecksum } from '../../../src/wallet/descriptor.js';
import { accountDescriptors, deriveKey, masterKeyFromMnemonic } from '../../../src/wallet/keys.js';
import { encodeAddress } from '../../../src/primitives/address.js';
import { toHex } from '../../../src/primitives/bytes.js';
import { WalletError } from '../../../src/wallet/errors.js';

const CHECKSUMS: [string, string][] = [
  ['raw(deadbeef)', '89f8spxm'],
  ["wpkh([143593ae/84'/1'/0']tpubDCio35v4j25tXrXqQjFHkPjsx1G2tn1hPpVkJN1VW1qtN3rjeBCkH7pYsDXrgPE1JWiJ1b51TjQu4nhNLHA9ktQZbUFyjej5N4xKNx2kGNK/0/*)", '5lxgjflg'],
  ["wpkh([143593ae/84'/1'/0']tpubDCio35v4j25tXrXqQjFHkPjsx1G2tn1hPpVkJN1VW1qtN3rjeBCkH7pYsDXrgPE1JWiJ1b51TjQu4nhNLHA9ktQZbUFyjej5N4xKNx2kGNK/1/*)", '9trf0u0s'],
  ["wpkh([81e113be/84'/1'/0']tpubDCK4H6N5UxZGqYJRhW7qkxhtZxnFpZfyocpTLx98g3qDV5FCMUN7vRH5KopkaGDJ3q4bnMbViffZRhdFvQD9aGgQQZwcJ5dRxnGJNrkq1fe/0/*)", 'y259pe3g'],
  ["wpkh([81e113be/84'/1'/0']tpubDCK4H6N5UxZGqYJRhW7qkxhtZxnFpZfyocpTLx98g3qDV5FCMUN7vRH5KopkaGDJ3q4bnMbViffZRhdFvQD9aGgQQZwcJ5dRxnGJNrkq1fe/1/*)", '473yuvps'],
];

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof WalletError) return `${err.code} ${err.rpcCode}`;
    throw err;
  }
  throw new Error('nothing thrown');
}

describe('descriptor checksum (Core DescriptorChecksum)', () => {
  for (const [desc, sum] of CHECKSUMS) {
    it(`${desc.slice(0, 40)}… → ${sum}`, () => {
      expect(descriptorChecksum(desc)).toBe(sum);
      expect(stripChecksum(`${desc}#${sum}`)).toBe(desc);
    });
  }

  it('refuses a wrong or short checksum and characters outside the alphabet', () => {
    expect(code(() => stripChecksum('raw(deadbeef)#89f8spxn'))).toBe('invalid-descriptor -5');
    expect(code(() => stripChecksum('raw(deadbeef)#89f8'))).toBe('invalid-descriptor -5');
    expect(code(() => stripChecksum('raw(deadbeef)', true))).toBe('invalid-descriptor -5');
    expect(descriptorChecksum('raw(dé)')).toBeUndefined();
  });
});

describe('tr() and addr() descriptors', () => {
  const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
  const { external } = accountDescriptors(masterKeyFromMnemonic(MNEMONIC));

  it('formats the BIP86 account with origin and h-steps, and parses it back (public and private forms)', () => {
    const pub = withChecksum(formatDescriptor(external));
    expect(pub).toMatch(/^tr\(\[73c5da0a\/86h\/1h\/0h\]tpub[1-9A-HJ-NP-Za-km-z]+\/0\/\*\)#[a-z0-9]{8}$/);
    const parsed = parseDescriptor(pub, 'tlr', true);
    expect(parsed.kind).toBe('tr');
    if (parsed.kind !== 'tr') return;
    expect(parsed.key.privateKey).toBeNull();
    expect(toHex(deriveKey(parsed, 5).script)).toBe(toHex(deriveKey(external, 5).script));
    const priv = parseDescriptor(withChecksum(formatDescriptor(external, true)), 'tlr');
    expect(priv.kind === 'tr' && priv.key.privateKey !== null).toBe(true);
    // An apostrophe-hardened origin (Core's older spelling) reads the same.
    const apostrophe = formatDescriptor(external).replace('86h/1h/0h', "86'/1'/0'");
    expect(formatDescriptor(parseDescriptor(apostrophe, 'tlr'))).toBe(formatDescriptor(external));
  });

  it('parses addr() for our hrp only', () => {
    const address = encodeAddress('tlr', deriveKey(external, 0).outputKey);
    const d = parseDescriptor(withChecksum(`addr(${address})`), 'tlr');
    expect(d.kind === 'addr' && toHex(d.script)).toBe(toHex(deriveKey(external, 0).script));
    expect(code(() => parseDescriptor(`addr(${address})`, 'tlt'))).toBe('invalid-address -5');
  });

  it('refuses descriptors it cannot hold', () => {
    expect(code(() => parseDescriptor(CHECKSUMS[1]![0], 'tlr'))).toBe('invalid-descriptor -5');
    expect(code(() => parseDescriptor(`tr(${external.key.publicExtendedKey}/0/1)`, 'tlr'))).toBe('invalid-descriptor -5');
    expect(code(() => parseDescriptor(`tr(${external.key.publicExtendedKey}/0h/*)`, 'tlr'))).toBe('invalid-descriptor -5');
    expect(code(() => parseDescriptor('tr(tpubnotakey/0/*)', 'tlr'))).toBe('invalid-descriptor -5');
  });
});
