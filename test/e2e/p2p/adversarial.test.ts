/**
 * A misbehaving peer against honest nodes. Topology: B — A — evil, where B is
 * connected only to A and every evil peer only to A. The honest chain is a
 * {@link TestChain} fed to A (B follows it over the network), so the invalid
 * blocks of the shared scenario table build on A's tip.
 *
 * Penalties asserted here are the documented ones: an invalid block (mutated
 * or not) 100, which bans (Bitcoin Core also bans for a mutated block that did
 * not come through compact blocks); an undecodable gossip message or request
 * frame 20; an oversized frame 20; each request over the rate limit 1. A
 * stream that ends or stalls mid-frame costs nothing (slow and dropped links
 * exist); A just gives up on it. A peer on another network is disconnected,
 * never banned.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { peerIdFromString } from '@libp2p/peer-id';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { regtest, testnet } from '../../../src/consensus/params.js';
import type { Block } from '../../../src/primitives/block.js';
import { PeerManager, type BanEntry } from '../../../src/p2p/peers.js';
import { silentLogger } from '../../../src/chain/logger.js';
import { encodeHashes, encodeStatus } from '../../../src/p2p/messages.js';
import { MAX_LOCATOR_HASHES } from '../../../src/p2p/options.js';
import { EvilPeer, frame, framePrefix, junk } from '../../helpers/evil-peer.js';
import { catchRuleError, flipBit, payTo, remakeBlock, spend, withWitness, type TestChain } from '../../helpers/chain.js';
import { INVALID_BLOCK_CASES, prepareInvalidBlockChain } from '../../helpers/invalid-blocks.js';
import { TestNetwork, waitUntil, type TestNode } from '../../helpers/network.js';
import { tempDir } from '../../helpers/tmp.js';

const WAIT_MS = 10_000;
const REQUESTS_PER_SECOND = 20;

const net = new TestNetwork(tempDir('tally-adversarial'));
const evils: EvilPeer[] = [];
let a: TestNode;
let b: TestNode;
let chain: TestChain;

async function stopEvils(): Promise<void> {
  for (const evil of evils.splice(0)) await evil.stop();
}
afterEach(stopEvils);
afterAll(async () => {
  await stopEvils();
  await net.stopAll();
  // Nothing of the nodes or the evil peers may outlive them: no listener, no socket.
  const sockets = () => process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP'));
  await waitUntil(() => sockets().length === 0, 'every socket and listener to close', 5_000);
});

beforeAll(async () => {
  chain = prepareInvalidBlockChain();
  // A smaller request budget than the default (50/s) so that even a flood slowed down by a
  // loaded machine (the flooder shares this process) clearly exceeds it; B stays far below.
  a = await net.start({ name: 'a', p2p: { requestsPerSecond: REQUESTS_PER_SECOND } });
  b = await net.start({ name: 'b', bootstrap: [a.address] });
  await waitUntil(() => a.p2p.peers().length === 1 && b.p2p.peers().length === 1, 'A and B to handshake', WAIT_MS);
  for (const block of chain.blocks.slice(1)) await a.node.submitBlock(block);
  expect(a.node.chain.tip.hashHex).toBe(chain.tip.hash);
  await waitUntil(() => b.node.chain.tip.hashHex === chain.tip.hash, 'B to follow A to the honest tip', 30_000);
}, 60_000);

/** A new evil peer connected to A (and handshaked as a regtest peer unless told not to). */
async function evilPeer(opts: { handshake?: boolean } = {}): Promise<EvilPeer> {
  const evil = await EvilPeer.start();
  evils.push(evil);
  await evil.connect(a.address);
  if (opts.handshake ?? true) {
    const theirs = await evil.handshake();
    expect(theirs.tipHash).toBe(a.node.chain.tip.hashHex);
  }
  return evil;
}

async function stateOf(n: TestNode): Promise<{ tip: string; height: number; utxo: string }> {
  const digest = await n.node.chain.utxoDigest();
  return { tip: n.node.chain.tip.hashHex, height: n.node.chain.height, utxo: digest.hash };
}

