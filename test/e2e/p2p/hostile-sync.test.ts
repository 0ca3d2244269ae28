/**
 * Misbehaving peers against sync, over real libp2p sockets: a mutated body
 * served for a valid header, header chains that lead nowhere, and requests
 * accepted and never answered. Topology B — A — evil, plus an honest node C
 * that A connects to when a scenario needs an honest source: C holds honest
 * blocks that A has not heard of (C is fed directly, never through A), so A
 * can only get them by syncing.
 *
 * What PROTOCOL.md §9.3-9.4 asks: a mutated block bans its sender (100) but
 * leaves its header valid; a stalled request costs nothing (slow is not
 * malicious) and the work goes to another peer; a header reply that is not a chain costs 20; a header whose
 * parent is unknown, a peer with less than it claims, or blocks a peer says it
 * lacks cost nothing. Throughout, A answers JSON-RPC within a second, keeps its
 * honest tip, stores no more headers than the attack had to prove work for,
 * and keeps syncing from honest peers.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Block } from '../../../src/primitives/block.js';
import { hashToHex } from '../../../src/primitives/bytes.js';
import { sha256d } from '../../../src/primitives/hashes.js';
import { catchRuleError, payTo, spend, withAlteredWitness } from '../../helpers/chain.js';
import { junk, type EvilPeer } from '../../helpers/evil-peer.js';
import { HonestPair, rpcText, WAIT_MS, waitFor } from '../../helpers/honest-pair.js';
import { hasPeer, isConnected, type TestNode } from '../../helpers/network.js';
import { recordTrial } from '../../helpers/reliability.js';
import { RPC_LATENCY_BOUND_MS } from '../../helpers/rpc-probe.js';

/** A's request timeout: short, so that stalled requests end quickly. */
const REQUEST_TIMEOUT_MS = 2_000;
/**
 * A's honest chain is this much longer than the invalid-block table's (103 blocks), so that an
 * old branch can end more than 144 blocks of work (the anti-DoS margin) below the tip.
 */
const EXTRA_BLOCKS = 80;

const pair = new HonestPair('tally-hostile-sync');
let c: TestNode;
/** Every hash an evil peer offered: none of them may ever reach B. */
const offered = new Set<string>();

beforeAll(async () => {
  await pair.start({ extraBlocks: EXTRA_BLOCKS, p2p: { requestTimeoutMs: REQUEST_TIMEOUT_MS } });
  c = await pair.net.start({ name: 'c' });
  for (const block of pair.chain.blocks.slice(1)) await c.node.submitBlock(block);
}, 180_000);
afterEach(async () => {
  await pair.stopEvils();
  if (isConnected(pair.a, c)) await disconnectC();
});
afterAll(() => pair.stop());

/** Extends the honest chain by `n` blocks on C only: A hears of them only once it connects to C. */
async function growOnC(n: number): Promise<Block[]> {
  const blocks: Block[] = [];
  for (let i = 0; i < n; i++) {
    const block = pair.chain.add(pair.chain.buildBlock());
    expect((await c.node.submitBlock(block)).status).toBe('connected');
    blocks.push(block);
  }
  return blocks;
}

