/**
 * The headers-sync anti-DoS gate (src/sync/low-work.ts) on in-memory chains:
 * a branch is stored once its proven work reaches the threshold, held (bounded)
 * while full batches keep coming below it, and dropped when it ends below it,
 * outgrows the bound, or breaks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { BlockHeader } from '../../../src/primitives/block.js';
import { getBlockWork, verifyHeaderHash } from '../../../src/consensus/pow.js';
import { regtest } from '../../../src/consensus/params.js';
import { ChainEntry } from '../../../src/chain/entry.js';
import { BlockStatus } from '../../../src/chain/records.js';
import { antiDoSThreshold, HeldHeaders } from '../../../src/sync/index.js';
import { TestChain } from '../../helpers/chain.js';

/** Regtest work per block (fixed difficulty). */
const WORK = getBlockWork(regtest.powLimitBits);

let main: TestChain;
const entries = new Map<string, ChainEntry>();
/** A branch of 30 headers from height 5 of `main`. */
let branch: BlockHeader[];

beforeAll(() => {
  main = new TestChain();
  main.mine(40);
  let prev: ChainEntry | null = null;
  for (const block of main.blocks) {
    prev = new ChainEntry(block.header, prev, BlockStatus.HAVE_DATA | BlockStatus.VALID);
    entries.set(prev.hashHex, prev);
  }
  const fork = main.fork(5);
  fork.mine(30);
  branch = fork.blocks.slice(6).map((b) => b.header);
});

/** A gate whose threshold is the work of `thresholdHeight` blocks on top of genesis. */
function gate(thresholdHeight: number, maxHeld = 100): HeldHeaders {
  return new HeldHeaders({
    maxHeld,
    threshold: () => entries.get(main.blocks[0]!.hash)!.chainWork + BigInt(thresholdHeight) * WORK,
    getEntry: (hash) => entries.get(hash),
    locator: (entry) => [entry.hashHex, main.blocks[0]!.hash],
  });
}

/** `header` with the first nonce after its own whose hash misses the target. */
function withBadPow(header: BlockHeader): BlockHeader {
  for (let nonce = header.nonce + 1; ; nonce++) {
    const h = header.with({ nonce });
    if (!verifyHeaderHash(h.hashBytes, h.bits, regtest.powLimit)) return h;
  }
}

describe('antiDoSThreshold', () => {
  it('is the tip work minus the margin in blocks at the tip difficulty, never below zero', () => {
    const tip = entries.get(main.tip.hash)!;
    expect(antiDoSThreshold(tip, 10)).toBe(tip.chainWork - 10n * WORK);
    expect(antiDoSThreshold(tip, 144)).toBe(0n);
  });
});

describe('HeldHeaders', () => {
  it('stores a batch whose chain reaches the threshold', () => {
    const verdict = gate(5 + 30).add(branch, false);
    expect(verdict).toEqual({ kind: 'store', headers: branch });
  });

  it('drops a batch that ends below the threshold', () => {
    expect(gate(5 + 31).add(branch, false)).toMatchObject({ kind: 'drop', reason: 'low-work', height: 5 + 30 });
  });

  it('holds full batches below the threshold and stores them all, in order, once the chain reaches it', () => {
    const held = gate(5 + 30);
    const first = held.add(branch.slice(0, 10), true);
    expect(first).toEqual({ kind: 'hold', locator: [branch[9]!.hash, main.blocks[5]!.hash, main.blocks[0]!.hash] });
    expect(held.add(branch.slice(10, 20), true)).toMatchObject({ kind: 'hold' });
    expect(held.add(branch.slice(20), false)).toEqual({ kind: 'store', headers: branch });
  });

  it('drops what it holds when the branch ends below the threshold or outgrows the bound', () => {
    const ends = gate(100);
    expect(ends.add(branch.slice(0, 10), true)).toMatchObject({ kind: 'hold' });
    expect(ends.add([], false)).toMatchObject({ kind: 'drop', reason: 'low-work', height: 5 + 10 });

    const bounded = gate(100, 15);
    expect(bounded.add(branch.slice(0, 10), true)).toMatchObject({ kind: 'hold' });
    expect(bounded.add(branch.slice(10, 20), true)).toMatchObject({ kind: 'drop', reason: 'low-work', height: 5 + 20 });
    // Dropped means forgotten: the next batch starts a branch afresh from a known parent.
    expect(bounded.add(branch.slice(20), true)).toMatchObject({ kind: 'store' });
  });

  it('counts no work for a header whose hash misses its bits', () => {
    const forged = [...branch.slice(0, 29), withBadPow(branch[29]!)];
    expect(gate(5 + 30).add(forged, false)).toMatchObject({ kind: 'drop', reason: 'low-work' });
  });

  it('counts only the continuous part: a broken low-work batch is dropped as non-continuous, a broken one with enough work is passed on', () => {
    const gap = [...branch.slice(0, 10), ...branch.slice(11)];
    expect(gate(100).add(gap, true)).toMatchObject({ kind: 'drop', reason: 'non-continuous-headers' });
    // With enough work before the gap, the batch is processed in order, so the gap is reported where it is.
    expect(gate(5 + 10).add(gap, false)).toEqual({ kind: 'store', headers: gap });
    // A held branch must go on from its last header.
    const held = gate(100);
    held.add(branch.slice(0, 10), true);
    expect(held.add(branch.slice(11, 20), true)).toMatchObject({ kind: 'drop', reason: 'non-continuous-headers' });
  });

  it('passes on a batch whose parent is unknown (refused as usual) and an empty reply', () => {
    expect(gate(100).add(branch.slice(1), false)).toEqual({ kind: 'store', headers: branch.slice(1) });
    expect(gate(100).add([], false)).toEqual({ kind: 'store', headers: [] });
  });
});