/** True when A holds no connection to `evil` and `evil` none to A. */
function disconnected(evil: EvilPeer): boolean {
  return !evil.isConnected() && a.p2p.libp2p.getConnections(peerIdFromString(evil.peerId)).length === 0;
}

/** True when `peer` is in `node`'s banlist.json and a PeerManager loading it (as after a restart) still bans it. */
function bannedOnDisk(node: TestNode, peer: string): boolean {
  const datadir = node.node.config.datadir;
  const listed = (JSON.parse(readFileSync(join(datadir, 'banlist.json'), 'utf8')) as BanEntry[]).some((x) => x.peer === peer);
  const reloaded = new PeerManager(
    { datadir, banSeconds: node.p2p.opts.banSeconds, requestsPerSecond: node.p2p.opts.requestsPerSecond },
    { logger: silentLogger, clock: () => Math.floor(Date.now() / 1000), onBan: () => undefined },
  );
  return listed && reloaded.isBanned(peer);
}

/**
 * Extends the honest chain by one block through A and waits for B to have it.
 * Gossip from A to B is validated and forwarded in order, so once B holds this
 * block anything A had forwarded before it has reached B too.
 */
async function advance(): Promise<Block> {
  const block = chain.add(chain.buildBlock());
  await a.node.submitBlock(block);
  await waitUntil(() => b.node.chain.tip.hashHex === block.hash, 'B to receive the next honest block', WAIT_MS);
  return block;
}

/** A headers request from B to A: the answer must be A's whole chain, in well under a second. */
async function bAsksA(): Promise<number> {
  const started = performance.now();
  const headers = await b.p2p.getHeaders(a.p2p.peerId, [regtest.genesisHash]);
  const elapsed = performance.now() - started;
  expect(headers.length).toBe(a.node.chain.height);
  return elapsed;
}

function caseNamed(name: string) {
  const c = INVALID_BLOCK_CASES.find((x) => x.name === name);
  if (!c) throw new Error(`no invalid-block case "${name}"`);
  return c;
}

describe('adversarial peer: invalid blocks over gossip', () => {
  const cases = [
    caseNamed('coinbase claiming one satoshi more than the subsidy'),
    caseNamed('signature with one bit flipped'),
    caseNamed('merkle root not matching the transactions'),
  ];

  it.each(cases.map((c) => [c.code, c] as const))('%s: rejected, not forwarded, sender banned', async (code, c) => {
    const evil = await evilPeer();
    const block = c.build(chain);
    expect(catchRuleError(() => chain.validate(block)).code).toBe(code);
    const before = await stateOf(a);
    const bGossip = b.p2p.totals().gossip;

    expect(await evil.gossipBlock(block.toBytes())).toBe(1);
    await waitUntil(() => a.p2p.peerManager.isBanned(evil.peerId), 'A to ban the evil peer', WAIT_MS);
    await waitUntil(() => disconnected(evil), 'A and the evil peer to be disconnected', WAIT_MS);

    const ban = a.p2p.peerManager.listBans().find((x) => x.peer === evil.peerId);
    expect(ban?.reason).toBe(`gossip: ${code}`);
    expect(bannedOnDisk(a, evil.peerId)).toBe(true);
    expect(await stateOf(a)).toEqual(before);
    // A mutated block says nothing of its header, so A must not remember the hash as invalid.
    if (c.corruptionPossible) expect(a.node.chain.getEntry(block.hash)).toBeUndefined();
    else expect(a.node.chain.getEntry(block.hash)?.failed).toBe(true);

    await advance();
    expect(b.node.chain.getEntry(block.hash)).toBeUndefined();
    expect(b.p2p.totals().gossip.reject).toBe(bGossip.reject);
    // The ban holds against a new connection: A's gater or A itself drops it (the dialer
    // may see its dial succeed first, as it finishes its side of the upgrade before A checks).
    await evil.connect(a.address, { retry: false }).catch(() => undefined);
    await waitUntil(() => disconnected(evil), 'A to drop the banned peer again', WAIT_MS);
    expect(a.p2p.peers().map((p) => p.id)).not.toContain(evil.peerId);
  });

  it('a mutated copy under a valid header bans its sender but does not stop the real block', async () => {
    const evil = await evilPeer();
    const coin = chain.coinbaseCoins[0]!;
    const tx = spend([coin], [payTo(1, coin.output.value - 1000n)]);
    const valid = chain.buildBlock({ transactions: [tx] });
    const altered = withWitness(tx, 0, [flipBit(tx.inputs[0]!.witness[0]!, 100)]);
    const mutated = remakeBlock(valid, { transactions: [valid.transactions[0]!, altered], recomputeMerkleRoot: false, solve: false });
    expect(mutated.hash).toBe(valid.hash);
    expect(catchRuleError(() => chain.validate(mutated)).code).toBe('bad-witness-merkle-match');
    const before = await stateOf(a);

    await evil.gossipBlock(mutated.toBytes());
    await waitUntil(() => a.p2p.peerManager.isBanned(evil.peerId), 'A to ban the sender of the mutated block', WAIT_MS);
    await waitUntil(() => disconnected(evil), 'A and the evil peer to be disconnected', WAIT_MS);
    expect(a.p2p.peerManager.listBans().find((x) => x.peer === evil.peerId)?.reason).toBe('gossip: bad-witness-merkle-match');
    expect(await stateOf(a)).toEqual(before);
    expect(a.node.chain.getEntry(valid.hash)).toBeUndefined();

    // The real block, from honest B, still connects on A. (Its gossip shares the mutated copy's
    // message id, the block hash, so A's gossipsub drops it as seen; A fetches it by sync instead.)
    chain.add(valid);
    expect((await b.node.submitBlock(valid)).status).toBe('connected');
    await waitUntil(() => a.node.chain.tip.hashHex === valid.hash, 'A to connect the real block', WAIT_MS);
  });
});

