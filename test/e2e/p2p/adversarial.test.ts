/**
 * A misbehaving peer against honest nodes: malformed gossip and request
 * frames, stalled and cut-short streams, a request flood, another network.
 * Topology B — A — evil (test/helpers/honest-pair.ts): B is connected only to
 * A and every evil peer only to A. Invalid blocks are in
 * invalid-blocks-gossip.test.ts and invalid-blocks-sync.test.ts; attacks on
 * sync in hostile-sync.test.ts. A answers JSON-RPC within a second
 * throughout every attack.
 *
 * Penalties asserted here are the documented ones (PROTOCOL.md §9.4): an
 * undecodable gossip message or request frame 20; an oversized frame 20; each
 * request over the rate limit 1; 100 in all bans. A
 * stream that ends or stalls mid-frame costs nothing (slow and dropped links
 * exist); A just gives up on it. A peer on another network is disconnected,
 * never banned.
 */
import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { regtest, testnet } from '../../../src/consensus/params.js';
import { encodeHashes, encodeStatus } from '../../../src/network/reqresp/messages.js';
import { MAX_LOCATOR_HASHES } from '../../../src/network/options.js';
import { frame, framePrefix, junk, type EvilPeer } from '../../helpers/evil-peer.js';
import { HonestPair, rpcText, WAIT_MS, waitFor } from '../../helpers/honest-pair.js';
import { recordTrial } from '../../helpers/reliability.js';
import { RPC_LATENCY_BOUND_MS, type RpcProbeResult } from '../../helpers/rpc-probe.js';

const REQUESTS_PER_SECOND = 20;

// A smaller request budget than the default (50/s) so that even a flood slowed down by a
// loaded machine (the flooder shares this process) clearly exceeds it; B stays far below.
const pair = new HonestPair('tally-adversarial');
beforeAll(() => pair.start({ p2p: { requestsPerSecond: REQUESTS_PER_SECOND } }), 120_000);
afterEach(() => pair.stopEvils());
afterAll(() => pair.stop());

/** A new evil peer connected to A (and handshaked as a regtest peer unless told not to). */
async function evilPeer(opts: { handshake?: boolean } = {}): Promise<EvilPeer> {
  const evil = await pair.evilPeer({ handshake: false });
  if (opts.handshake ?? true) {
    const theirs = await evil.handshake();
    expect(theirs.tipHash).toBe(pair.a.node.chain.tip.hashHex);
  }
  return evil;
}

/** A headers request from B to A: the answer must be A's whole chain, in well under a second. */
async function bAsksA(): Promise<number> {
  const { a, b } = pair;
  const started = performance.now();
  const headers = await b.p2p.getHeaders(a.p2p.peerId, [regtest.genesisHash]);
  const elapsed = performance.now() - started;
  expect(headers.length).toBe(a.node.chain.height);
  return elapsed;
}

function expectResponsive(rpc: RpcProbeResult): void {
  expect(rpc.failures).toBe(0);
  expect(rpc.maxMs).toBeLessThan(RPC_LATENCY_BOUND_MS);
}

