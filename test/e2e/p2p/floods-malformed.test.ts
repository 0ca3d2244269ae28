/**
 * Floods of malformed gossip and of requests over real libp2p sockets, at
 * volume (adversarial.test.ts has the single cases). Topology: B — A —
 * flooders; A serves JSON-RPC, polled every 100 ms by an {@link RpcProbe}.
 *
 * - Undecodable gossip costs its sender 20 a message (PROTOCOL.md §9.4), so a
 *   peer is banned at its fifth; what it wrote before the ban landed is
 *   rejected without further charge or dropped with the connection.
 * - Oversized and truncated gossip frames never reach Tally: gossipsub's
 *   decoder refuses a frame from its length prefix (over maxMessageSize)
 *   before buffering it, or drops a frame cut short, and closes that stream.
 *   Nothing is charged for them (the p2p adapter does not see them), so the
 *   test asserts that they cost nothing and change nothing.
 * - Requests beyond the rate (a token bucket, 10/s here) cost 1 each, so a
 *   flooder is banned after 100 refusals.
 *
 * The heap bound is the one of floods.test.ts (16 MB after a warm-up flood):
 * these floods leave nothing but per-peer state and gossipsub's caches.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { peerIdFromString } from '@libp2p/peer-id';
import type { EvilPeer } from '../../helpers/evil-peer.js';
import {
  flooders, heapAfterGc, HeadersProbe, honestTraffic, mb, mbChange, startFloodBed, stateOf, stopFloodBed, stopFlooders, type FloodBed,
} from '../../helpers/flood-bed.js';
import { burst, floodGossipFrames, gossipFrames, malformedPayloads } from '../../helpers/floods.js';
import { TestNetwork, waitUntil } from '../../helpers/network.js';
import { recordTrial } from '../../helpers/reliability.js';
import { RPC_LATENCY_BOUND_MS, RpcProbe } from '../../helpers/rpc-probe.js';
import { tempDir } from '../../helpers/tmp.js';

const WAIT_MS = 20_000;
/** Per test: generous, for a machine shared with other test runs; each wait inside is bounded by WAIT_MS. */
const TEST_MS = 60_000;
/**
 * A's request budget: below the default (50/s) so that a flood from this same process, slowed by
 * a loaded machine, still clearly exceeds it; B asks 4-5 times a second.
 */
const REQUESTS_PER_SECOND = 10;
/** Requests each flooder keeps in flight (half of A's inbound stream limit per protocol). */
const IN_FLIGHT = 16;
/**
 * B's headers requests wait in the same stream handling as the flood's, on a machine whose CPU
 * the flooders share: they must be answered, well within the 5 s request timeout. (The 1 s
 * responsiveness bound is the RPC probe's.)
 */
const B_SERVED_MS = 2_000;
const MEMORY_BOUND = 16_000_000;
/** Decoding failures of §2.8: what a malformed gossip message is banned for. */
const DECODE_CODES = /^gossip: (read-out-of-bounds|non-canonical-compactsize|compactsize-too-large|superfluous-witness|unknown-tx-flags|trailing-bytes|bad-header-length)$/;

const net = new TestNetwork(tempDir('tally-floods-malformed'));
let bed: FloodBed;
let samples: { tx: Uint8Array; block: Uint8Array };

beforeAll(async () => {
  bed = await startFloodBed(net, { matureCoins: 3, requestsPerSecond: REQUESTS_PER_SECOND });
  samples = { tx: bed.chain.tip.transactions[0]!.toBytes(), block: bed.chain.tip.toBytes() };
  // A warm-up of every kind, so that V8's code for these paths does not count as growth.
  const probe = new RpcProbe(bed.a);
  const [junk, frames, requests] = await flooders(bed, 3);
  await burst(junk!, gossipFrames(junk!, 'txs', malformedPayloads(50, 900, samples)));
  await floodGossipFrames(frames!, { n: 20, announced: 5_000_000, bodyBytes: 64 });
  await requests!.floodRequests(200, { concurrency: IN_FLIGHT, locator: [bed.a.node.chain.tip.hashHex] });
  await waitUntil(() => bed.a.p2p.peerManager.isBanned(junk!.peerId) && bed.a.p2p.peerManager.isBanned(requests!.peerId), 'the warm-up flooders to be banned', WAIT_MS);
  await stopFlooders(bed);
  await probe.stop();
}, 60_000);
afterEach(() => stopFlooders(bed));
afterAll(() => stopFloodBed(bed, net));

/** True when A holds no connection to `evil` and `evil` none to A. */
function disconnected(evil: EvilPeer): boolean {
  return !evil.isConnected() && bed.a.p2p.libp2p.getConnections(peerIdFromString(evil.peerId)).length === 0;
}

