/**
 * Headers-first: `processHeader` adds headers without blocks; blocks that
 * arrive later for those headers connect. Also the clock-dependent rule
 * (time-too-new is never final) and the block locator.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Chain } from '../../../src/chain/chain.js';
import { regtest } from '../../../src/consensus/params.js';
import { MAX_FUTURE_BLOCK_TIME } from '../../../src/consensus/constants.js';
import { RuleError } from '../../../src/consensus/errors.js';
import { verifyHeaderHash } from '../../../src/consensus/pow.js';
import type { BlockHeader } from '../../../src/primitives/block.js';
import { TestChain } from '../../helpers/chain.js';
import { TestChains } from '../../helpers/chain-db.js';

const chains = new TestChains('tally-headers');
const openChain = (clock: () => number, path?: string): Promise<Chain> => chains.open(clock, path ? { path } : {});

async function rejection(promise: Promise<unknown>): Promise<RuleError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof RuleError) return err;
    throw err;
  }
  throw new Error('expected a RuleError, nothing was thrown');
}

/** `header` with the first nonce after its own whose hash misses the target. */
function withBadPow(header: BlockHeader): BlockHeader {
  for (let nonce = header.nonce + 1; ; nonce++) {
    const h = header.with({ nonce });
    if (!verifyHeaderHash(h.hashBytes, h.bits, regtest.powLimit)) return h;
  }
}

let builder: TestChain;
beforeAll(() => {
  builder = new TestChain();
  builder.mine(30);
});

describe('processHeader', () => {
  it('accepts valid headers as entries without data, and the blocks connect when they come (in any order)', async () => {
    const node = await openChain(() => builder.now);
    await node.processBlock(builder.blocks[1]!);
    const headers = builder.blocks.slice(2, 8).map((b) => b.header);
    const entries = [];
    for (const header of headers) entries.push(await node.processHeader(header));
    entries.forEach((entry, i) => {
      expect(entry.hashHex).toBe(headers[i]!.hash);
      expect(entry.height).toBe(i + 2);
      expect(entry.haveData).toBe(false);
      expect(entry.failed).toBe(false);
      expect(node.isMain(entry)).toBe(false);
    });
    expect(node.height).toBe(1);
    // A known header is answered with its entry.
    expect(await node.processHeader(headers[0]!)).toBe(entries[0]);

    // Blocks whose parents are known headers are stored, not orphaned, and wait for the gap to fill.
    for (const block of builder.blocks.slice(3, 8).reverse()) expect((await node.processBlock(block)).status).toBe('side');
    expect(node.orphanCount).toBe(0);
    expect(node.height).toBe(1);
    const result = await node.processBlock(builder.blocks[2]!);
    expect(result.status).toBe('connected');
    expect(node.tip.hashHex).toBe(builder.blocks[7]!.hash);
    expect(node.tip).toBe(entries[5]);
    expect(entries.every((e) => e.valid && node.isMain(e))).toBe(true);
  });

  it('rejects a header with bad proof of work (high-hash) without storing it', async () => {
    const node = await openChain(() => builder.now);
    const bad = withBadPow(builder.blocks[1]!.header);
    const err = await rejection(node.processHeader(bad));
    expect(err.code).toBe('high-hash');
    expect(node.getEntry(bad.hash)).toBeUndefined();
    expect((await node.processHeader(builder.blocks[1]!.header)).failed).toBe(false);
  });

  it('rejects a header whose parent is unknown (prev-blk-not-found) without storing it', async () => {
    const node = await openChain(() => builder.now);
    const header = builder.blocks[5]!.header;
    const err = await rejection(node.processHeader(header));
    expect(err.code).toBe('prev-blk-not-found');
    expect(node.getEntry(header.hash)).toBeUndefined();
  });

  it('rejects headers that break contextual rules and children of invalid blocks', async () => {
    const node = await openChain(() => builder.now);
    await node.processBlock(builder.blocks[1]!);
    const next = builder.blocks[2]!.header;
    const cases: [BlockHeader, string][] = [
      [builder.buildBlock({ prevHashBytes: builder.blocks[1]!.hashBytes, bits: 0x1f7fffff }).header, 'bad-diffbits'],
      [builder.buildBlock({ prevHashBytes: builder.blocks[1]!.hashBytes, time: builder.blocks[1]!.header.time - 10 }).header, 'time-too-old'],
      [builder.buildBlock({ prevHashBytes: builder.blocks[1]!.hashBytes, time: builder.now + MAX_FUTURE_BLOCK_TIME + 60 }).header, 'time-too-new'],
    ];
    for (const [header, code] of cases) {
      expect((await rejection(node.processHeader(header))).code).toBe(code);
      expect(node.getEntry(header.hash)).toBeUndefined();
    }
    // A block that breaks a rule condemns its header; a header building on it is refused.
    const bad = builder.buildBlock({ prevHashBytes: builder.blocks[1]!.hashBytes, coinbaseHeight: 7 });
    expect((await rejection(node.processBlock(bad))).code).toBe('bad-cb-height');
    expect((await rejection(node.processHeader(bad.header))).code).toBe('duplicate-invalid');
    const child = builder.fork(1);
    child.addUnchecked(bad);
    const childHeader = child.buildBlock().header;
    expect((await rejection(node.processHeader(childHeader))).code).toBe('bad-prevblk');
    expect((await node.processHeader(next)).failed).toBe(false);
  });

  it('treats a block too far in the future as not yet valid rather than invalid', async () => {
    let now = builder.now;
    const node = await openChain(() => now);
    for (const block of builder.blocks.slice(1, 11)) await node.processBlock(block);
    const future = builder.fork(10).buildBlock({ time: now + MAX_FUTURE_BLOCK_TIME + 100 });
    expect((await rejection(node.processBlock(future))).code).toBe('time-too-new');
    expect(node.getEntry(future.hash)?.failed ?? false).toBe(false);
    now += 200;
    expect((await node.processBlock(future)).status).toBe('connected');
  });

  it('builds the block locator: ten dense hashes from the tip, then doubling steps, then genesis', async () => {
    const node = await openChain(() => builder.now);
    for (const block of builder.blocks.slice(1)) await node.processBlock(block);
    const heights = node.locator().map((hash) => node.getEntry(hash)!.height);
    // Any locator that is dense near the tip and sparse below works for peers; this
    // one steps by 1 for its first ten hashes, then doubles the step (Core's doubles after eleven).
    expect(heights.slice(0, 11)).toEqual([30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20]);
    const gaps = heights.slice(10, -1).map((h, i) => h - heights[10 + i + 1]!);
    for (let i = 1; i < gaps.length - 1; i++) expect(gaps[i]).toBe(2 * gaps[i - 1]!);
    expect(heights.at(-1)).toBe(0);
    expect(node.locator()[0]).toBe(builder.tip.hash);
    expect(node.locator().at(-1)).toBe(regtest.genesisHash);
  });
});