describe('adversarial peer: malformed gossip', () => {
  it('undecodable bytes on both topics are rejected, not forwarded, and add up to a ban', async () => {
    const evil = await evilPeer();
    const before = await stateOf(a);
    const aGossip = a.p2p.totals().gossip;
    const bGossip = b.p2p.totals().gossip;

    expect(await evil.gossipBlock(junk(200, 1))).toBe(1);
    await waitUntil(() => a.p2p.peerManager.score(evil.peerId) === 20, 'a penalty of 20 for a junk block', WAIT_MS);
    expect(await evil.gossipTx(junk(120, 2))).toBe(1);
    await waitUntil(() => a.p2p.peerManager.score(evil.peerId) === 40, 'a penalty of 20 for a junk transaction', WAIT_MS);
    expect(a.p2p.totals().gossip.reject).toBe(aGossip.reject + 2);
    expect(disconnected(evil)).toBe(false);

    for (let i = 0; i < 3; i++) await (i % 2 ? evil.gossipTx(junk(90 + i, 10 + i)) : evil.gossipBlock(junk(300 + i, 10 + i)));
    await waitUntil(() => a.p2p.peerManager.isBanned(evil.peerId), 'A to ban after five junk messages', WAIT_MS);
    await waitUntil(() => disconnected(evil), 'the junk sender to be disconnected', WAIT_MS);
    expect(a.p2p.totals().gossip.accept).toBe(aGossip.accept);
    expect(await stateOf(a)).toEqual(before);

    await advance();
    const bNow = b.p2p.totals().gossip;
    expect(bNow.reject).toBe(bGossip.reject);
    expect(bNow.ignore).toBe(bGossip.ignore);
    expect(bNow.accept).toBe(bGossip.accept + 1);
  });
});