/** Starts the probes and weighs the heap; `finish` stops them and weighs it again once the flooders are gone. */
async function measure(): Promise<{ finish: () => Promise<{ rpcMaxMs: number; heapGrowth: number }> }> {
  const heapBefore = await heapAfterGc();
  const probe = new RpcProbe(bed.a);
  return {
    finish: async () => {
      const rpc = await probe.stop();
      expect(rpc.failures).toBe(0);
      expect(rpc.answers).toBeGreaterThan(0);
      expect(rpc.maxMs).toBeLessThan(RPC_LATENCY_BOUND_MS);
      await stopFlooders(bed);
      await waitUntil(() => bed.a.p2p.peers().length === 1, 'A to have only B left', WAIT_MS);
      const heapGrowth = (await heapAfterGc()) - heapBefore;
      expect(heapGrowth).toBeLessThan(MEMORY_BOUND);
      return { rpcMaxMs: Math.round(rpc.maxMs), heapGrowth };
    },
  };
}

/** B sent the honest traffic and received nothing; A and B agree on tip, UTXO set and mempool. */
async function expectHonestStateKept(honest: Awaited<ReturnType<typeof honestTraffic>>, bGossip: { accept: number; ignore: number; reject: number }, mempoolBefore: string[]): Promise<void> {
  expect(bed.b.p2p.totals().gossip).toEqual(bGossip);
  const state = await stateOf(bed.a);
  expect(state.tip).toBe(honest.block.hash);
  expect(state.mempool).toEqual([...mempoolBefore, honest.tx.txid].sort());
  expect(await stateOf(bed.b)).toEqual(state);
}

describe('malformed gossip flood', () => {
  it('2,000 undecodable messages in bursts from 8 peers: each banned at its fifth, nothing forwarded', async () => {
    const { a } = bed;
    const evils = await flooders(bed, 8);
    // Half on each topic, interleaved, encoded before the clock starts.
    const frames = evils.map((e, i) => malformedPayloads(250, i + 1, samples).map((p, j) => gossipFrames(e, j % 2 ? 'txs' : 'blocks', [p])[0]!));
    const before = await stateOf(a);
    const aGossip = a.p2p.totals().gossip;
    const bGossip = bed.b.p2p.totals().gossip;
    const m = await measure();

    // Each peer in turn writes its 250 at once, before it can read A's reaction, while B sends honest traffic.
    const bursts = async () => {
      for (const [i, e] of evils.entries()) await burst(e, frames[i]!);
    };
    const [, honest] = await Promise.all([bursts(), honestTraffic(bed, WAIT_MS)]);
    for (const e of evils) {
      await waitUntil(() => a.p2p.peerManager.isBanned(e.peerId) && disconnected(e), 'A to ban and drop every sender', WAIT_MS);
      expect(a.p2p.peerManager.listBans().find((b) => b.peer === e.peerId)?.reason).toMatch(DECODE_CODES);
    }
    const aNow = a.p2p.totals().gossip;
    const rejected = aNow.reject - aGossip.reject;
    // Five from each sender at least; what came after its ban was rejected at no charge or not read at all.
    expect(rejected).toBeGreaterThanOrEqual(5 * evils.length);
    expect(rejected).toBeLessThanOrEqual(2000);
    expect({ accept: aNow.accept - aGossip.accept, ignore: aNow.ignore - aGossip.ignore }).toEqual({ accept: 2, ignore: 0 });
    await expectHonestStateKept(honest, bGossip, before.mempool);
    const { rpcMaxMs, heapGrowth } = await m.finish();
    recordTrial({
      area: 'Adversarial peers',
      attack: 'undecodable gossip in bursts of 250 from 8 peers on both topics (random bytes, truncated transactions and blocks, trailing bytes)',
      times: 2000,
      outcome: `every sender banned at its fifth message (20 each); ${rejected} read and rejected (free after the ban), ${2000 - rejected} never read (connection closed); nothing forwarded, honest tx and block relayed, RPC max ${rpcMaxMs} ms, heap ${mbChange(heapGrowth)}`,
    });
  }, TEST_MS);

  it('1,000 oversized and truncated gossip frames from 2 peers: refused by gossipsub, nothing processed, nothing charged', async () => {
    const { a } = bed;
    const [big, cut] = await flooders(bed, 2);
    const announced = a.p2p.opts.maxMessageSize + 1;
    const before = await stateOf(a);
    const aGossip = a.p2p.totals().gossip;
    const bGossip = bed.b.p2p.totals().gossip;
    const m = await measure();

    const [oversized, truncated, honest] = await Promise.all([
      floodGossipFrames(big!, { n: 500, announced, bodyBytes: 1024, concurrency: 8 }),
      floodGossipFrames(cut!, { n: 500, announced: 2_000, bodyBytes: 100, concurrency: 8 }),
      honestTraffic(bed, WAIT_MS),
    ]);
    // A ended every stream itself (none was left hanging until the flooder's timeout).
    expect(oversized.timeout ?? 0).toBe(0);
    expect(truncated.timeout ?? 0).toBe(0);
    const aNow = a.p2p.totals().gossip;
    expect({ accept: aNow.accept - aGossip.accept, ignore: aNow.ignore - aGossip.ignore, reject: aNow.reject - aGossip.reject }).toEqual({ accept: 2, ignore: 0, reject: 0 });
    for (const e of [big!, cut!]) {
      expect(a.p2p.peerManager.score(e.peerId)).toBe(0);
      expect(disconnected(e)).toBe(false);
    }
    await expectHonestStateKept(honest, bGossip, before.mempool);
    const { rpcMaxMs, heapGrowth } = await m.finish();
    recordTrial({
      area: 'Adversarial peers',
      attack: `gossip frames over the size limit (500 announcing ${mb(announced)}) and cut short (500) from 2 peers`,
      times: 1000,
      outcome: `each refused by gossipsub's length check or dropped, stream closed, nothing decoded or charged (Tally never sees them); nothing forwarded, honest tx and block relayed, RPC max ${rpcMaxMs} ms, heap ${mbChange(heapGrowth)}`,
    });
  }, TEST_MS);
});

