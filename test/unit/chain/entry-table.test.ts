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
import { keepHeader, KeptHeader, KeptRecords, SlotPacker } from '../../../src/chain/header-slab.js';
import { keys } from '../../../src/chain/layout.js';
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

  it('are packed from stored records with their status and height field, and a record whose header does not hash to its key is refused', () => {
    const list = headers(1500);
    const records = new KeptRecords();
    for (const [i, h] of list.entries()) {
      const value = encodeHeaderRecord({ header: h, height: i * 1000, status: BlockStatus.HAVE_DATA | BlockStatus.VALID, chainWork: 2n });
      expect(records.add(value, keys.header(h.hashBytes))).toBeUndefined();
    }
    const [first] = list;
    const value = encodeHeaderRecord({ header: first!, height: 0, status: BlockStatus.HAVE_DATA, chainWork: 2n });
    expect(records.add(value, keys.header(new Uint8Array(32)))).toMatch('does not hash');
    expect(records.add(value.subarray(0, 100), keys.header(first!.hashBytes))).toMatch('100 bytes');
    records.addHeader(first!, BlockStatus.HAVE_DATA);
    expect(records.count).toBe(1501);
    list.forEach((h, i) => {
      const kept = new KeptHeader(records.slab(i), records.at(i));
      expect(kept.toBytes()).toEqual(h.toBytes());
      expect(kept.hashBytes).toEqual(h.hashBytes);
      expect(records.status(i)).toBe(BlockStatus.HAVE_DATA | BlockStatus.VALID);
      expect(records.storedHeight(i)).toBe(i * 1000);
    });
    expect(records.storedHeight(1500)).toBe(-1);
    expect(new KeptHeader(records.slab(1500), records.at(1500)).hash).toBe(first!.hash);
    expect(records.status(1500)).toBe(BlockStatus.HAVE_DATA);
  });

  it('are copied slot after slot by the packer, across slabs, each entry keeping its own', () => {
    const list = headers(2100);
    const records = new KeptRecords();
    for (const h of list) records.addHeader(h, 1);
    const packer = new SlotPacker();
    const made: ChainEntry[] = [];
    // Backwards, as a load in height order copies records that came in another order.
    for (let i = list.length - 1; i >= 0; i--) {
      packer.copy(records.slab(i), records.at(i));
      made.push(new ChainEntry(packer, null, 1));
    }
    made.reverse().forEach((e, i) => {
      expect(e.header.toBytes()).toEqual(list[i]!.toBytes());
      expect(e.hashHex).toBe(list[i]!.hash);
    });
    expect(new Set(made.map((e) => e.hashHex)).size).toBe(2100);
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
    // An entry whose hash shares a's first four bytes and differs after (kept with a made-up hash).
    const slab = new Uint8Array(112);
    slab.set(h!.toBytes());
    slab.set([...a.hash.subarray(0, 4), ...new Uint8Array(28).fill(7)], 80);
    const twin = new ChainEntry({ slab, at: 0 }, null, 1);
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

  it('is filled at once with entries of distinct hashes, and finds each as if set one by one', () => {
    const entries: ChainEntry[] = [];
    let prev: ChainEntry | null = null;
    for (const h of headers(2500)) entries.push((prev = new ChainEntry(h, prev, 1)));
    const table = new EntryTable();
    table.set(entries[0]!);
    table.fill(entries);
    expect(table.size).toBe(2500);
    for (const e of entries) expect(table.find(e.hash)).toBe(e);
    expect([...table.values()]).toEqual(entries);
    const [extra] = headers(2501).slice(2500);
    const more = new ChainEntry(extra!, prev, 1);
    table.set(more);
    expect(table.find(more.hash)).toBe(more);
    expect(table.size).toBe(2501);
  });
});
