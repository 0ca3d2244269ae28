/**
 * The compact block index's parts: headers kept in slabs (header-slab.ts) come
 * back byte for byte with their hash, an entry made from one behaves as one
 * made from the header itself, and the entry table (entry-table.ts) finds
 * every entry by hash, through growth and through hashes that share their
 * first four bytes (the table's key).
 */
import { describe, expect, it } from 'vitest';
import { ChainEntry } from '../../../src/chain/entry.js';
import { EntryTable } from '../../../src/chain/entry-table.js';
import { decodeKeptRecord, keepHeader, KeptHeader } from '../../../src/chain/header-slab.js';
import { BlockStatus, encodeHeaderRecord } from '../../../src/chain/records.js';
import { regtest } from '../../../src/consensus/params.js';
import { BlockHeader } from '../../../src/primitives/block.js';

function headers(n: number): BlockHeader[] {
  const out: BlockHeader[] = [];
  let prev: Uint8Array = new Uint8Array(32);
  for (let i = 0; i < n; i++) {
    const merkleRootBytes = new Uint8Array(32).fill(i & 0xff);
    const h = new BlockHeader({ version: 2, prevHashBytes: prev, merkleRootBytes, time: 1_700_000_000 + 30 * i, bits: regtest.powLimitBits, nonce: i });
    out.push(h);
    prev = h.hashBytes;
  }
  return out;
}

describe('kept headers', () => {
  it('come back byte for byte, with their hash, from a slab', () => {
    for (const h of headers(3)) {
      const slot = keepHeader(h);
      const kept = new KeptHeader(slot.slab, slot.at);
      expect(kept.toBytes()).toEqual(h.toBytes());
      expect(kept.hashBytes).toEqual(h.hashBytes);
      expect(kept.hash).toBe(h.hash);
      expect(keepHeader(kept)).toBe(kept);
    }
  });

  it('decode a stored record, and refuse one whose header does not hash to its key', () => {
    const [h] = headers(1);
    const value = encodeHeaderRecord({ header: h!, height: 0, status: BlockStatus.HAVE_DATA | BlockStatus.VALID, chainWork: 2n });
    const rec = decodeKeptRecord(value, h!.hashBytes);
    expect(rec.status).toBe(BlockStatus.HAVE_DATA | BlockStatus.VALID);
    expect(new KeptHeader(rec.slab, rec.at).toBytes()).toEqual(h!.toBytes());
    expect(() => decodeKeptRecord(value, new Uint8Array(32))).toThrow('does not hash');
    expect(() => decodeKeptRecord(value.subarray(0, 100), h!.hashBytes)).toThrow();
  });

  it('make entries equal to entries made from the headers themselves', () => {
    const list = headers(14);
    let a: ChainEntry | null = null;
    let b: ChainEntry | null = null;
    for (const h of list) {
      a = new ChainEntry(h, a, 1);
      b = new ChainEntry(keepHeader(h), b, 1);
    }
    for (let x = a, y = b; x && y; x = x.prev, y = y.prev) {
      expect(y.hashHex).toBe(x.hashHex);
      expect(y.hashHex).toBe(x.header.hash);
      expect(y.chainWork).toBe(x.chainWork);
      expect(y.medianTimePast).toBe(x.medianTimePast);
      expect(y.anchorTime).toBe(x.anchorTime);
      expect(y.time).toBe(x.header.time);
      expect(y.header.toBytes()).toEqual(x.header.toBytes());
    }
  });
});

describe('EntryTable', () => {
  it('finds every entry by display hash or bytes as it grows, and nothing else', () => {
    const table = new EntryTable();
    const entries: ChainEntry[] = [];
    let prev: ChainEntry | null = null;
    for (const h of headers(3000)) {
      prev = new ChainEntry(h, prev, 1);
      entries.push(prev);
      table.set(prev);
    }
    expect(table.size).toBe(3000);
    for (const e of entries) {
      expect(table.get(e.hashHex)).toBe(e);
      expect(table.find(e.hash)).toBe(e);
    }
    expect(table.get('00'.repeat(32))).toBeUndefined();
    expect(table.get('not a hash')).toBeUndefined();
    expect([...table.values()]).toEqual(entries);
  });

  it('tells apart hashes that share the first four bytes, and replaces an entry of the same hash', () => {
    const table = new EntryTable();
    const [h] = headers(1);
    const a = new ChainEntry(h!, null, 1);
    table.set(a);
    // A fake entry whose hash shares a's first four bytes and differs after.
    const twin = Object.create(ChainEntry.prototype, { hash: { get: () => Uint8Array.from([...a.hash.subarray(0, 4), ...new Uint8Array(28).fill(7)]) } }) as ChainEntry;
    table.set(twin);
    expect(table.find(a.hash)).toBe(a);
    expect(table.find(twin.hash)).toBe(twin);
    const again = new ChainEntry(h!, null, 3);
    table.set(again);
    expect(table.size).toBe(2);
    expect(table.find(a.hash)).toBe(again);
    table.clear();
    expect(table.find(a.hash)).toBeUndefined();
  });
});