describe('request flood', () => {
  it('2,400 requests in two waves of 4 peers (headers and 16-block requests): rate limited, all banned, B served throughout', async () => {
    const { a } = bed;
    // Sixteen blocks a request, as sync asks for them: each request costs A 16 block reads.
    const hashes = bed.chain.blocks.slice(1, 17).map((x) => x.hash);
    const before = await stateOf(a);
    const bGossip = bed.b.p2p.totals().gossip;
    const m = await measure();
    const headersProbe = new HeadersProbe(bed, 250);
    let served = 0;
    let honest: Awaited<ReturnType<typeof honestTraffic>> | undefined;
    for (let wave = 0; wave < 2; wave++) {
      const evils = await flooders(bed, 4);
      const tip = a.node.chain.tip.hashHex;
      const [results, traffic] = await Promise.all([
        Promise.all([
          ...evils.slice(0, 3).map((e) => e.floodRequests(300, { concurrency: IN_FLIGHT, locator: [tip] })),
          evils[3]!.floodRequests(300, { concurrency: IN_FLIGHT, blocks: hashes }),
        ]),
        wave === 1 ? honestTraffic(bed, WAIT_MS) : Promise.resolve(undefined),
      ]);
      honest ??= traffic;
      for (const [i, r] of results.entries()) {
        // The bucket holds 2 s of requests and refills at the rate: the rest were refused.
        expect(r.served).toBeLessThanOrEqual(REQUESTS_PER_SECOND * (2 + r.elapsedMs / 1000 + 0.5));
        expect(r.served + r.failed).toBe(300);
        served += r.served;
        await waitUntil(() => a.p2p.peerManager.isBanned(evils[i]!.peerId) && disconnected(evils[i]!), 'A to ban and drop every flooder', WAIT_MS);
        expect(a.p2p.peerManager.listBans().find((b) => b.peer === evils[i]!.peerId)?.reason).toBe('request rate exceeded');
      }
    }
    const headers = await headersProbe.stop();
    expect(headers.failures).toBe(0);
    expect(headers.answers).toBeGreaterThan(0);
    expect(headers.maxMs).toBeLessThan(B_SERVED_MS);
    expect(a.p2p.peerManager.score(bed.b.p2p.peerId)).toBe(0);
    await expectHonestStateKept(honest!, bGossip, before.mempool);
    const { rpcMaxMs, heapGrowth } = await m.finish();
    recordTrial({
      area: 'Adversarial peers',
      attack: `request floods in two waves of 4 peers (headers requests, and requests for 16 blocks each), ${IN_FLIGHT} in flight per peer`,
      times: 2400,
      outcome: `${served} served within the rate limit, every flooder banned (request rate exceeded); B's ${headers.answers} headers requests answered (max ${Math.round(headers.maxMs)} ms), honest tx and block relayed, RPC max ${rpcMaxMs} ms, heap ${mbChange(heapGrowth)}`,
    });
  }, TEST_MS);
});
