import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, toHex } from '../../../src/primitives/bytes.js';
import { encodeAddress } from '../../../src/primitives/address.js';
import {
  CryptoError,
  createVerifier,
  getVerifier,
  loadFastestVerifier,
  nobleVerifier,
  randomSecretKey,
  schnorrSign,
  schnorrVerify,
  taprootTweakPublicKey,
  taprootTweakSecretKey,
  xOnlyPublicKey,
  type SignatureVerifier,
} from '../../../src/primitives/signature.js';
import { vectorPath } from '../../helpers/vectors.js';

interface Bip340Row {
  index: number;
  secretKey: string;
  publicKey: string;
  auxRand: string;
  message: string;
  signature: string;
  result: boolean;
  comment: string;
}

function readBip340(): Bip340Row[] {
  const lines = readFileSync(vectorPath('bip340-test-vectors.csv'), 'utf8').trim().split(/\r?\n/);
  expect(lines[0]).toBe('index,secret key,public key,aux_rand,message,signature,verification result,comment');
  return lines.slice(1).map((line) => {
    const f = line.split(',');
    return {
      index: Number(f[0]),
      secretKey: f[1]!,
      publicKey: f[2]!,
      auxRand: f[3]!,
      message: f[4]!,
      signature: f[5]!,
      result: f[6] === 'TRUE',
      // Comments may themselves contain commas.
      comment: f.slice(7).join(','),
    };
  });
}

const BIP340 = readBip340();

interface Bip341 {
  scriptPubKey: {
    given: { internalPubkey: string };
    intermediary: { merkleRoot: string | null; tweakedPubkey: string };
    expected: { scriptPubKey: string; bip350Address: string };
  }[];
  keyPathSpending: {
    inputSpending: {
      given: { internalPrivkey: string; merkleRoot: string | null; hashType: number };
      intermediary: { internalPubkey: string; tweakedPrivkey: string; sigHash: string };
      expected: { witness: string[] };
    }[];
  }[];
}

const BIP341 = JSON.parse(readFileSync(vectorPath('bip341-wallet-test-vectors.json'), 'utf8')) as Bip341;
const optRoot = (hex: string | null): Uint8Array | undefined => (hex === null ? undefined : fromHex(hex));

const wasm = createVerifier('wasm');
const backends: SignatureVerifier[] = [nobleVerifier, wasm];

describe('BIP340 vectors', () => {
  it('has all 19 rows, with variable-length messages in rows 15-18', () => {
    expect(BIP340.map((r) => r.index)).toEqual([...Array(19).keys()]);
    expect(BIP340.slice(15).map((r) => r.message.length / 2)).toEqual([0, 1, 17, 100]);
  });

  describe.each(BIP340.filter((r) => r.secretKey !== ''))('signing row $index', (row) => {
    it('derives the public key and reproduces the signature', () => {
      const sk = fromHex(row.secretKey);
      expect(toHex(xOnlyPublicKey(sk))).toBe(row.publicKey.toLowerCase());
      const sig = schnorrSign(fromHex(row.message), sk, fromHex(row.auxRand));
      expect(toHex(sig)).toBe(row.signature.toLowerCase());
    });
  });

  for (const backend of backends) {
    describe(`verification with ${backend.name}`, () => {
      it.each(BIP340)('row $index → $result $comment', (row) => {
        const args = [fromHex(row.signature), fromHex(row.message), fromHex(row.publicKey)] as const;
        expect(backend.verifySchnorr(...args)).toBe(row.result);
      });
    });
  }

  it.each(BIP340)('schnorrVerify row $index → $result', (row) => {
    expect(schnorrVerify(fromHex(row.signature), fromHex(row.message), fromHex(row.publicKey))).toBe(row.result);
  });
});

