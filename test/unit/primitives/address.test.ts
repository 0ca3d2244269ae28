import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, toHex } from '../../../src/primitives/bytes.js';
import { AddressError } from '../../../src/primitives/errors.js';
import {
  addressToScriptPubKey,
  decodeAddress,
  decodeBech32,
  decodeSegwitAddress,
  encodeAddress,
  encodeSegwitAddress,
  scriptPubKeyToAddress,
  segwitScriptPubKey,
} from '../../../src/primitives/address.js';
import { vectorPath } from '../../helpers/vectors.js';

interface Bip350 {
  validBech32m: string[];
  invalidBech32m: { string: string; reason: string }[];
  validSegwitAddresses: { address: string; scriptPubKey: string }[];
  invalidSegwitAddresses: { address: string; reason: string }[];
}

const V = JSON.parse(readFileSync(vectorPath('bip350-test-vectors.json'), 'utf8')) as Bip350;
/** The networks the BIP350 vectors use. */
const HRPS = ['bc', 'tb'];

/** The AddressError code `f` throws; fails the test when it throws anything else or nothing. */
function addressErrorCode(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(AddressError);
    const { code } = err as AddressError;
    expect(typeof code).toBe('string');
    return code;
  }
  throw new Error('expected an AddressError, nothing was thrown');
}

describe('BIP350 bech32m strings', () => {
  it('has the vectors it expects', () => {
    expect(V.validBech32m.length).toBe(7);
    expect(V.invalidBech32m.length).toBe(14);
  });

  it.each(V.validBech32m)('valid: %s', (str) => {
    const { hrp, words, encoding } = decodeBech32(str);
    expect(encoding).toBe('bech32m');
    expect(hrp).toBe(str.slice(0, str.lastIndexOf('1')).toLowerCase());
    expect(words.every((w) => w >= 0 && w < 32)).toBe(true);
  });

  it.each(V.invalidBech32m)('invalid: $reason: $string', ({ string }) => {
    addressErrorCode(() => decodeBech32(string));
    addressErrorCode(() => decodeSegwitAddress(string));
  });

  it('classifies invalid strings with stable codes', () => {
    const code = (s: string) => addressErrorCode(() => decodeBech32(s));
    const byReason = (reason: string) => V.invalidBech32m.filter((v) => v.reason === reason).map((v) => code(v.string));
    expect(byReason('HRP character out of range')).toEqual(['bad-character', 'bad-character', 'bad-character']);
    expect(byReason('overall max length exceeded')).toEqual(['bad-length']);
    expect(byReason('No separator character')).toEqual(['no-separator']);
    expect(byReason('Empty HRP')).toEqual(['empty-hrp']);
    // '16plkw9' is also below the 8-character minimum, which is checked first.
    expect(byReason('empty HRP')).toEqual(['bad-length', 'empty-hrp']);
    expect(byReason('Invalid data character')).toEqual(['bad-character', 'bad-character']);
    expect(byReason('Too short checksum')).toEqual(['bad-checksum']);
    expect(byReason('Invalid character in checksum')).toEqual(['bad-character', 'bad-character']);
    expect(byReason('checksum calculated with uppercase form of HRP')).toEqual(['bad-checksum']);
  });
});

