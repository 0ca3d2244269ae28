/**
 * The key builders of src/chain/layout.ts that write in place (coins and the address
 * index, several keys per output of every block): each is its prefix followed by its
 * parts, big-endian integers, exactly as the documented table says.
 */
import { describe, expect, it } from 'vitest';
import { PREFIX, keys, readU32BE, writeU32BE } from '../../../src/chain/layout.js';
import { concatBytes } from '../../../src/primitives/bytes.js';

const be = (n: number): Uint8Array => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
const txid = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
const script = Uint8Array.from({ length: 34 }, (_, i) => i * 7);

describe('layout keys', () => {
  it('coin: c txid vout', () => {
    expect(keys.coin(txid, 0xfffffffe)).toEqual(concatBytes(Uint8Array.of(PREFIX.coin), txid, be(0xfffffffe)));
  });

  it('address unspent: U script height txid vout', () => {
    expect(keys.addrUnspent(script, 0x01020304, txid, 7)).toEqual(concatBytes(Uint8Array.of(PREFIX.addrUnspent), script, be(0x01020304), txid, be(7)));
  });

  it('address delta: D script height position txid spending index', () => {
    const d = { height: 0x80000000, position: 3, txid, spending: true, index: 0xffffffff };
    const want = concatBytes(Uint8Array.of(PREFIX.addrDelta), script, be(d.height), be(3), txid, Uint8Array.of(1), be(d.index));
    expect(keys.addrDelta(script, d)).toEqual(want);
    expect(keys.addrDelta(script, { ...d, spending: false })[1 + 34 + 8 + 32]).toBe(0);
  });

  it('long keys cut from a shared buffer stay intact however many follow', () => {
    const first = keys.addrUnspent(script, 1, txid, 1);
    const made = Array.from({ length: 3_000 }, (_, i) => keys.addrUnspent(script, i, txid, i));
    expect(first).toEqual(concatBytes(Uint8Array.of(PREFIX.addrUnspent), script, be(1), txid, be(1)));
    made.forEach((key, i) => expect(readU32BE(key, key.length - 4)).toBe(i));
  });

  it('writeU32BE writes big-endian bytes that readU32BE reads back', () => {
    expect([...writeU32BE(0x01020304)]).toEqual([1, 2, 3, 4]);
    for (const n of [0, 1, 255, 256, 0x7fffffff, 0xffffffff]) expect(readU32BE(writeU32BE(n), 0)).toBe(n);
  });

  it('readU32BE reads what the builders wrote and refuses to read past a key', () => {
    const key = keys.addrUnspent(script, 0xfedcba98, txid, 1);
    expect(readU32BE(key, 1 + 34)).toBe(0xfedcba98);
    expect(() => readU32BE(key, key.length - 3)).toThrow(RangeError);
  });
});
