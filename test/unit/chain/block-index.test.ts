/**
 * BlockIndex alone (no storage): the best header and invalidation walk only
 * the branch they concern, and agree with a scan of every entry.
 */
import { describe, expect, it } from 'vitest';
import { BlockHeader } from '../../../src/primitives/block.js';
import { blockError } from '../../../src/consensus/errors.js';
import { BlockIndex, betterHeader } from '../../../src/chain/block-index.js';
import { ChainEntry } from '../../../src/chain/entry.js';
import { BlockStatus } from '../../../src/chain/records.js';

const ZERO = new Uint8Array(32);
let nonce = 0;

function child(prev: ChainEntry | null, status: number = BlockStatus.HAVE_DATA): ChainEntry {
  const header = new BlockHeader({ version: 1, prevHashBytes: prev?.hash ?? ZERO, merkleRootBytes: ZERO, time: 1000 + (prev?.height ?? 0), bits: 0x207fffff, nonce: nonce++ });
  return new ChainEntry(header, prev, status);
}

function branch(from: ChainEntry, n: number): ChainEntry[] {
  const out: ChainEntry[] = [];
  for (let e = from, i = 0; i < n; i++) out.push((e = child(e)));
  return out;
}

/** The best header by a scan of every entry: what the index must agree with. */
function scanBest(index: BlockIndex): ChainEntry {
  let best = index.tip;
  for (const e of index.values()) if (betterHeader(e, best)) best = e;
  return best;
}

function setup(): { index: BlockIndex; genesis: ChainEntry } {
  const index = new BlockIndex();
  const genesis = child(null, BlockStatus.HAVE_DATA | BlockStatus.VALID);
  index.reset([genesis]);
  index.mainChain.push(genesis);
  index.linkAll();
  return { index, genesis };
}

const invalid = blockError('bad-txnmrklroot', 'test');

describe('BlockIndex', () => {
  it('takes the longest branch as the best header', () => {
    const { index, genesis } = setup();
    const a = branch(genesis, 3);
    const b = branch(genesis, 5);
    for (const e of [...a, ...b]) index.add(e);
    expect(index.bestHeader).toBe(b[4]);
    expect(index.bestHeader).toBe(scanBest(index));
  });

  it('marks only the invalid branch and falls back to the best remaining header', () => {
    const { index, genesis } = setup();
    const a = branch(genesis, 3);
    const b = branch(a[0]!, 4);
    for (const e of [...a, ...b]) index.add(e);
    expect(index.bestHeader).toBe(b[3]);
    const changed = index.markInvalid(b[1]!, invalid);
    expect(changed[0]).toBe(b[1]);
    expect(new Set(changed)).toEqual(new Set(b.slice(1)));
    expect(b.slice(1).every((e) => e.failed)).toBe(true);
    expect(b[0]!.failed || a.some((e) => e.failed)).toBe(false);
    expect(index.failures.get(b[1]!)).toBe(invalid);
    expect(index.bestHeader).toBe(a[2]);
    expect(index.bestHeader).toBe(scanBest(index));
  });

  it('returns to the parent of an invalid branch when no other branch is longer', () => {
    const { index, genesis } = setup();
    const a = branch(genesis, 4);
    for (const e of a) index.add(e);
    index.markInvalid(a[2]!, invalid);
    expect(index.bestHeader).toBe(a[1]);
    expect(index.bestHeader).toBe(scanBest(index));
    // A later valid child of that parent extends it again.
    const c = child(a[1]!);
    index.add(c);
    expect(index.bestHeader).toBe(c);
  });

  it('prefers a header with data on a tie in work', () => {
    const { index, genesis } = setup();
    const without = child(genesis, 0);
    const withData = child(genesis);
    index.add(without);
    expect(index.bestHeader).toBe(without);
    index.add(withData);
    expect(index.bestHeader).toBe(withData);
  });

  it('links stored blocks that arrived before their parent and offers them as candidates', () => {
    const { index, genesis } = setup();
    const [a, b] = branch(genesis, 2) as [ChainEntry, ChainEntry];
    index.add(a);
    index.add(b);
    index.link(b);
    expect(index.candidates.has(b)).toBe(false);
    index.link(a);
    expect([...index.candidates]).toEqual(expect.arrayContaining([a, b]));
    index.noteData(a);
    index.noteData(b);
    expect(index.bestCandidate()).toBe(b);
  });

  it('builds a locator that ends at genesis', () => {
    const { index, genesis } = setup();
    const main = branch(genesis, 30);
    for (const e of main) {
      index.add(e);
      index.mainChain.push(e);
    }
    const locator = index.locator(index.tip);
    expect(locator[0]).toBe(main[29]!.hashHex);
    expect(locator.at(-1)).toBe(genesis.hashHex);
    expect(locator.length).toBeLessThan(20);
  });

  it('loads a whole index at once as adding its entries one by one would, failed branches included', () => {
    const genesis = child(null, BlockStatus.HAVE_DATA | BlockStatus.VALID);
    const a = branch(genesis, 6);
    const b = branch(a[1]!, 8);
    const failed = [child(b[2]!, BlockStatus.HAVE_DATA | BlockStatus.FAILED)];
    failed.push(child(failed[0]!, BlockStatus.HAVE_DATA | BlockStatus.FAILED_PARENT));
    const c = branch(b[4]!, 2);
    const all = [genesis, ...a, ...b, ...failed, ...c];

    const bulk = new BlockIndex();
    bulk.reset(all);
    bulk.mainChain.push(genesis, ...a);
    const single = new BlockIndex();
    single.reset([genesis]);
    single.mainChain.push(genesis, ...a);
    for (const e of all.slice(1)) single.add(e);

    expect([...bulk.values()]).toEqual(all);
    for (const e of all) expect(bulk.get(e.hashHex)).toBe(e);
    expect(bulk.bestHeader).toBe(b[7]);
    expect(bulk.bestHeader).toBe(single.bestHeader);
    expect(bulk.bestHeader).toBe(scanBest(bulk));
    // The branch ends it kept are those adding one by one keeps: invalidating the best shows the next.
    for (const index of [bulk, single]) index.markInvalid(b[3]!, invalid);
    expect(bulk.bestHeader).toBe(single.bestHeader);
    expect(bulk.bestHeader).toBe(a[5]);
    expect(bulk.bestHeader).toBe(scanBest(bulk));
  });
});