describe('adversarial peer: malformed gossip', () => {
  it('undecodable bytes on both topics are rejected, not forwarded, and add up to a ban', async () => {
    const { a, b } = pair;
    const evil = await evilPeer();
    const before = await pair.states();
    const aGossip = a.p2p.totals().gossip;
    const bGossip = b.p2p.totals().gossip;

    const { rpc } = await pair.probed(async () => {
      expect(await evil.gossipBlock(junk(200, 1))).toBe(1);
      await waitFor(() => a.p2p.peerManager.score(evil.peerId) === 20, 'a penalty of 20 for a junk block', WAIT_MS);
      expect(await evil.gossipTx(junk(120, 2))).toBe(1);
      await waitFor(() => a.p2p.peerManager.score(evil.peerId) === 40, 'a penalty of 20 for a junk transaction', WAIT_MS);
      expect(a.p2p.totals().gossip.reject).toBe(aGossip.reject + 2);
      expect(pair.disconnected(evil)).toBe(false);

      for (let i = 0; i < 3; i++) await (i % 2 ? evil.gossipTx(junk(90 + i, 10 + i)) : evil.gossipBlock(junk(300 + i, 10 + i)));
      await pair.waitBanned(evil, 'the junk sender');
    });
    expect(a.p2p.totals().gossip.accept).toBe(aGossip.accept);
    expect(await pair.states()).toEqual(before);

    await pair.advance();
    const bNow = b.p2p.totals().gossip;
    expect(bNow.reject).toBe(bGossip.reject);
    expect(bNow.ignore).toBe(bGossip.ignore);
    expect(bNow.accept).toBe(bGossip.accept + 1);
    expectResponsive(rpc);
    recordTrial({
      area: 'Adversarial peers',
      attack: 'undecodable gossip on the blocks and transactions topics',
      times: 5,
      outcome: `rejected, not forwarded, 20 each, sender banned at the fifth, chain and mempool unchanged, ${rpcText(rpc)}`,
    });
  });
});