describe('verifier backends', () => {
  it('prefers the WASM backend, which loads in Node', async () => {
    expect(getVerifier().name).toBe('wasm');
    expect(await loadFastestVerifier()).toBe(getVerifier());
    expect(createVerifier('noble').name).toBe('noble');
    expect(wasm.name).toBe('wasm');
  });

  it('rejects an unknown backend name with a typed error', () => {
    expect(() => createVerifier('openssl' as 'noble')).toThrow(CryptoError);
  });

  const valid = BIP340[1]!;
  const sig = fromHex(valid.signature);
  const msg = fromHex(valid.message);
  const pub = fromHex(valid.publicKey);

  it.each(backends.map((b) => [b.name, b] as const))('%s returns false, never throws, on malformed input', (_name, b) => {
    expect(b.verifySchnorr(sig, msg, pub)).toBe(true);
    expect(b.verifySchnorr(sig.subarray(0, 63), msg, pub)).toBe(false);
    expect(b.verifySchnorr(new Uint8Array(65), msg, pub)).toBe(false);
    expect(b.verifySchnorr(sig, msg, pub.subarray(0, 31))).toBe(false);
    expect(b.verifySchnorr(sig, msg, new Uint8Array(33))).toBe(false);
    expect(b.verifySchnorr(sig, msg, new Uint8Array(32))).toBe(false);
    expect(b.verifySchnorr(new Uint8Array(64).fill(0xff), msg, pub)).toBe(false);
    // r in [n, p): a field element, so BIP340 goes on to the curve check (tiny-secp256k1 throws here).
    const rAboveN = Uint8Array.from(sig);
    rAboveN.set(fromHex('fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142'), 0);
    expect(b.verifySchnorr(rAboveN, msg, pub)).toBe(false);
    const bad = [null, undefined, 'ab', [1, 2], 42] as unknown as Uint8Array[];
    for (const x of bad) {
      expect(b.verifySchnorr(x, msg, pub)).toBe(false);
      expect(b.verifySchnorr(sig, x, pub)).toBe(false);
      expect(b.verifySchnorr(sig, msg, x)).toBe(false);
    }
  });

  it('backends agree with each other on random signatures, tampered or not', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 80 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.nat(64 * 8 - 1),
        fc.boolean(),
        (seed, message, aux, bit, tamper) => {
          seed[0] = 1; // keep the seed a valid scalar
          const pub2 = xOnlyPublicKey(seed);
          const s = schnorrSign(message, seed, aux);
          if (tamper) s[bit >> 3]! ^= 1 << (bit & 7);
          const expected = !tamper;
          expect(nobleVerifier.verifySchnorr(s, message, pub2)).toBe(expected);
          expect(wasm.verifySchnorr(s, message, pub2)).toBe(expected);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('signing helpers', () => {
  it('random keys sign and verify; signatures without auxRand still verify', () => {
    const sk = randomSecretKey();
    expect(sk.length).toBe(32);
    const msg = new Uint8Array(32).fill(7);
    const sig = schnorrSign(msg, sk);
    expect(schnorrVerify(sig, msg, xOnlyPublicKey(sk))).toBe(true);
    expect(schnorrVerify(sig, msg, xOnlyPublicKey(randomSecretKey()))).toBe(false);
  });

  it('rejects invalid secret keys and aux_rand with typed errors', () => {
    const msg = new Uint8Array(32);
    const n = fromHex('fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');
    for (const sk of [new Uint8Array(32), n, new Uint8Array(31).fill(1)]) {
      expect(() => schnorrSign(msg, sk)).toThrow(CryptoError);
      expect(() => xOnlyPublicKey(sk)).toThrow(CryptoError);
      expect(() => taprootTweakSecretKey(sk)).toThrow(CryptoError);
      try {
        xOnlyPublicKey(sk);
      } catch (err) {
        expect((err as CryptoError).code).toBe('bad-secret-key');
      }
    }
    try {
      schnorrSign(msg, new Uint8Array(32).fill(1), new Uint8Array(31));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CryptoError);
      expect((err as CryptoError).code).toBe('bad-aux-rand');
    }
  });
});

describe('BIP341 taproot tweak', () => {
  it.each(BIP341.scriptPubKey.map((v, i) => [i, v] as const))('scriptPubKey vector %i', (_i, v) => {
    const { outputKey, parity } = taprootTweakPublicKey(
      fromHex(v.given.internalPubkey),
      optRoot(v.intermediary.merkleRoot),
    );
    expect(toHex(outputKey)).toBe(v.intermediary.tweakedPubkey);
    expect([0, 1]).toContain(parity);
    expect(v.expected.scriptPubKey).toBe('5120' + v.intermediary.tweakedPubkey);
    expect(encodeAddress('bc', outputKey)).toBe(v.expected.bip350Address);
  });

  const inputs = BIP341.keyPathSpending[0]!.inputSpending;
  it.each(inputs.map((v, i) => [i, v] as const))('keyPathSpending input %i', (_i, v) => {
    const internalPrivkey = fromHex(v.given.internalPrivkey);
    const root = optRoot(v.given.merkleRoot);
    expect(toHex(xOnlyPublicKey(internalPrivkey))).toBe(v.intermediary.internalPubkey);
    const tweakedPrivkey = taprootTweakSecretKey(internalPrivkey, root);
    expect(toHex(tweakedPrivkey)).toBe(v.intermediary.tweakedPrivkey);
    // The tweaked secret key must own the tweaked public key.
    const { outputKey } = taprootTweakPublicKey(fromHex(v.intermediary.internalPubkey), root);
    expect(toHex(xOnlyPublicKey(tweakedPrivkey))).toBe(toHex(outputKey));
    // BIP341's wallet vectors sign with all-zero aux_rand; the witness appends the hash type unless it is 0.
    const sig = schnorrSign(fromHex(v.intermediary.sigHash), tweakedPrivkey, new Uint8Array(32));
    const hashTypeSuffix = v.given.hashType === 0 ? '' : v.given.hashType.toString(16).padStart(2, '0');
    expect(toHex(sig) + hashTypeSuffix).toBe(v.expected.witness[0]);
    expect(schnorrVerify(sig, fromHex(v.intermediary.sigHash), outputKey)).toBe(true);
  });

  it('tweaked secret and public keys always match (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.option(fc.uint8Array({ minLength: 32, maxLength: 32 }), { nil: undefined }),
        (seed, root) => {
          seed[0] = 1;
          const { outputKey } = taprootTweakPublicKey(xOnlyPublicKey(seed), root);
          expect(toHex(xOnlyPublicKey(taprootTweakSecretKey(seed, root)))).toBe(toHex(outputKey));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('rejects bad internal keys and merkle roots with typed errors', () => {
    const codeOf = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(CryptoError);
        return (err as CryptoError).code;
      }
      return undefined;
    };
    const pk = fromHex(BIP341.scriptPubKey[0]!.given.internalPubkey);
    expect(codeOf(() => taprootTweakPublicKey(pk.subarray(1)))).toBe('bad-public-key');
    // BIP340 vector 5's key is not on the curve.
    expect(codeOf(() => taprootTweakPublicKey(fromHex(BIP340[5]!.publicKey)))).toBe('bad-public-key');
    expect(codeOf(() => taprootTweakPublicKey(pk, new Uint8Array(31)))).toBe('bad-merkle-root');
    expect(codeOf(() => taprootTweakSecretKey(new Uint8Array(32).fill(1), new Uint8Array(33)))).toBe('bad-merkle-root');
  });
});
