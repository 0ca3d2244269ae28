/**
 * SipHash-2-4 against the reference vectors (key 00..0f, message 00..n-1, as in
 * the SipHash paper's vectors.h and Bitcoin Core's crypto_tests), and the
 * BIP152 short-id key against an independent SHA-256 and SipHash (node:crypto
 * and OpenSSL's SIPHASH MAC, computed once and pinned here).
 */
import { describe, expect, it } from 'vitest';
import { siphash24, sipKeyFromBytes } from '../../../src/primitives/siphash.js';
import { getGenesisBlock, regtest } from '../../../src/consensus/params.js';
import { shortId, shortIdKey } from '../../../src/network/gossip/compact/short-ids.js';

const KEY = sipKeyFromBytes(Uint8Array.from({ length: 16 }, (_, i) => i));
const message = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);

/** Message length → SipHash-2-4 (64-bit, as the reference's little-endian output read as an integer). */
const VECTORS: [number, bigint][] = [
  [0, 0x726fdb47dd0e0e31n],
  [1, 0x74f839c593dc67fdn],
  [8, 0x93f5f5799a932462n],
  [16, 0x3f2acc7f57c29bdbn],
  [18, 0x4bc1b3f0968dd39cn],
  [27, 0x2f2e6163076bcfadn],
  [32, 0x7127512f72f27ccen],
  [40, 0x0e3ea96b5304a7d0n],
  [48, 0xe612a3cb9ecba951n],
  [63, 0x958a324ceb064572n],
];

describe('siphash24', () => {
  it.each(VECTORS)('the reference vector for a %i-byte message', (n, expected) => {
    expect(siphash24(KEY, message(n))).toBe(expected);
  });

  it('refuses a key that is not 16 bytes', () => {
    expect(() => sipKeyFromBytes(new Uint8Array(15))).toThrow(expect.objectContaining({ code: 'bad-length' }));
  });
});

describe('BIP152 short ids', () => {
  it('key = SHA256(header || nonce LE)[0..16], id = low 48 bits of SipHash-2-4(wtxid)', () => {
    const genesis = getGenesisBlock(regtest);
    const key = shortIdKey(genesis.header, 0x0123456789abcdefn);
    expect(key.k0.map((w) => w.toString(16))).toEqual(['884b4ace', '5f0fc4a9']);
    expect(key.k1.map((w) => w.toString(16))).toEqual(['8932f3c', '1a0d737f']);
    // OpenSSL: SIPHASH(key ce4a4b88a9c40f5f3c2f93087f730d1a, wtxid) = f7b75e10d3a69e7d (bytes).
    expect(shortId(key, genesis.transactions[0]!.wtxidBytes)).toBe(0xa6d3105eb7f7);
  });

  it('another nonce gives other ids for the same transactions', () => {
    const genesis = getGenesisBlock(regtest);
    const wtxid = genesis.transactions[0]!.wtxidBytes;
    expect(shortId(shortIdKey(genesis.header, 1n), wtxid)).not.toBe(shortId(shortIdKey(genesis.header, 2n), wtxid));
  });
});
