/**
 * Serving blocks is cheap and bounded (issue 11 §4), over real libp2p sockets.
 * Node A holds a chain of 80 valid blocks of about 1 MB (more than its block
 * cache of 64, so that a repeated request could never be served from it) and
 * serves JSON-RPC, polled every 100 ms by an {@link RpcProbe}.
 *
 * - A peer opens every blocks stream A allows (32) and asks on each for 128
 *   of these blocks, never reading a reply; when A times a request out, it
 *   asks again. A reads a block only when it can send it and holds at most
 *   its per-peer budget (8.4 MB) for the peer, so its memory grows by less
 *   than 64 MB (heap and buffers, after a forced GC) while the flood goes on,
 *   and by less than 16 MB once the peer has left; RPC answers within 1 s
 *   throughout, and A ends every stalled request at its timeout. Before the fix A read
 *   all 128 blocks of every request into memory first, decoding and checking
 *   each again: gigabytes within seconds (a guard stops the flood at 512 MB).
 * - A peer that reads gets the stored bytes as they are, paced to A's byte
 *   rate, and is not penalized for asking.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { decodeCount, encodeHashes } from '../../../src/network/reqresp/messages.js';
import type { Block } from '../../../src/primitives/block.js';
import { addLargeBlocks, BlockRequestStall } from '../../helpers/block-flood.js';
import { TestChain } from '../../helpers/chain.js';
import { EvilPeer, frame } from '../../helpers/evil-peer.js';
import { heapAfterGc, mb, mbChange, Sampler } from '../../helpers/flood-bed.js';
import { TestNetwork, waitUntil, type TestNode } from '../../helpers/network.js';
import { recordTrial } from '../../helpers/reliability.js';
import { RpcProbe } from '../../helpers/rpc-probe.js';
import { tempDir } from '../../helpers/tmp.js';

const WAIT_MS = 20_000;
const TEST_MS = 60_000;
/** More than the block cache (CHAIN_DEFAULTS.blockCacheSize, 64). */
const LARGE_BLOCKS = 80;
const ANNEX_BYTES = 1_000_000;
/** A's inbound stream limit per protocol. */
const STREAMS = 32;
/** Hashes per request: the most a request may name (MAX_BLOCKS_PER_REQUEST). */
const PER_REQUEST = 128;
const MEMORY_BOUND = 64_000_000;
/** Past this much growth the flood is stopped at once: the unbounded server takes gigabytes within seconds. */
const GUARD_BYTES = 512_000_000;
/** A's request timeout: a stalled request is ended after it. */
const REQUEST_TIMEOUT_MS = 6_000;
/** A's byte rate per peer, low enough for a few blocks to show the pacing. */
const BYTES_PER_SECOND = 2_000_000;

const net = new TestNetwork(tempDir('tally-floods-blocks'));
const evils: EvilPeer[] = [];
let a: TestNode;
let large: Block[];

/** Heap and buffers (block bytes are Buffers, outside the heap) after a forced GC. */
async function memoryAfterGc(): Promise<number> {
  const heap = await heapAfterGc();
  return heap + process.memoryUsage().external;
}