describe('BIP350 segwit addresses', () => {
  it.each(V.validSegwitAddresses)('valid: $address', ({ address, scriptPubKey }) => {
    const decoded = decodeSegwitAddress(address);
    expect(HRPS).toContain(decoded.hrp);
    // The expected network is accepted, in either case.
    expect(decodeSegwitAddress(address, decoded.hrp)).toEqual(decoded);
    expect(decodeSegwitAddress(address, decoded.hrp.toUpperCase())).toEqual(decoded);
    expect(toHex(segwitScriptPubKey(decoded.version, decoded.program))).toBe(scriptPubKey);
    // Encoders emit lower case (BIP173), so the round trip is case-normalised.
    expect(encodeSegwitAddress(decoded.hrp, decoded.version, decoded.program)).toBe(address.toLowerCase());
    const other = HRPS.find((h) => h !== decoded.hrp)!;
    expect(addressErrorCode(() => decodeSegwitAddress(address, other))).toBe('wrong-hrp');
  });

  it.each(V.invalidSegwitAddresses)('invalid: $reason: $address', ({ address }) => {
    for (const hrp of HRPS) {
      addressErrorCode(() => decodeSegwitAddress(address, hrp));
      addressErrorCode(() => decodeAddress(hrp, address));
      addressErrorCode(() => addressToScriptPubKey(hrp, address));
    }
  });

  it('classifies invalid addresses with stable codes', () => {
    const expected: Record<string, string> = {
      tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut: 'wrong-hrp',
      bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd: 'bad-encoding',
      tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf: 'bad-encoding',
      BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL: 'bad-encoding',
      bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh: 'bad-encoding',
      tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47: 'bad-encoding',
      bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4: 'bad-character',
      BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R: 'bad-witness-version',
      bc1pw5dgrnzv: 'bad-program-length',
      bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav: 'bad-program-length',
      BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P: 'bad-program-length',
      tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq: 'mixed-case',
      bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf: 'bad-padding',
      tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j: 'bad-padding',
      bc1gmk9yu: 'empty-data',
    };
    expect(Object.keys(expected).sort()).toEqual(V.invalidSegwitAddresses.map((v) => v.address).sort());
    for (const { address } of V.invalidSegwitAddresses) {
      const hrp = address.slice(0, 2).toLowerCase() === 'tb' ? 'tb' : 'bc';
      expect([address, addressErrorCode(() => decodeSegwitAddress(address, hrp))]).toEqual([address, expected[address]]);
    }
  });

  it('refuses to encode what it would refuse to decode', () => {
    const code = (f: () => unknown) => addressErrorCode(f);
    expect(code(() => encodeSegwitAddress('bc', 17, new Uint8Array(32)))).toBe('bad-witness-version');
    expect(code(() => encodeSegwitAddress('bc', -1, new Uint8Array(32)))).toBe('bad-witness-version');
    expect(code(() => encodeSegwitAddress('bc', 1, new Uint8Array(1)))).toBe('bad-program-length');
    expect(code(() => encodeSegwitAddress('bc', 1, new Uint8Array(41)))).toBe('bad-program-length');
    expect(code(() => encodeSegwitAddress('bc', 0, new Uint8Array(21)))).toBe('bad-program-length');
    expect(code(() => encodeSegwitAddress('', 1, new Uint8Array(32)))).toBe('empty-hrp');
    expect(code(() => encodeSegwitAddress('BC', 1, new Uint8Array(32)))).toBe('bad-hrp');
    expect(code(() => encodeSegwitAddress('b c', 1, new Uint8Array(32)))).toBe('bad-hrp');
    expect(code(() => encodeSegwitAddress('x'.repeat(30), 16, new Uint8Array(40)))).toBe('bad-length');
    expect(code(() => segwitScriptPubKey(0, new Uint8Array(25)))).toBe('bad-program-length');
  });

  it('round-trips every version and program length (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...HRPS),
        fc.integer({ min: 0, max: 16 }),
        fc.uint8Array({ minLength: 2, maxLength: 40 }),
        (hrp, version, program) => {
          fc.pre(version !== 0 || program.length === 20 || program.length === 32);
          const address = encodeSegwitAddress(hrp, version, program);
          expect(decodeSegwitAddress(address, hrp)).toEqual({ hrp, version, program });
          expect(decodeSegwitAddress(address.toUpperCase(), hrp)).toEqual({ hrp, version, program });
        },
      ),
    );
  });
});

