/**
 * `processHeaders`: a run of headers in one chain call and one database batch,
 * leaving the chain exactly as one `processHeader` call per header would: the
 * headers before the first refused one stay (and survive a restart), the error
 * is the one processHeader throws for that header, and nothing after it is kept.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { verifyHeaderHash } from '../../../src/consensus/pow.js';
import { regtest } from '../../../src/consensus/params.js';
import type { BlockHeader } from '../../../src/primitives/block.js';
import { TestChain } from '../../helpers/chain.js';
import { TestChains } from '../../helpers/chain-db.js';
import { tempDir } from '../../helpers/tmp.js';

const chains = new TestChains('tally-headers-batch');
const root = tempDir('tally-headers-batch-reopen');

let builder: TestChain;
let headers: BlockHeader[];
beforeAll(() => {
  builder = new TestChain();
  builder.mine(20);
  headers = builder.blocks.slice(1).map((b) => b.header);
});

/** `header` with the first nonce after its own whose hash misses the target. */
function withBadPow(header: BlockHeader): BlockHeader {
  for (let nonce = header.nonce + 1; ; nonce++) {
    const h = header.with({ nonce });
    if (!verifyHeaderHash(h.hashBytes, h.bits, regtest.powLimit)) return h;
  }
}

describe('processHeaders', () => {
  it('accepts a valid run: every header an entry without data, all of them stored', async () => {
    const path = join(root, 'valid');
    const node = await chains.open(() => builder.now, { path });
    const result = await node.processHeaders(headers);
    expect(result.error).toBeUndefined();
    expect(result.added).toBe(20);
    expect(result.last?.hashHex).toBe(builder.tip.hash);
    expect(result.last?.height).toBe(20);
    expect(node.bestHeader).toBe(result.last);
    expect(node.height).toBe(0);
    await chains.close(node);
    const reopened = await chains.open(() => builder.now, { path });
    headers.forEach((h, i) => expect(reopened.getEntry(h.hash)?.height).toBe(i + 1));
    expect(reopened.bestHeader.hashHex).toBe(builder.tip.hash);
  });

  it('keeps the headers before a bad one, returns its error and keeps none after it', async () => {
    const path = join(root, 'bad-middle');
    const node = await chains.open(() => builder.now, { path });
    const fork = builder.fork(5);
    const bad = fork.buildBlock({ bits: 0x1f7fffff }); // bad-diffbits: not the required target
    fork.addUnchecked(bad);
    const child = fork.buildBlock();
    const run = [...headers.slice(0, 5), bad.header, child.header];
    const result = await node.processHeaders(run);
    expect(result.error?.code).toBe('bad-diffbits');
    expect(result.added).toBe(5);
    expect(result.last?.hashHex).toBe(headers[4]!.hash);
    expect(node.getEntry(bad.hash)).toBeUndefined();
    expect(node.getEntry(child.hash)).toBeUndefined();
    // The same error processHeader throws for that header alone.
    await expect(node.processHeader(bad.header)).rejects.toMatchObject({ code: 'bad-diffbits' });
    await chains.close(node);
    const reopened = await chains.open(() => builder.now, { path });
    expect(reopened.bestHeader.hashHex).toBe(headers[4]!.hash);
    expect(reopened.getEntry(bad.hash)).toBeUndefined();
  });

  it('stops at a header with bad proof of work in the middle of a run', async () => {
    const node = await chains.open(() => builder.now);
    const result = await node.processHeaders([...headers.slice(0, 3), withBadPow(headers[3]!), ...headers.slice(4, 8)]);
    expect(result.error?.code).toBe('high-hash');
    expect(result.added).toBe(3);
    expect(node.getEntry(headers[4]!.hash)).toBeUndefined();
    expect(node.bestHeader.hashHex).toBe(headers[2]!.hash);
  });

  it('answers known headers with their entries and counts only the new ones', async () => {
    const node = await chains.open(() => builder.now);
    const first = await node.processHeaders(headers.slice(0, 8));
    const again = await node.processHeaders(headers.slice(0, 8));
    expect(again).toEqual({ last: first.last, added: 0 });
    const overlap = await node.processHeaders(headers.slice(4, 12));
    expect(overlap.added).toBe(4);
    expect(overlap.last?.height).toBe(12);
    const repeated = await node.processHeaders([headers[12]!, headers[12]!, headers[13]!]);
    expect(repeated.added).toBe(2);
    expect(repeated.last?.height).toBe(14);
    expect(await node.processHeaders([])).toEqual({ added: 0 });
  });

  it('refuses a known-invalid header (duplicate-invalid) and keeps those before it', async () => {
    const node = await chains.open(() => builder.now);
    await node.processBlock(builder.blocks[1]!);
    const bad = builder.buildBlock({ prevHashBytes: builder.blocks[1]!.hashBytes, coinbaseHeight: 7 });
    await expect(node.processBlock(bad)).rejects.toMatchObject({ code: 'bad-cb-height' });
    const result = await node.processHeaders([headers[0]!, bad.header]);
    expect(result).toMatchObject({ added: 0, error: { code: 'duplicate-invalid' } });
    expect(result.last?.hashHex).toBe(headers[0]!.hash);
  });

  it('refuses a run whose first header has an unknown parent, storing nothing', async () => {
    const node = await chains.open(() => builder.now);
    const result = await node.processHeaders(headers.slice(5, 10));
    expect(result.error?.code).toBe('prev-blk-not-found');
    expect(result.added).toBe(0);
    expect(result.last).toBeUndefined();
    for (const h of headers.slice(5, 10)) expect(node.getEntry(h.hash)).toBeUndefined();
    expect(node.bestHeader.height).toBe(0);
  });
});