describe('adversarial peer: malformed requests', () => {
  it('undecodable and oversized frames are penalized while honest B is still served', async () => {
    const evil = await evilPeer();
    const score = () => a.p2p.peerManager.score(evil.peerId);

    // A locator claiming more hashes than allowed.
    const tooMany = await evil.requestRaw(evil.ids.headers, [frame(Uint8Array.of(MAX_LOCATOR_HASHES + 1))]);
    expect(tooMany.end).toBe('reset');
    expect(tooMany.frames).toHaveLength(0);
    await waitUntil(() => score() === 20, 'a penalty of 20 for an undecodable locator', WAIT_MS);

    // A locator announcing two hashes but carrying one and a half.
    const locator = encodeHashes([regtest.genesisHash, regtest.genesisHash]).subarray(0, 1 + 48);
    expect((await evil.requestRaw(evil.ids.headers, [frame(locator)])).end).toBe('reset');
    await waitUntil(() => score() === 40, 'a penalty of 20 for a truncated locator', WAIT_MS);

    // A frame announcing more than maxMessageSize: refused from the prefix alone.
    const oversized = await evil.requestRaw(evil.ids.blocks, [framePrefix(a.p2p.opts.maxMessageSize + 1, junk(64, 3))]);
    expect(oversized.end).toBe('reset');
    await waitUntil(() => score() === 60, 'a penalty of 20 for an oversized frame', WAIT_MS);

    // A block request for more than MAX_BLOCKS_PER_REQUEST hashes.
    expect((await evil.requestRaw(evil.ids.blocks, [frame(Uint8Array.of(0xfd, 0xff, 0x00))])).end).toBe('reset');
    await waitUntil(() => score() === 80, 'a penalty of 20 for an oversized block request', WAIT_MS);

    expect(await bAsksA()).toBeLessThan(1000);
    expect(a.p2p.peerManager.isBanned(evil.peerId)).toBe(false);
    expect(disconnected(evil)).toBe(false);

    // A status frame that does not decode: the fifth malformed message reaches the ban threshold
    // (the ban closes the connection, so the stream may end either way, but unanswered).
    expect((await evil.requestRaw(evil.ids.status, [frame(junk(7, 4))])).frames).toHaveLength(0);
    await waitUntil(() => a.p2p.peerManager.isBanned(evil.peerId), 'A to ban after five malformed frames', WAIT_MS);
    await waitUntil(() => disconnected(evil), 'the malformed-frame sender to be disconnected', WAIT_MS);
    expect(a.p2p.peerManager.listBans().find((x) => x.peer === evil.peerId)?.reason).toBe('malformed-message');
    expect(await bAsksA()).toBeLessThan(1000);
  });

  it('a status naming its network in invalid UTF-8 is malformed', async () => {
    const evil = await evilPeer({ handshake: false });
    const status = encodeStatus({ network: 'ab', genesis: regtest.genesisHash, tipHash: regtest.genesisHash, height: 0, chainWork: 2n });
    status.set([0xff, 0xfe], 1);
    const reply = await evil.requestRaw(evil.ids.status, [frame(status)]);
    expect(reply.frames).toHaveLength(0);
    await waitUntil(() => a.p2p.peerManager.score(evil.peerId) === 20, 'a penalty of 20 for an undecodable status', WAIT_MS);
    expect(a.p2p.peers().map((p) => p.id)).not.toContain(evil.peerId);
  });

  it('a frame cut short by a half-close is dropped, unserved and unpenalized', async () => {
    const evil = await evilPeer();
    const reply = await evil.requestRaw(evil.ids.headers, [framePrefix(33, encodeHashes([regtest.genesisHash]).subarray(0, 10))]);
    expect(reply).toMatchObject({ end: 'reset', frames: [] });
    expect(a.p2p.peerManager.score(evil.peerId)).toBe(0);
    expect(await bAsksA()).toBeLessThan(1000);
  });

  it('streams stalled mid-frame are cut at the request timeout and do not slow B down', async () => {
    const evil = await evilPeer();
    const stalled = Array.from({ length: 32 }, (_, i) =>
      evil.requestRaw(evil.ids.headers, [framePrefix(33, junk(5, 100 + i))], { closeWrite: false, timeoutMs: a.p2p.opts.requestTimeoutMs + 3_000 }));
    await waitUntil(() => a.p2p.libp2p.getConnections(peerIdFromString(evil.peerId)).some((c) => c.streams.filter((st) => st.protocol === evil.ids.headers).length === 32), 'the stalled streams to open', WAIT_MS);
    expect(await bAsksA()).toBeLessThan(1000);
    const started = Date.now();
    const replies = await Promise.all(stalled);
    // A gave up on each (no reply, stream reset), before the evil peer's own longer timeout.
    for (const reply of replies) expect(reply).toMatchObject({ end: 'reset', frames: [] });
    expect(Date.now() - started).toBeLessThan(a.p2p.opts.requestTimeoutMs + 1_000);
    // A timeout is not misbehaviour: slow links exist.
    expect(a.p2p.peerManager.score(evil.peerId)).toBe(0);
    expect(await bAsksA()).toBeLessThan(1000);
  });

  it('requests before the handshake are refused without a penalty', async () => {
    const evil = await evilPeer({ handshake: false });
    const reply = await evil.requestRaw(evil.ids.headers, [frame(encodeHashes([regtest.genesisHash]))]);
    expect(reply.end).toBe('reset');
    expect(a.p2p.peerManager.score(evil.peerId)).toBe(0);
  });
});

