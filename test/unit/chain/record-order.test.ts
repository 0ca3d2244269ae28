/**
 * Ordering stored header records for linking (record-order.ts): every record
 * that reaches a root comes after its parent, with its height; records whose
 * parent is missing, and their descendants, are left out; and the pure parts
 * (heights from parents, the counting sort) agree with a direct computation.
 */
import { describe, expect, it } from 'vitest';
import { byHeight, heightsOf, MISSING, orderRecords, ROOT } from '../../../src/chain/record-order.js';
import { KeptRecords } from '../../../src/chain/header-slab.js';
import { keys } from '../../../src/chain/layout.js';
import { encodeHeaderRecord } from '../../../src/chain/records.js';
import { regtest } from '../../../src/consensus/params.js';
import { BlockHeader } from '../../../src/primitives/block.js';

let nonce = 0;

function child(prev: BlockHeader | null): BlockHeader {
  const prevHashBytes = prev ? prev.hashBytes : new Uint8Array(32);
  return new BlockHeader({ version: 1, prevHashBytes, merkleRootBytes: new Uint8Array(32), time: 1_700_000_000, bits: regtest.powLimitBits, nonce: nonce++ });
}

/** A deterministic shuffle (the records come in key order, which is random by height). */
function shuffled<T>(list: readonly T[]): T[] {
  const out = [...list];
  let seed = 12345;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** How the records' height fields are written: right, wrong, or absent (rebuilt records). */
const HINTS = {
  right: (h: number) => h,
  wrong: (h: number) => (h * 7919) % 263,
  huge: () => 0xfffffff0,
  none: undefined,
} as const;

describe('orderRecords', () => {
  it.each(Object.keys(HINTS))('lists every record that reaches genesis after its parent, with its height, and leaves out the rest (height fields %s)', (kind) => {
    const hint = HINTS[kind as keyof typeof HINTS];
    const genesis = child(null);
    const main = [genesis];
    for (let i = 0; i < 300; i++) main.push(child(main[main.length - 1]!));
    const fork = [child(main[100]!)];
    for (let i = 0; i < 20; i++) fork.push(child(fork[fork.length - 1]!));
    // A branch whose first header is not stored: it and its descendants cannot be linked.
    const lost = child(main[50]!);
    const orphans = [child(lost)];
    for (let i = 0; i < 5; i++) orphans.push(child(orphans[orphans.length - 1]!));
    const all = shuffled([...main, ...fork, ...orphans]);
    const stored = new Map<string, number>([...main.map((h, k) => [h.hash, k] as const), ...fork.map((h, k) => [h.hash, 101 + k] as const), ...orphans.map((h, k) => [h.hash, 52 + k] as const)]);
    const records = new KeptRecords();
    for (const h of all) {
      if (hint === undefined) records.addHeader(h, 1);
      else records.add(encodeHeaderRecord({ header: h, height: hint(stored.get(h.hash)!), status: 1, chainWork: 0n }), keys.header(h.hashBytes));
    }

    const { order, parent, height } = orderRecords(records);
    const index = new Map(all.map((h, i) => [h.hash, i]));
    expect(order.length).toBe(main.length + fork.length);
    const seen = new Set<number>();
    let last = 0;
    for (const i of order) {
      const p = parent[i]!;
      if (p === ROOT) expect(all[i]).toBe(genesis);
      else expect(seen.has(p)).toBe(true);
      expect(height[i]).toBeGreaterThanOrEqual(last);
      last = height[i]!;
      seen.add(i);
    }
    main.forEach((h, k) => expect(height[index.get(h.hash)!]).toBe(k));
    fork.forEach((h, k) => expect(height[index.get(h.hash)!]).toBe(101 + k));
    expect(parent[index.get(orphans[0]!.hash)!]).toBe(MISSING);
    for (const h of orphans) expect(height[index.get(h.hash)!]).toBe(-1);
  });

  it('orders nothing when there are no records', () => {
    const { order } = orderRecords(new KeptRecords());
    expect(order.length).toBe(0);
  });
});

describe('heightsOf and byHeight', () => {
  it('derive heights from parents, leave out what reaches no root (even a cycle), and sort by height', () => {
    // 0 is a root; 3 -> 1 -> 0; 2 -> 3; 4 -> 2; 5 is missing its parent, 6 -> 5; 7 <-> 8 point at each other.
    const parent = Int32Array.from([ROOT, 0, 3, 1, 2, MISSING, 5, 8, 7]);
    const height = heightsOf(parent);
    expect([...height]).toEqual([0, 1, 3, 2, 4, -1, -1, -1, -1]);
    expect([...byHeight(height)]).toEqual([0, 1, 3, 2, 4]);
  });

  it('keeps index order within one height', () => {
    const height = Int32Array.from([2, 0, 1, 1, -1, 0, 2]);
    expect([...byHeight(height)]).toEqual([1, 5, 2, 3, 0, 6]);
  });
});
