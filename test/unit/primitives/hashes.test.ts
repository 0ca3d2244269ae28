/** Known answers for sha256, sha256d and BIP340 tagged hashes. */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex } from '../../../src/primitives/bytes.js';
import { sha256, sha256d, taggedHash } from '../../../src/primitives/hashes.js';
import { vectorPath } from '../../helpers/vectors.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('sha256', () => {
  it('matches the FIPS 180 known answers', () => {
    expect(toHex(sha256(utf8('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(sha256(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('does not modify its input and returns 32 bytes', () => {
    const data = utf8('abc');
    const out = sha256(data);
    expect(out).toHaveLength(32);
    expect(toHex(data)).toBe('616263');
  });
});

describe('sha256d', () => {
  it('is sha256 applied twice', () => {
    expect(toHex(sha256d(new Uint8Array(0)))).toBe('5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456');
    expect(toHex(sha256d(utf8('abc')))).toBe('4f8b42c22dd3729b519ba6f68d2da7cc5b2d606d05daed5ad5128cc03e6c6358');
    expect(toHex(sha256d(utf8('hello')))).toBe(toHex(sha256(sha256(utf8('hello')))));
  });

  it("gives Bitcoin's genesis block hash from its header", () => {
    const genesisHeader = fromHex(
      '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c',
    );
    expect(toHex(sha256d(genesisHeader).reverse())).toBe('000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f');
  });
});

describe('taggedHash', () => {
  it('is sha256(sha256(tag) || sha256(tag) || data)', () => {
    const data = utf8('some data');
    const t = nobleSha256(utf8('TapTweak'));
    expect(toHex(taggedHash('TapTweak', data))).toBe(toHex(nobleSha256(concatBytes(t, t, data))));
    // Cached prefixes must not leak between tags.
    const u = nobleSha256(utf8('BIP0340/challenge'));
    expect(toHex(taggedHash('BIP0340/challenge', data))).toBe(toHex(nobleSha256(concatBytes(u, u, data))));
    expect(toHex(taggedHash('TapTweak', data))).toBe(toHex(nobleSha256(concatBytes(t, t, data))));
  });

  it('concatenates several data arguments', () => {
    const a = utf8('a');
    const b = utf8('bc');
    expect(toHex(taggedHash('TapLeaf', a, b))).toBe(toHex(taggedHash('TapLeaf', utf8('abc'))));
    expect(toHex(taggedHash('TapLeaf'))).toBe(toHex(taggedHash('TapLeaf', new Uint8Array(0))));
  });

  it('matches the BIP341 wallet vectors (TapTweak, TapLeaf, TapSighash)', () => {
    interface V {
      scriptPubKey: {
        given: { internalPubkey: string; scriptTree: unknown };
        intermediary: { merkleRoot: string | null; tweak: string; leafHashes?: string[] };
      }[];
      keyPathSpending: { inputSpending: { intermediary: { sigMsg: string; sigHash: string } }[] }[];
    }
    const vectors = JSON.parse(readFileSync(vectorPath('bip341-wallet-test-vectors.json'), 'utf8')) as V;
    let tweaks = 0;
    let leaves = 0;
    for (const v of vectors.scriptPubKey) {
      const key = fromHex(v.given.internalPubkey);
      const root = v.intermediary.merkleRoot;
      const tweak = root === null ? taggedHash('TapTweak', key) : taggedHash('TapTweak', key, fromHex(root));
      expect(toHex(tweak)).toBe(v.intermediary.tweak);
      tweaks++;
      // A single-leaf tree: the leaf hash is taggedHash('TapLeaf', version || CompactSize(len) || script).
      const tree = v.given.scriptTree as { script?: string; leafVersion?: number } | null;
      if (tree && !Array.isArray(tree) && tree.script !== undefined && tree.script.length / 2 < 0xfd) {
        const script = fromHex(tree.script);
        const leaf = taggedHash('TapLeaf', Uint8Array.of(tree.leafVersion!, script.length), script);
        expect(toHex(leaf)).toBe(v.intermediary.leafHashes![0]);
        leaves++;
      }
    }
    expect(tweaks).toBeGreaterThanOrEqual(7);
    expect(leaves).toBeGreaterThanOrEqual(1);
    for (const s of vectors.keyPathSpending[0]!.inputSpending) {
      expect(toHex(taggedHash('TapSighash', fromHex(s.intermediary.sigMsg)))).toBe(s.intermediary.sigHash);
    }
  });
});