describe('adversarial peer: request flood', () => {
  it('A stays responsive to B while a flooder is rate limited and banned', async () => {
    const evil = await evilPeer();
    const { requestsPerSecond } = a.p2p.opts;
    let flooding = true;
    // A tip locator makes each reply tiny: the flood measures request handling, not bandwidth.
    // Eight in flight is as fast as this process can go; more would only queue streams in the
    // event loop that A and B share with the flooder.
    const flood = evil.floodRequests(500, { concurrency: 8, locator: [a.node.chain.tip.hashHex] }).finally(() => (flooding = false));
    // B keeps asking A (well within its own budget) while the flood runs; every answer must come within a second.
    const latencies: number[] = [];
    while (flooding) {
      latencies.push(await bAsksA());
      await new Promise((r) => setTimeout(r, 100));
    }
    const result = await flood;
    expect(latencies.length).toBeGreaterThan(0);
    expect(Math.max(...latencies)).toBeLessThan(1000);

    // The token bucket holds 2 s of requests and refills at requestsPerSecond: the rest were refused.
    expect(result.served).toBeLessThanOrEqual(requestsPerSecond * (2 + result.elapsedMs / 1000 + 0.5));
    expect(result.failed).toBeGreaterThan(0);
    // Each refused request costs 1, so the flood ends in a ban long before 500 requests.
    await waitUntil(() => a.p2p.peerManager.isBanned(evil.peerId), 'A to ban the flooder', WAIT_MS);
    expect(a.p2p.peerManager.listBans().find((x) => x.peer === evil.peerId)?.reason).toBe('request rate exceeded');
    expect(bannedOnDisk(a, evil.peerId)).toBe(true);
    await waitUntil(() => disconnected(evil), 'the flooder to be disconnected', WAIT_MS);
    expect(await bAsksA()).toBeLessThan(1000);
  });
});

describe('adversarial peer: another network', () => {
  it.each([
    ['another network name and genesis', { network: 'testnet', genesis: testnet.genesisHash }],
    ['the regtest name with another genesis', { network: 'regtest', genesis: testnet.genesisHash }],
  ])('a peer claiming %s is disconnected, not banned', async (_what, claim) => {
    const evil = await evilPeer({ handshake: false });
    const theirs = await evil.handshake(claim);
    expect(theirs.network).toBe('regtest');
    expect(theirs.genesis).toBe(regtest.genesisHash);
    await waitUntil(() => disconnected(evil), 'A to drop the peer of another network', WAIT_MS);
    expect(a.p2p.peerManager.isBanned(evil.peerId)).toBe(false);
    expect(a.p2p.peers().map((p) => p.id)).not.toContain(evil.peerId);
  });
});

describe('adversarial peer: the honest pair survives', () => {
  it('A and B are still up, connected and in step', async () => {
    await advance();
    expect(a.p2p.peers().map((p) => p.id)).toEqual([b.p2p.peerId]);
    // The honest peer was never charged for anything, flood or not.
    expect(a.p2p.peerManager.score(b.p2p.peerId)).toBe(0);
    expect(a.p2p.peerManager.isBanned(b.p2p.peerId)).toBe(false);
    expect(await stateOf(b)).toEqual(await stateOf(a));
  });
});