function memoryNow(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

async function connectedPeer(): Promise<EvilPeer> {
  const evil = await EvilPeer.start();
  evils.push(evil);
  await evil.connect(a.address);
  await evil.handshake();
  await waitUntil(() => a.p2p.peers().some((p) => p.id === evil.peerId), 'A to count the peer', WAIT_MS);
  return evil;
}

beforeAll(async () => {
  const chain = new TestChain();
  large = addLargeBlocks(chain, LARGE_BLOCKS, ANNEX_BYTES);
  a = await net.start({
    name: 'a',
    rpc: true,
    clock: () => chain.now,
    p2p: { requestTimeoutMs: REQUEST_TIMEOUT_MS, serveBytesPerSecond: BYTES_PER_SECOND },
  });
  for (const block of chain.blocks.slice(1)) await a.node.submitBlock(block);
  expect(a.node.chain.tip.hashHex).toBe(chain.tip.hash);
  // The probe's first request loads Node's HTTP client (megabytes), which must not count as growth.
  await new RpcProbe(a).stop();
}, 120_000);
afterEach(async () => {
  for (const evil of evils.splice(0)) await evil.stop();
});
afterAll(() => net.stopAll());

describe('block-serving flood', () => {
  it('a peer asking for 128 large blocks on every stream and never reading: memory +<64 MB, RPC within 1 s', async () => {
    const evil = await connectedPeer();
    const hashes = Array.from({ length: PER_REQUEST }, (_, i) => large[i % large.length]!.hash);
    const baseline = await memoryAfterGc();
    const probe = new RpcProbe(a);
    const stall = new BlockRequestStall(evil, hashes, STREAMS);
    const sampler = new Sampler({
      inFlight: () => a.p2p.servingLoad().inFlightBytes,
      waiting: () => a.p2p.servingLoad().waiting,
      unread: () => stall.buffered(),
    });
    let tripped = false;
    const guardTimer = setInterval(() => {
      if (tripped || memoryNow() - stall.buffered() - baseline <= GUARD_BYTES) return;
      tripped = true;
      void stall.stop();
    }, 20);
    const guard = (): true => {
      if (tripped) throw new Error(`memory grew by over ${mb(GUARD_BYTES)} during the flood; stopped it`);
      return true;
    };
    let during = Number.NEGATIVE_INFINITY;
    try {
      await waitUntil(() => guard() && a.p2p.servingLoad().waiting > 0, 'A to hold requests back at the peer\'s budget', WAIT_MS);
      // Every request stalls until its timeout, when A must end it (and the peer asks again):
      // weigh what A holds meanwhile, every second.
      const deadline = Date.now() + WAIT_MS;
      while (stall.ended < STREAMS) {
        guard();
        if (Date.now() > deadline) throw new Error('timed out waiting for A to end the stalled requests at their timeout');
        // The flooder runs in this process too: what it holds unread is its memory, not A's.
        during = Math.max(during, (await memoryAfterGc()) - stall.buffered() - baseline);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    } finally {
      sampler.stop();
      clearInterval(guardTimer);
      await stall.stop();
    }
    const opened = stall.opened;
    await evil.stop();
    await waitUntil(() => !a.p2p.peers().some((p) => p.id === evil.peerId), 'A to drop the peer', WAIT_MS);
    // Nothing is read or held for requests whose streams are gone.
    await waitUntil(() => a.p2p.servingLoad().inFlightBytes === 0 && a.p2p.servingLoad().waiting === 0, 'A to release every request', WAIT_MS);
    const after = (await memoryAfterGc()) - baseline;
    const rpc = await probe.stop();
    const max = sampler.stop();

    expect(during).toBeLessThan(MEMORY_BOUND);
    expect(after).toBeLessThan(MEMORY_BOUND / 4);
    expect(max.inFlight).toBeGreaterThan(0);
    expect(max.inFlight).toBeLessThanOrEqual(a.p2p.opts.serveBytesInFlightPerPeer);
    expect(rpc.failures).toBe(0);
    expect(rpc.answers).toBeGreaterThan(0);
    // Issue 11 names this bound for this attack: RPC answers within 1 s.
    expect(rpc.maxMs).toBeLessThan(1000);
    recordTrial({
      area: 'Adversarial peers',
      attack: `block-serving flood: ${STREAMS} streams each asking for ${PER_REQUEST} blocks of 1 MB (${LARGE_BLOCKS} distinct, more than the block cache), never reading, asking again when timed out`,
      times: opened,
      outcome: `memory ${mbChange(during)} during the flood (bound ${mb(MEMORY_BOUND)}) and ${mbChange(after)} after it, at most ${mb(max.inFlight)} of blocks held for the peer, up to ${max.waiting} requests waiting (the flooder held up to ${mb(max.unread)} unread, not counted), every stalled request ended at its timeout, RPC max ${Math.round(rpc.maxMs)} ms`,
    });
  }, TEST_MS);

  it('a peer that reads gets the stored bytes, paced to the byte rate, without a penalty', async () => {
    const reader = await connectedPeer();
    const blocks = large.slice(0, 8);
    const sizes = blocks.map((b) => b.toBytes().length);
    const bytesOut = a.p2p.totals().bytesOut;
    const started = performance.now();
    const reply = await reader.requestRaw(reader.ids.blocks, [frame(encodeHashes(blocks.map((b) => b.hash)))], { timeoutMs: 20_000 });
    const elapsedMs = performance.now() - started;

    expect(reply.end).toBe('closed');
    expect(reply.frames.length).toBe(1 + blocks.length);
    expect(decodeCount(reply.frames[0]!, PER_REQUEST)).toBe(blocks.length);
    for (const [i, block] of blocks.entries()) expect(Buffer.compare(reply.frames[i + 1]!, block.toBytes())).toBe(0);
    // The bucket holds 2 s of the rate and each block waits until what was sent before it is paid for.
    const sentBeforeLast = sizes.slice(0, -1).reduce((x, y) => x + y, 0);
    const pacedMs = ((sentBeforeLast - 2 * BYTES_PER_SECOND) / BYTES_PER_SECOND) * 1000;
    expect(elapsedMs).toBeGreaterThanOrEqual(pacedMs - 50);
    // The wire carries the blocks plus framing, yamux and noise overhead (and the odd status or ping).
    const wire = a.p2p.totals().bytesOut - bytesOut;
    const payload = sizes.reduce((x, y) => x + y, 0);
    expect(wire).toBeGreaterThanOrEqual(payload);
    expect(wire).toBeLessThan(payload * 1.02 + 64_000);
    expect(a.p2p.peerManager.score(reader.peerId)).toBe(0);
    expect(a.p2p.peerManager.isBanned(reader.peerId)).toBe(false);
    recordTrial({
      area: 'Adversarial peers',
      attack: `request for ${blocks.length} blocks of 1 MB over a byte rate of ${mb(BYTES_PER_SECOND)}/s`,
      times: 1,
      outcome: `the stored bytes served as they are, paced (${Math.round(elapsedMs)} ms, at least ${Math.round(pacedMs)} ms by the rate), no penalty`,
    });
  }, TEST_MS);
});
