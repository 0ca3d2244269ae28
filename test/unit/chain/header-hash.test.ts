/**
 * The in-place header hash (header-hash.ts) is Bitcoin's block hash: the
 * double SHA-256 that node:crypto computes, for the genesis header and for
 * headers with every byte varied, read from and written to any offset.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256dHeader } from '../../../src/chain/header-hash.js';
import { getGenesisBlock, regtest } from '../../../src/consensus/params.js';

function reference(bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(createHash('sha256').update(bytes).digest()).digest();
}

describe('sha256dHeader', () => {
  it('hashes the regtest genesis header to its hash', () => {
    const header = getGenesisBlock(regtest).header;
    const out = new Uint8Array(32);
    sha256dHeader(header.toBytes(), 0, out, 0);
    expect(out).toEqual(header.hashBytes);
    expect(Buffer.from(out).reverse().toString('hex')).toBe(regtest.genesisHash);
  });

  it('agrees with node:crypto on varied headers at any offset, also in place', () => {
    const buf = new Uint8Array(80 * 64 + 200);
    for (let i = 0; i < buf.length; i++) buf[i] = (i * 131 + (i >> 3) * 7) & 0xff;
    for (let k = 0; k < 64; k++) {
      const off = k * 80 + (k % 7);
      const out = new Uint8Array(40);
      sha256dHeader(buf, off, out, 5);
      expect(out.subarray(5, 37)).toEqual(new Uint8Array(reference(buf.subarray(off, off + 80))));
    }
    const slab = buf.slice(0, 112);
    const want = reference(slab.subarray(0, 80));
    sha256dHeader(slab, 0, slab, 80);
    expect(slab.subarray(80)).toEqual(new Uint8Array(want));
  });
});