describe('adversarial peer: malformed requests', () => {
  it('undecodable and oversized frames are penalized while honest B is still served', async () => {
    const { a } = pair;
    const evil = await evilPeer();
    const score = () => a.p2p.peerManager.score(evil.peerId);

    const { rpc } = await pair.probed(async () => {
      // A locator claiming more hashes than allowed.
      const tooMany = await evil.requestRaw(evil.ids.headers, [frame(Uint8Array.of(MAX_LOCATOR_HASHES + 1))]);
      expect(tooMany.end).toBe('reset');
      expect(tooMany.frames).toHaveLength(0);
      await waitFor(() => score() === 20, 'a penalty of 20 for an undecodable locator', WAIT_MS);

      // A locator announcing two hashes but carrying one and a half.
      const locator = encodeHashes([regtest.genesisHash, regtest.genesisHash]).subarray(0, 1 + 48);
      expect((await evil.requestRaw(evil.ids.headers, [frame(locator)])).end).toBe('reset');
      await waitFor(() => score() === 40, 'a penalty of 20 for a truncated locator', WAIT_MS);

      // A frame announcing more than maxMessageSize: refused from the prefix alone.
      const oversized = await evil.requestRaw(evil.ids.blocks, [framePrefix(a.p2p.opts.maxMessageSize + 1, junk(64, 3))]);
      expect(oversized.end).toBe('reset');
      await waitFor(() => score() === 60, 'a penalty of 20 for an oversized frame', WAIT_MS);

      // A block request for more than MAX_BLOCKS_PER_REQUEST hashes.
      expect((await evil.requestRaw(evil.ids.blocks, [frame(Uint8Array.of(0xfd, 0xff, 0x00))])).end).toBe('reset');
      await waitFor(() => score() === 80, 'a penalty of 20 for an oversized block request', WAIT_MS);

      expect(await bAsksA()).toBeLessThan(1000);
      expect(a.p2p.peerManager.isBanned(evil.peerId)).toBe(false);
      expect(pair.disconnected(evil)).toBe(false);

      // A status frame that does not decode: the fifth malformed message reaches the ban threshold
      // (the ban closes the connection, so the stream may end either way, but unanswered).
      expect((await evil.requestRaw(evil.ids.status, [frame(junk(7, 4))])).frames).toHaveLength(0);
      await pair.waitBanned(evil, 'the malformed-frame sender');
    });
    expect(pair.banOf(evil)?.reason).toBe('malformed-message');
    expect(await bAsksA()).toBeLessThan(1000);
    expectResponsive(rpc);
    recordTrial({
      area: 'Adversarial peers',
      attack: 'malformed request frames (locator too long or truncated, oversized frame, block request too long, undecodable status)',
      times: 5,
      outcome: `refused unanswered, 20 each, sender banned at the fifth, honest peer still served within 1 s, ${rpcText(rpc)}`,
    });
  });

  it('a status naming its network in invalid UTF-8 is malformed', async () => {
    const { a } = pair;
    const evil = await evilPeer({ handshake: false });
    const status = encodeStatus({ network: 'ab', genesis: regtest.genesisHash, tipHash: regtest.genesisHash, height: 0, chainWork: 2n });
    status.set([0xff, 0xfe], 1);
    const { rpc } = await pair.probed(async () => {
      const reply = await evil.requestRaw(evil.ids.status, [frame(status)]);
      expect(reply.frames).toHaveLength(0);
      await waitFor(() => a.p2p.peerManager.score(evil.peerId) === 20, 'a penalty of 20 for an undecodable status', WAIT_MS);
    });
    expect(a.p2p.peers().map((p) => p.id)).not.toContain(evil.peerId);
    expectResponsive(rpc);
    recordTrial({
      area: 'Adversarial peers',
      attack: 'status handshake naming the network in invalid UTF-8',
      times: 1,
      outcome: `refused as malformed, sender penalized 20, never a peer, ${rpcText(rpc)}`,
    });
  });

  it('a frame cut short by a half-close is dropped, unserved and unpenalized', async () => {
    const { a } = pair;
    const evil = await evilPeer();
    const { rpc } = await pair.probed(async () => {
      const reply = await evil.requestRaw(evil.ids.headers, [framePrefix(33, encodeHashes([regtest.genesisHash]).subarray(0, 10))]);
      expect(reply).toMatchObject({ end: 'reset', frames: [] });
    });
    expect(a.p2p.peerManager.score(evil.peerId)).toBe(0);
    expect(await bAsksA()).toBeLessThan(1000);
    expectResponsive(rpc);
    recordTrial({
      area: 'Adversarial peers',
      attack: 'request frame cut short by a half-close',
      times: 1,
      outcome: `dropped unanswered, not penalized (links drop), ${rpcText(rpc)}`,
    });
  });

  it('streams stalled mid-frame are cut at the request timeout and do not slow B down', async () => {
    const { a } = pair;
    const evil = await evilPeer();
    let elapsed = 0;
    const { rpc } = await pair.probed(async () => {
      const stalled = Array.from({ length: 32 }, (_, i) =>
        evil.requestRaw(evil.ids.headers, [framePrefix(33, junk(5, 100 + i))], { closeWrite: false, timeoutMs: a.p2p.opts.requestTimeoutMs + 3_000 }));
      await waitFor(() => pair.requestStreams(evil, evil.ids.headers) === 32, 'the stalled streams to open', WAIT_MS);
      expect(await bAsksA()).toBeLessThan(1000);
      const started = Date.now();
      const replies = await Promise.all(stalled);
      elapsed = Date.now() - started;
      // A gave up on each (no reply, stream reset), before the evil peer's own longer timeout.
      for (const reply of replies) expect(reply).toMatchObject({ end: 'reset', frames: [] });
    });
    expect(elapsed).toBeLessThan(a.p2p.opts.requestTimeoutMs + 1_000);
    // A timeout is not misbehaviour: slow links exist.
    expect(a.p2p.peerManager.score(evil.peerId)).toBe(0);
    expect(await bAsksA()).toBeLessThan(1000);
    expectResponsive(rpc);
    recordTrial({
      area: 'Adversarial peers',
      attack: '32 request streams opened and stalled mid-frame',
      times: 32,
      outcome: `each reset at the ${a.p2p.opts.requestTimeoutMs / 1000} s request timeout, not penalized, honest peer served within 1 s meanwhile, ${rpcText(rpc)}`,
    });
  });

  it('requests before the handshake are refused without a penalty', async () => {
    const { a } = pair;
    const evil = await evilPeer({ handshake: false });
    const { rpc } = await pair.probed(async () => {
      const reply = await evil.requestRaw(evil.ids.headers, [frame(encodeHashes([regtest.genesisHash]))]);
      expect(reply.end).toBe('reset');
    });
    expect(a.p2p.peerManager.score(evil.peerId)).toBe(0);
    expectResponsive(rpc);
    recordTrial({
      area: 'Adversarial peers',
      attack: 'headers request before the status handshake',
      times: 1,
      outcome: `refused unanswered, not penalized, ${rpcText(rpc)}`,
    });
  });
});