/** `wait`, whose failure also says where A's sync stood and whether A still saw `evil` (a rare loaded-run failure left no trace). */
async function explained(wait: Promise<void>, evil: EvilPeer): Promise<void> {
  try {
    await wait;
  } catch (err) {
    const seen = pair.a.p2p.peers().find((p) => p.id === evil.peerId);
    const state = { sync: pair.a.p2p.syncStatus(), peerSeen: Boolean(seen), peerStatus: seen?.status, score: score(evil), tip: pair.a.node.chain.tip.height };
    throw new Error(`${(err as Error).message}; A: ${JSON.stringify(state, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
  }
}

async function connectC(): Promise<void> {
  await pair.a.p2p.connect(c.address);
  await waitFor(() => hasPeer(pair.a, c) && hasPeer(c, pair.a), 'A and C to handshake', WAIT_MS);
}

async function disconnectC(): Promise<void> {
  await pair.a.p2p.disconnectPeer(c.p2p.peerId);
  await waitFor(() => !isConnected(pair.a, c), 'A and C to disconnect', WAIT_MS);
}

async function waitForTip(n: TestNode, hash: string, what: string): Promise<void> {
  await waitFor(() => n.node.chain.tip.hashHex === hash, what, 2 * WAIT_MS);
}

/** A headers answer serving `branch` as a chain: the headers after the first locator hash in it, or all of them. */
function headersOf(branch: readonly Block[]): (locator: string[]) => Block['header'][] {
  return (locator) => {
    const known = locator.map((h) => branch.findIndex((b) => b.hash === h)).find((i) => i >= 0) ?? -1;
    return branch.slice(known + 1, known + 1 + 2000).map((b) => b.header);
  };
}

/** A blocks answer serving the requested blocks of `blocks` honestly. */
function blocksOf(blocks: readonly Block[]): (hashes: string[]) => Uint8Array[] {
  const byHash = new Map(blocks.map((b) => [b.hash, b]));
  return (hashes) => hashes.flatMap((h) => byHash.get(h)?.toBytes() ?? []);
}

function score(evil: EvilPeer): number {
  return pair.a.p2p.peerManager.score(evil.peerId);
}

/** A valid branch of `n` blocks from height `from` of the honest chain, only ever offered by evil peers. */
function branchFrom(from: number, n: number): Block[] {
  const fork = pair.chain.fork(from);
  fork.mine(n);
  const branch = fork.blocks.slice(from + 1);
  for (const block of branch) offered.add(block.hash);
  return branch;
}

function expectResponsive(rpc: { failures: number; maxMs: number }): void {
  expect(rpc.failures).toBe(0);
  expect(rpc.maxMs).toBeLessThan(RPC_LATENCY_BOUND_MS);
}

describe('a mutated block over sync', () => {
  it('the sender of a mutated body is banned, the header stays valid, and the real block comes from an honest peer', async () => {
    const { a, chain } = pair;
    const coin = chain.coinbaseCoins[5]!;
    const tx = spend([coin], [payTo(1, coin.output.value - 1000n)]);
    const valid = chain.buildBlock({ transactions: [tx] });
    const mutated = withAlteredWitness(valid);
    expect(mutated.hash).toBe(valid.hash);
    expect(catchRuleError(() => chain.validate(mutated)).code).toBe('bad-witness-merkle-match');
    // C has the real block; A and B do not.
    chain.add(valid);
    expect((await c.node.submitBlock(valid)).status).toBe('connected');
    const before = await pair.state(a);
    const headers = pair.headerCount();

    const { value: evil, rpc } = await pair.probed(async () => {
      const evil = await pair.evilPeer({
        serve: { headers: () => [valid.header], blocks: () => [mutated.toBytes()] },
        handshake: pair.claimAbove(valid.hash),
      });
      const ban = await pair.waitBanned(evil, 'the sender of the mutated body');
      expect(ban.reason).toBe('bad-witness-merkle-match');
      expect(await pair.state(a)).toEqual(before);
      expect(a.node.chain.getEntry(valid.hash)).toMatchObject({ failed: false, haveData: false });

      // Over the blocks protocol from C: A still wants the header's block, and C has it.
      const servedByC = c.p2p.totals().bytesOut;
      await connectC();
      await waitForTip(a, valid.hash, 'A to connect the real block from C');
      expect(c.p2p.totals().bytesOut).toBeGreaterThan(servedByC);
      return evil;
    });
    expect(evil.served.blocks).toEqual([[valid.hash]]);
    expect(pair.bannedOnDisk(evil.peerId)).toBe(true);
    expect(pair.headerCount()).toBe(headers + 1);
    expect((await pair.state(a)).mempool).toEqual(before.mempool);
    expectResponsive(rpc);
    recordTrial({
      area: 'Adversarial peers',
      attack: 'mutated copy of a valid block (witness altered, same header) served over sync before the real one',
      times: 1,
      outcome: `body rejected, sender banned (100), header kept valid, real block then downloaded from an honest peer, ${rpcText(rpc)}`,
    });
  });
});

describe('header chains that lead nowhere', () => {
  it('a peer claiming far more work than it has is asked, stores nothing, and does not stop sync from an honest peer', async () => {
    const { a } = pair;
    const honest = await growOnC(3);
    const headers = pair.headerCount();
    const fakeTip = hashToHex(sha256d(new TextEncoder().encode('a tip nobody has')));
    offered.add(fakeTip);

    const { value: liar, rpc } = await pair.probed(async () => {
      // It answers every headers request with no headers and every blocks request with no blocks.
      const liar = await pair.evilPeer({ serve: {}, handshake: pair.claimAbove(fakeTip, 1000) });
      await liar.waitForRequests('headers', 1, WAIT_MS);
      await connectC();
      await waitForTip(a, honest.at(-1)!.hash, 'A to sync the honest blocks from C');
      return liar;
    });
    expect(pair.headerCount()).toBe(headers + honest.length);
    expect(a.node.chain.getEntry(fakeTip)).toBeUndefined();
    expect(a.p2p.syncStatus()).toMatchObject({ syncing: false, inFlight: 0 });
    // Claiming more than it has is no rule break (statuses go stale); it is just not asked again at once.
    expect(score(liar)).toBe(0);
    expect(liar.served.headers.length).toBeLessThanOrEqual(3);
    expectResponsive(rpc);
    recordTrial({
      area: 'Adversarial peers',
      attack: 'peer announcing 1,000 blocks more work than it has (no headers, no blocks behind the claim)',
      times: 1,
      outcome: `nothing stored, not penalized (allowed by the protocol), honest blocks synced meanwhile, ${rpcText(rpc)}`,
    });
  });

  it('valid headers whose blocks are never served do not stop A from syncing a shorter honest chain, nor from following it once it is longer', async () => {
    const { a } = pair;
    const fake = branchFrom(pair.chain.height, 20);
    const headers = pair.headerCount();

    const { value: evil, rpc } = await pair.probed(async () => {
      // It says it lacks every block it announced (an empty blocks reply).
      const evil = await pair.evilPeer({ serve: { headers: headersOf(fake) }, handshake: pair.claimAbove(fake.at(-1)!.hash, fake.length) });
      await waitFor(() => a.node.chain.bestHeader.hashHex === fake.at(-1)!.hash, 'A to store the announced headers', WAIT_MS);
      await evil.waitForRequests('blocks', 1, WAIT_MS);

      // An honest chain with less work than the fake one, but more than A's tip.
      const honest = await growOnC(3);
      await connectC();
      await waitForTip(a, honest.at(-1)!.hash, 'A to sync the shorter honest chain past the fake headers');
      // Once the honest chain has more work than the fake headers, it is the best header too.
      const longer = await growOnC(fake.length);
      await waitForTip(a, longer.at(-1)!.hash, 'A to follow the honest chain past the fake one');
      return evil;
    });
    expect(a.node.chain.bestHeader.hashHex).toBe(a.node.chain.tip.hashHex);
    expect(pair.headerCount()).toBe(headers + 2 * fake.length + 3);
    for (const block of fake) expect(a.node.chain.getEntry(block.hash)?.haveData).toBe(false);
    expect(score(evil)).toBe(0);
    expectResponsive(rpc);
    recordTrial({
      area: 'Adversarial peers',
      attack: 'peer serving 20 valid-PoW headers with more work than the honest chain, never the blocks',
      times: 1,
      outcome: `headers kept (bounded by the work they prove), blocks never connected, honest chain synced meanwhile and followed once longer, ${rpcText(rpc)}`,
    });
  });

  it('a long low-work header chain branching from an old block is not stored', async () => {
    const { a } = pair;
    const old = branchFrom(10, 30);
    const behind = a.node.chain.height - (10 + old.length);
    expect(behind).toBeGreaterThan(144);
    const headers = pair.headerCount();
    const before = await pair.state(a);
    const claim = pair.claimAbove(old.at(-1)!.hash, 1000);

    const { value: evil, rpc } = await pair.probed(async () => {
      const evil = await pair.evilPeer({ serve: { headers: headersOf(old), blocks: blocksOf(old) }, handshake: claim });
      await evil.waitForRequests('headers', 1, WAIT_MS);
      // A asks again on the next status, and only once it is done with the first reply.
      await evil.handshake(claim);
      await evil.waitForRequests('headers', 2, WAIT_MS);
      return evil;
    });
    expect(evil.served.headers.length).toBeGreaterThanOrEqual(2);
    expect(pair.headerCount()).toBe(headers);
    expect(evil.served.blocks).toEqual([]);
    expect(await pair.state(a)).toEqual(before);
    expect(score(evil)).toBe(0);
    expectResponsive(rpc);
    recordTrial({
      area: 'Adversarial peers',
      attack: `peer serving ${old.length} valid-PoW headers branching from block 10, ending ${behind} blocks of work below the tip`,
      times: evil.served.headers.length,
      outcome: `not stored (below the anti-DoS work threshold), not penalized, chain unchanged, ${rpcText(rpc)}`,
    });
  });

  const brokenReplies = [
    {
      what: 'headers whose first parent is unknown',
      reply: () => branchFrom(pair.chain.height - 5, 5).slice(1).map((b) => b.header),
      penalty: 0,
      reason: undefined,
    },
    {
      what: 'a headers reply that is not a chain (a gap after the first header)',
      reply: () => [pair.chain.tip.header, branchFrom(pair.chain.height, 2)[1]!.header],
      penalty: 20,
      reason: 'non-continuous-headers',
    },
    {
      what: 'a headers reply announcing 2,001 headers',
      // CompactSize 2,001 (0xfd, then 0x07d1 little-endian) and two headers' worth of junk.
      reply: () => ({ raw: Uint8Array.from([0xfd, 0xd1, 0x07, ...junk(160, 8)]) }),
      penalty: 20,
      reason: 'malformed-message',
    },
  ] as const;

  it.each(brokenReplies)('$what: nothing stored, penalty $penalty', async ({ what, reply, penalty, reason }) => {
    const { a } = pair;
    const headers = pair.headerCount();
    const before = await pair.state(a);
    const answer = reply();
    const claim = pair.claimAbove(hashToHex(sha256d(new TextEncoder().encode(what))), 10);

    const { value: evil, rpc } = await pair.probed(async () => {
      const evil = await pair.evilPeer({ serve: { headers: () => answer }, handshake: claim });
      await evil.waitForRequests('headers', 1, WAIT_MS);
      if (penalty > 0) {
        // Each reply costs the penalty; A may ask again (a status refresh) before the test looks.
        await waitFor(() => score(evil) > 0 && score(evil) === penalty * evil.served.headers.length, `a penalty of ${penalty} per reply`, WAIT_MS);
      } else {
        await evil.handshake(claim);
        await evil.waitForRequests('headers', 2, WAIT_MS);
      }
      return evil;
    });
    if (penalty > 0) {
      expect(score(evil)).toBeGreaterThanOrEqual(penalty);
      expect(score(evil) % penalty).toBe(0);
    } else {
      expect(score(evil)).toBe(0);
    }
    expect(a.p2p.peerManager.isBanned(evil.peerId)).toBe(false);
    expect(pair.headerCount()).toBe(headers);
    expect(await pair.state(a)).toEqual(before);
    expectResponsive(rpc);
    recordTrial({
      area: 'Adversarial peers',
      attack: `peer serving ${what}`,
      times: 1,
      outcome: `nothing stored, ${penalty > 0 ? `sender penalized ${penalty} (${reason})` : 'not penalized (prev-blk-not-found, score 0)'}, ${rpcText(rpc)}`,
    });
  });
});

describe('peers that never answer', () => {
  it('a peer that accepts headers requests and never answers does not hold sync up, and is not penalized for the stall', async () => {
    const { a } = pair;
    const honest = await growOnC(3);
    const claim = pair.claimAbove(honest.at(-1)!.hash, honest.length);
    let scoreWhenSynced = -1;

    const { value: evil, rpc } = await pair.probed(async () => {
      // It also says it lacks every block, so that only its headers stall.
      const evil = await pair.evilPeer({ serve: { headers: () => 'stall' }, handshake: claim });
      await evil.waitForRequests('headers', 1, WAIT_MS);
      await connectC();
      await waitForTip(a, honest.at(-1)!.hash, 'A to sync from C while the staller holds its headers request');
      scoreWhenSynced = score(evil);
      await waitFor(() => pair.requestStreams(evil) === 0, 'the stalled headers request to time out and be reset', 3 * REQUEST_TIMEOUT_MS);
      return evil;
    });
    // A synced from C without waiting for the stalled request to time out.
    expect(scoreWhenSynced).toBe(0);
    expect(score(evil)).toBe(0);
    expect(evil.served.stalled).toBeGreaterThanOrEqual(1);
    // A reset the request it gave up on: nothing stays open for the staller to hold.
    await waitFor(() => pair.requestStreams(evil) === 0, 'A to let go of the stalled stream', WAIT_MS);
    expect(a.p2p.peerManager.isBanned(evil.peerId)).toBe(false);
    expect(a.p2p.syncStatus()).toMatchObject({ syncing: false, inFlight: 0 });
    expectResponsive(rpc);
    recordTrial({
      area: 'Adversarial peers',
      attack: 'peer accepting headers requests and never answering, while an honest peer has new blocks',
      times: evil.served.stalled,
      outcome: `honest blocks synced without waiting for it, request timed out after ${REQUEST_TIMEOUT_MS / 1000} s and was reset, staller not penalized (slow is not malicious), ${rpcText(rpc)}`,
    });
  });

  it('peers that accept block requests and never answer, or stop mid-reply, have their ranges reassigned to an honest peer', async () => {
    const { a } = pair;
    const honest = await growOnC(40);
    const claim = pair.claimAbove(honest.at(-1)!.hash, honest.length);
    const servedByC = c.p2p.totals().bytesOut;

    const { value: evils, rpc } = await pair.probed(async () => {
      // Both serve the honest headers; one never answers a blocks request, the other
      // announces every block asked for, sends the first, and stalls.
      const silent = await pair.evilPeer({ serve: { headers: headersOf(honest), blocks: () => 'stall' }, handshake: claim });
      const midway = await pair.evilPeer({
        serve: { headers: headersOf(honest), blocks: (hashes) => ({ count: hashes.length, blocks: blocksOf(honest)(hashes).slice(0, 1) }) },
        handshake: claim,
      });
      for (const evil of [silent, midway]) await explained(evil.waitForRequests('blocks', 1, WAIT_MS), evil);
      await connectC();
      await waitForTip(a, honest.at(-1)!.hash, 'A to get every block from C');
      const evils = [silent, midway];
      // Every stalled request ends in a timeout: A resets it, and charges nothing.
      await waitFor(() => evils.every((e) => pair.requestStreams(e) === 0), 'each stalled request to time out and be reset', 3 * REQUEST_TIMEOUT_MS);
      return evils;
    });
    for (const evil of evils) {
      expect(evil.served.stalled).toBeGreaterThanOrEqual(1);
      expect(score(evil)).toBe(0);
      expect(a.p2p.peerManager.isBanned(evil.peerId)).toBe(false);
      await waitFor(() => pair.requestStreams(evil) === 0, 'A to let go of the stalled streams', WAIT_MS);
    }
    expect(c.p2p.totals().bytesOut).toBeGreaterThan(servedByC);
    expect(a.p2p.syncStatus()).toMatchObject({ syncing: false, inFlight: 0 });
    expectResponsive(rpc);
    const stalls = evils.reduce((n, e) => n + e.served.stalled, 0);
    recordTrial({
      area: 'Adversarial peers',
      attack: 'two peers accepting block requests and never answering (one after announcing the blocks and sending the first)',
      times: stalls,
      outcome: `ranges timed out after ${REQUEST_TIMEOUT_MS / 1000} s and were downloaded from an honest peer, each stall reset without a penalty, ${rpcText(rpc)}`,
    });
  });
});

describe('after the attacks', () => {
  it('A and B are still up, connected and in step, and B never heard of anything an evil peer offered', async () => {
    const { a, b } = pair;
    await waitForTip(b, a.node.chain.tip.hashHex, 'B to catch up with A');
    expect(await pair.state(b)).toEqual(await pair.state(a));
    // Disconnections are events: the last evil peers may still be on their way out.
    await waitFor(() => a.p2p.peers().length === 1, 'A to have only B left as a peer');
    expect(a.p2p.peers().map((p) => p.id)).toEqual([b.p2p.peerId]);
    expect(a.p2p.peerManager.score(b.p2p.peerId)).toBe(0);
    for (const entry of b.node.chain.allEntries()) expect(offered.has(entry.hashHex)).toBe(false);
  });
});
