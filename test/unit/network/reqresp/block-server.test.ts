/**
 * The block server writes small blocks in runs (one write, so one muxer frame and
 * one noise message, for many blocks), each block still its own frame, over a real
 * libp2p stream pair and a real serve budget; and a client hears the count of a
 * reply before its first block.
 */
import { streamPair } from '@libp2p/utils';
import type { Stream } from '@libp2p/interface';
import { afterEach, describe, expect, it } from 'vitest';
import { networks } from '../../../../src/consensus/params.js';
import { defaultP2POptions } from '../../../../src/network/options.js';
import { BlockServer, RUN_BYTES } from '../../../../src/network/reqresp/handlers/blocks.js';
import { decodeCount, decodeHashes } from '../../../../src/network/reqresp/messages.js';
import { ReqRespClient } from '../../../../src/network/reqresp/client.js';
import { TestChain } from '../../../helpers/chain.js';
import { Framed } from '../../../../src/network/reqresp/protocols.js';
import { ServeBudget } from '../../../../src/network/reqresp/serve-budget.js';
import { silentLogger } from '../../../../src/util/logger.js';

const MAX = defaultP2POptions(networks.regtest).maxMessageSize;
const PEER = 'peer-1';

/** `count` stored blocks of `size` bytes each, their hashes in order; a block's bytes are filled with its index. */
function blocks(count: number, size: number): { hashes: string[]; stored: Map<string, Uint8Array> } {
  const hashes = Array.from({ length: count }, (_, i) => i.toString(16).padStart(64, '0'));
  return { hashes, stored: new Map(hashes.map((h, i) => [h, new Uint8Array(size).fill(i & 0xff)])) };
}

const streams: Stream[] = [];
afterEach(() => {
  for (const s of streams.splice(0)) if (s.status === 'open') s.abort(new Error('done'));
});

/** A server over `stored`, whose block `missing` (if any) has gone by the time it is read. */
function server(stored: Map<string, Uint8Array>, budget = new ServeBudget({ perPeer: 2 * MAX, total: 8 * MAX }), missing?: string): BlockServer {
  return new BlockServer({ maxMessageSize: MAX }, {
    chain: { hasBlock: (h) => stored.has(h), getBlockBytes: async (h) => (h === missing ? undefined : stored.get(h)) },
    budget,
    rate: { chargeServed: () => undefined, serveDelayMs: () => 0 },
    nowMs: () => performance.now(),
    logger: silentLogger,
  });
}

/** A connected pair: the server's side counts its writes to the stream. */
async function pair(): Promise<{ out: Framed; into: Framed; writes: () => number }> {
  const [outbound, inbound] = await streamPair({ delay: 0 });
  streams.push(outbound, inbound);
  let writes = 0;
  const send = outbound.send.bind(outbound);
  outbound.send = (data) => {
    writes++;
    return send(data);
  };
  return { out: new Framed(outbound, MAX), into: new Framed(inbound, MAX), writes: () => writes };
}

/** Reads a reply: the count, then that many blocks, each its own frame. */
async function readReply(into: Framed): Promise<Uint8Array[]> {
  const count = decodeCount(await into.read(AbortSignal.timeout(10_000)), 1_000);
  const got: Uint8Array[] = [];
  for (let i = 0; i < count; i++) got.push(await into.read(AbortSignal.timeout(10_000)));
  return got;
}

describe('BlockServer', () => {
  it('writes 200 blocks of 1 kB in a few runs, each block its own frame, in order', async () => {
    const { hashes, stored } = blocks(200, 1_000);
    const { out, into, writes } = await pair();
    const reading = readReply(into);
    await server(stored).serve(out, PEER, hashes, 10_000);
    const got = await reading;
    expect(got).toEqual(hashes.map((h) => stored.get(h)));
    // The count, then runs of about RUN_BYTES: 4 writes, where a write a block made 201.
    expect(writes()).toBe(1 + Math.ceil((200 * 1_000) / RUN_BYTES));
  });

  it('writes a block larger than a run alone', async () => {
    const { hashes, stored } = blocks(3, RUN_BYTES + 1);
    const { out, into, writes } = await pair();
    const reading = readReply(into);
    await server(stored).serve(out, PEER, hashes, 10_000);
    expect(await reading).toEqual(hashes.map((h) => stored.get(h)));
    expect(writes()).toBe(1 + 3);
  });

  it('sends the blocks of a run read before one that is gone, then ends the reply', async () => {
    const { hashes, stored } = blocks(10, 1_000);
    const { out, into } = await pair();
    const received: Uint8Array[] = [];
    const reading = (async () => {
      const count = decodeCount(await into.read(AbortSignal.timeout(10_000)), 1_000);
      for (let i = 0; i < count; i++) received.push(await into.read(AbortSignal.timeout(10_000)));
    })();
    reading.catch(() => undefined);
    await expect(server(stored, undefined, hashes[6]).serve(out, PEER, hashes, 10_000)).rejects.toMatchObject({ code: 'aborted' });
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(6);
    expect(received).toEqual(hashes.slice(0, 6).map((h) => stored.get(h)));
  });

  it('returns every lease of the budget once the reply is out', async () => {
    const { hashes, stored } = blocks(150, 1_000);
    const budget = new ServeBudget({ perPeer: 2 * MAX, total: 8 * MAX });
    const { out, into } = await pair();
    const reading = readReply(into);
    await server(stored, budget).serve(out, PEER, hashes, 10_000);
    await reading;
    expect(budget.inFlight).toBe(0);
  });

  it('tells the client the count the reply begins with before its first block', async () => {
    const chain = new TestChain();
    for (let i = 0; i < 3; i++) chain.add(chain.buildBlock());
    const wanted = chain.blocks.slice(1);
    const stored = new Map(wanted.map((b) => [b.hash, b.toBytes()]));
    const { out, into } = await pair();
    const client = new ReqRespClient(
      { requestTimeoutMs: 10_000, maxMessageSize: MAX, ids: { status: 's', headers: 'h', blocks: 'b' } },
      { dial: async () => into.stream, peers: { penalize: () => undefined } },
    );
    const heard: string[] = [];
    const serving = (async () => {
      const hashes = decodeHashes(await out.read(AbortSignal.timeout(10_000)), 128, 'hashes');
      await server(stored).serve(out, PEER, hashes, 10_000);
    })();
    const got = await client.getBlocks(PEER, wanted.map((b) => b.hash), undefined, (b) => heard.push(`block ${b.hash}`), (n) => heard.push(`count ${n}`));
    await serving;
    expect(got.map((b) => b.hash)).toEqual(wanted.map((b) => b.hash));
    expect(heard).toEqual(['count 3', ...wanted.map((b) => `block ${b.hash}`)]);
  });
});