describe('adversarial peer: request flood', () => {
  it('A stays responsive to B while a flooder is rate limited and banned', async () => {
    const { a } = pair;
    const evil = await evilPeer();
    const { requestsPerSecond } = a.p2p.opts;
    let flooding = true;
    const latencies: number[] = [];
    const { value: result, rpc } = await pair.probed(async () => {
      // A tip locator makes each reply tiny: the flood measures request handling, not bandwidth.
      // Eight in flight is as fast as this process can go; more would only queue streams in the
      // event loop that A and B share with the flooder.
      const flood = evil.floodRequests(500, { concurrency: 8, locator: [a.node.chain.tip.hashHex] }).finally(() => (flooding = false));
      // B keeps asking A (well within its own budget) while the flood runs; every answer must come within a second.
      while (flooding) {
        latencies.push(await bAsksA());
        await new Promise((r) => setTimeout(r, 100));
      }
      const result = await flood;
      // Each refused request costs 1, so the flood ends in a ban long before 500 requests.
      await pair.waitBanned(evil, 'the flooder');
      return result;
    });
    expect(latencies.length).toBeGreaterThan(0);
    expect(Math.max(...latencies)).toBeLessThan(1000);
    // The token bucket holds 2 s of requests and refills at requestsPerSecond: the rest were refused.
    expect(result.served).toBeLessThanOrEqual(requestsPerSecond * (2 + result.elapsedMs / 1000 + 0.5));
    expect(result.failed).toBeGreaterThan(0);
    expect(pair.banOf(evil)?.reason).toBe('request rate exceeded');
    expect(pair.bannedOnDisk(evil.peerId)).toBe(true);
    expect(await bAsksA()).toBeLessThan(1000);
    expectResponsive(rpc);
    recordTrial({
      area: 'Adversarial peers',
      attack: `headers request flood (500 requests, 8 at a time, limit ${requestsPerSecond}/s)`,
      times: result.served + result.failed,
      outcome: `${result.served} served, the rest refused at 1 each, flooder banned, honest peer answered within ${Math.round(Math.max(...latencies))} ms, ${rpcText(rpc)}`,
    });
  });
});

describe('adversarial peer: another network', () => {
  it.each([
    ['another network name and genesis', { network: 'testnet', genesis: testnet.genesisHash }],
    ['the regtest name with another genesis', { network: 'regtest', genesis: testnet.genesisHash }],
  ])('a peer claiming %s is disconnected, not banned', async (what, claim) => {
    const { a } = pair;
    const evil = await evilPeer({ handshake: false });
    const { rpc } = await pair.probed(async () => {
      const theirs = await evil.handshake(claim);
      expect(theirs.network).toBe('regtest');
      expect(theirs.genesis).toBe(regtest.genesisHash);
      await waitFor(() => pair.disconnected(evil), 'A to drop the peer of another network', WAIT_MS);
    });
    expect(a.p2p.peerManager.isBanned(evil.peerId)).toBe(false);
    expect(a.p2p.peers().map((p) => p.id)).not.toContain(evil.peerId);
    expectResponsive(rpc);
    recordTrial({
      area: 'Adversarial peers',
      attack: `peer claiming ${what} in the status handshake`,
      times: 1,
      outcome: `disconnected without a ban, not redialed for 10 minutes, ${rpcText(rpc)}`,
    });
  });
});

describe('adversarial peer: the honest pair survives', () => {
  it('A and B are still up, connected and in step', async () => {
    const { a, b } = pair;
    await pair.advance();
    expect(a.p2p.peers().map((p) => p.id)).toEqual([b.p2p.peerId]);
    // The honest peer was never charged for anything, flood or not.
    expect(a.p2p.peerManager.score(b.p2p.peerId)).toBe(0);
    expect(a.p2p.peerManager.isBanned(b.p2p.peerId)).toBe(false);
    expect(await pair.state(b)).toEqual(await pair.state(a));
  });
});