describe('Tally addresses (taproot only)', () => {
  const key = fromHex('79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798');
  const mainnet = 'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0';

  it('encodes and decodes the BIP350 taproot vector', () => {
    expect(encodeAddress('bc', key)).toBe(mainnet);
    expect(toHex(decodeAddress('bc', mainnet))).toBe(toHex(key));
    expect(toHex(decodeAddress('bc', mainnet.toUpperCase()))).toBe(toHex(key));
    expect(toHex(addressToScriptPubKey('bc', mainnet))).toBe('5120' + toHex(key));
    expect(scriptPubKeyToAddress('bc', fromHex('5120' + toHex(key)))).toBe(mainnet);
  });

  it('round-trips any 32-byte key (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('bc', 'tb', 'bcrt', 'tally'),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (hrp, k) => {
          const address = encodeAddress(hrp, k);
          expect(address.startsWith(hrp + '1p')).toBe(true);
          expect(decodeAddress(hrp, address)).toEqual(k);
          const script = addressToScriptPubKey(hrp, address);
          expect(toHex(script)).toBe('5120' + toHex(k));
          expect(scriptPubKeyToAddress(hrp, script)).toBe(address);
        },
      ),
    );
  });

  it('rejects an address of another network with wrong-hrp', () => {
    expect(addressErrorCode(() => decodeAddress('tb', mainnet))).toBe('wrong-hrp');
    expect(addressErrorCode(() => decodeAddress('tally', encodeAddress('bc', key)))).toBe('wrong-hrp');
  });

  it('rejects valid segwit addresses that are not v1 with a 32-byte program', () => {
    const v0 = V.validSegwitAddresses[0]!.address; // P2WPKH
    expect(addressErrorCode(() => decodeAddress('bc', v0))).toBe('unsupported-witness-version');
    const p2wsh = V.validSegwitAddresses[1]!.address;
    expect(addressErrorCode(() => decodeAddress('tb', p2wsh))).toBe('unsupported-witness-version');
    const v1long = V.validSegwitAddresses[2]!.address; // v1 with a 40-byte program
    expect(addressErrorCode(() => decodeAddress('bc', v1long))).toBe('unsupported-witness-version');
    expect(addressErrorCode(() => decodeAddress('bc', encodeSegwitAddress('bc', 2, key)))).toBe(
      'unsupported-witness-version',
    );
  });

  it('rejects malformed input with typed errors, never a generic Error', () => {
    expect(addressErrorCode(() => decodeAddress('bc', 42 as unknown as string))).toBe('bad-input');
    expect(addressErrorCode(() => decodeAddress('bc', ''))).toBe('bad-length');
    expect(addressErrorCode(() => decodeAddress('bc', mainnet.slice(0, -1) + 'q'))).toBe('bad-checksum');
    expect(addressErrorCode(() => encodeAddress('bc', key.subarray(1)))).toBe('bad-input');
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (s) => {
        try {
          decodeAddress('bc', s);
        } catch (err) {
          expect(err).toBeInstanceOf(AddressError);
        }
      }),
    );
    // Single-character substitutions of a valid address: bech32m detects them all.
    for (let i = 3; i < mainnet.length; i++) {
      const c = mainnet[i] === 'q' ? 'p' : 'q';
      const mutated = mainnet.slice(0, i) + c + mainnet.slice(i + 1);
      expect(addressErrorCode(() => decodeAddress('bc', mutated))).toBe('bad-checksum');
    }
  });

  it('has no address for scripts other than taproot outputs', () => {
    expect(scriptPubKeyToAddress('bc', fromHex(V.validSegwitAddresses[0]!.scriptPubKey))).toBeNull();
    expect(scriptPubKeyToAddress('bc', fromHex('5121' + toHex(key) + '00'))).toBeNull();
    expect(scriptPubKeyToAddress('bc', fromHex('6a0401020304'))).toBeNull();
    expect(scriptPubKeyToAddress('bc', new Uint8Array(0))).toBeNull();
    expect(scriptPubKeyToAddress('bc', fromHex('5220' + toHex(key)))).toBeNull();
  });
});
