/**
 * Real network partitions: four `tally node` processes in four network
 * namespaces, two per side of a veth link between two bridges. The link goes
 * down (the kernel drops the frames; nobody is told), each side mines its own
 * branch with its own transactions, then the link comes back up.
 *
 * Round 1, short cut: the TCP connections across it survive, stalled, and the
 * heal delivers what was queued. Side B mines more; side A also confirmed a
 * double spend of a coin B spent differently.
 * Round 2, long cut: the connections across it die (their sockets destroyed in
 * the kernel, as a timeout would), so after the heal the nodes must redial
 * and sync; side A mines more this time, and a transaction both sides had
 * confirmed stays confirmed.
 *
 * Each round proves: all four converge on the most-work branch with equal UTXO
 * sets; every transaction of the losing branch is in the winning chain or back
 * in the mempool (and the next block confirms it), except a losing double
 * spend, which is in no chain and no mempool; exactly one spend of the
 * double-spent coin is confirmed.
 *
 * Needs root and `ip`; elsewhere it is skipped with the reason printed and
 * logged as not run in the reliability report.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetnsLab, netnsSupport } from '../../helpers/netns.js';
import type { NodeProcess } from '../../helpers/node-process.js';
import { recordNotRun, recordTrial } from '../../helpers/reliability.js';
import type { Transaction } from '../../../src/primitives/tx.js';
import {
  addressOf, coinbaseAt, killAll, NsNode, outputOf, spend, waitForMempool, waitForSameTip, waitUntil, type Spendable,
} from './cluster.js';

const ATTACK_SHORT = 'partition of 2+2 nodes in network namespaces (veth link down, connections stall), 8 vs 12 blocks with a double spend, then heal';
const ATTACK_LONG = 'partition of 2+2 nodes in network namespaces (veth link down, connections across it die), 6 vs 3 blocks, then heal';
const support = netnsSupport();
if (!support.ok) {
  console.log(`[netns] skipping the namespace partition tests: ${support.reason}`);
  recordNotRun('Partitions', ATTACK_SHORT, support.reason!);
  recordNotRun('Partitions', ATTACK_LONG, support.reason!);
}

const PREMINE = 110;
/** Test key indexes: the premine's coinbases, each side's miner, and payees. */
const KEY = { premine: 20, minerA: 40, minerB: 50, payA1: 31, payA2: 32, dsA: 33, payB1: 34, dsB: 35, both: 36, payA3: 37, payB2: 38 } as const;

const running: NodeProcess[] = [];
let lab: NetnsLab | undefined;
let root: string | undefined;
let a1: NsNode, a2: NsNode, b1: NsNode, b2: NsNode;
let all: NsNode[], sideA: NsNode[], sideB: NsNode[];
/** Coinbases of the premine, spendable on both sides. */
let coins: Spendable[] = [];

async function send(node: NsNode, tx: Transaction): Promise<void> {
  expect(await node.rpc<string>('sendrawtransaction', tx.toHex())).toBe(tx.txid);
}

/** Mines `count` blocks on `node`, then waits until its whole group has them; returns their hashes. */
async function mine(node: NsNode, group: readonly NsNode[], count: number, key: number): Promise<string[]> {
  const hashes = await node.rpc<string[]>('generatetoaddress', count, addressOf(key));
  await waitForSameTip(group, `${group.map((n) => n.name).join(', ')} to reach ${node.name}'s tip`, 20_000, hashes[hashes.length - 1]);
  return hashes;
}

async function hasBlock(node: NsNode, hash: string): Promise<boolean> {
  try {
    await node.rpc('getblockheader', hash);
    return true;
  } catch {
    return false;
  }
}

/** Asserts the partition held: no node has seen the other side's tip. */
async function expectApart(tipA: string, tipB: string): Promise<void> {
  for (const n of sideA) expect(await hasBlock(n, tipB)).toBe(false);
  for (const n of sideB) expect(await hasBlock(n, tipA)).toBe(false);
}

/** Asserts all four share `tip`, at `height`, with one UTXO set, and that the losers hold `loserTip` off their best chain. */
async function expectConverged(tip: string, height: number, losers: readonly NsNode[], loserTip: string): Promise<void> {
  const sets = await Promise.all(all.map((n) => n.rpc<{ height: number; bestblock: string; hash_serialized_3: string }>('gettxoutsetinfo')));
  for (const s of sets) expect(s).toMatchObject({ height, bestblock: tip, hash_serialized_3: sets[0]!.hash_serialized_3 });
  for (const n of losers) expect(await n.rpc<{ confirmations: number }>('getblockheader', loserTip)).toMatchObject({ confirmations: -1 });
}

/** Mines one block on `node` and waits for all four to take it; returns the best chain's txids from `from` on. */
async function mineNextAndSettle(node: NsNode, key: number, from: number): Promise<Map<string, number>> {
  const [next] = await node.rpc<string[]>('generatetoaddress', 1, addressOf(key));
  await waitForSameTip(all, 'all four nodes to take the block confirming the returned transactions', 20_000, next);
  for (const n of all) expect(await n.mempool()).toEqual([]);
  return b2.chainTxids(from);
}

beforeAll(async () => {
  if (!support.ok) return;
  lab = new NetnsLab([2, 2]);
  root = mkdtempSync(join(tmpdir(), 'tally-netns-partition-'));
  [a1, a2, b1, b2] = await Promise.all(['a1', 'a2', 'b1', 'b2'].map((name, i) => NsNode.create(lab!, lab!.hosts[i]!, name, join(root!, name))));
  all = [a1, a2, b1, b2];
  sideA = [a1, a2];
  sideB = [b1, b2];
  // Inside each side, and across twice (a1-b1, a2-b2). Both ends of a cross edge list each other, so
  // whichever side lost the connection redials it (every 10 s) after the heal.
  const edges: [NsNode, NsNode][] = [[a2, a1], [b2, b1], [b1, a1], [a1, b1], [b2, a2], [a2, b2]];
  const bootstrap = (n: NsNode) => edges.filter(([from]) => from === n).map(([, to]) => to.address);
  await Promise.all(all.map((n) => n.start(running, { bootstrap: bootstrap(n) })));
  // The bootstrap dials at start can miss peers still starting; dial once more now that all listen.
  for (const [from, to] of edges) await from.rpc('addnode', to.address, 'onetry').catch(() => undefined);
  await waitUntil(async () => {
    const peers = await Promise.all(all.map((n) => n.peers()));
    return edges.every(([from, to]) => peers[all.indexOf(from)]!.includes(to.peerId)) || false;
  }, 'the four nodes to handshake along every edge', 30_000);
  // Common history: mature coinbases for both sides to spend.
  await mine(a1, all, PREMINE, KEY.premine);
  coins = await Promise.all([1, 2, 3, 4, 5, 6].map((h) => coinbaseAt(a1, h, KEY.premine)));
}, 60_000);

afterAll(async () => {
  await killAll(running);
  lab?.cleanup();
  if (root) rmSync(root, { recursive: true, force: true });
  if (lab) {
    const left = NetnsLab.leftovers(lab.id);
    if (left.length > 0) throw new Error(`namespace lab ${lab.id} left behind: ${left.join(', ')}`);
  }
});

describe.skipIf(!support.ok)('network partitions between namespaces', () => {
  it('round 1, short cut: the side with more work wins, the other side\'s txs return, the double spend settles once', async () => {
    const fork = await a1.height();
    const [cb1, cb2, cb3] = coins;
    lab!.partition();
    const cutAt = Date.now();

    // Side A: a parent and child, and its spend of cb3. Side B: another tx and a different spend of cb3.
    const txA1 = spend(cb1!, KEY.payA1);
    const txA2 = spend(outputOf(txA1, KEY.payA1), KEY.payA2);
    const dsA = spend(cb3!, KEY.dsA);
    const txB1 = spend(cb2!, KEY.payB1);
    const dsB = spend(cb3!, KEY.dsB);
    const [branchA, branchB] = await Promise.all([
      (async () => {
        await send(a2, txA1);
        await send(a2, txA2);
        await send(a1, dsA);
        await waitForMempool(sideA, [txA1.txid, txA2.txid, dsA.txid], 'side A to share its transactions', 20_000);
        return [...await mine(a1, sideA, 4, KEY.minerA), ...await mine(a2, sideA, 4, KEY.minerA)];
      })(),
      (async () => {
        await send(b1, txB1);
        await send(b1, dsB);
        await waitForMempool(sideB, [txB1.txid, dsB.txid], 'side B to share its transactions', 20_000);
        return [...await mine(b2, sideB, 6, KEY.minerB), ...await mine(b1, sideB, 6, KEY.minerB)];
      })(),
    ]);
    const tipA = branchA[branchA.length - 1]!;
    const tipB = branchB[branchB.length - 1]!;
    await expectApart(tipA, tipB);
    const losing = await a1.chainTxids(fork + 1);
    expect([...losing.keys()].sort()).toEqual([txA1.txid, txA2.txid, dsA.txid].sort());
    const apartMs = Date.now() - cutAt;

    lab!.heal();
    const healedAt = Date.now();
    await waitForSameTip(all, 'all four nodes to converge on side B\'s branch', 45_000, tipB);
    const convergeMs = Date.now() - healedAt;
    await expectConverged(tipB, fork + 12, sideA, tipA);
    expect([...(await b1.chainTxids(fork + 1)).keys()].sort()).toEqual([txB1.txid, dsB.txid].sort());

    // The losing branch's other txs, parent and child, are back in the mempool of the nodes that had confirmed them.
    await waitForMempool(sideA, [txA1.txid, txA2.txid], 'side A to return its losing-branch transactions to the mempool', 10_000);
    // The losing double spend is in no chain and no mempool, and no node would take it back.
    const cb3Txid = Buffer.from(cb3!.txid).reverse().toString('hex');
    for (const n of all) {
      expect(await n.mempool()).not.toContain(dsA.txid);
      const [verdict] = await n.rpc<{ allowed: boolean; 'reject-reason'?: string }[]>('testmempoolaccept', [dsA.toHex()]);
      expect(verdict).toMatchObject({ allowed: false, 'reject-reason': 'missing-inputs' });
      expect(await n.rpc('gettxout', cb3Txid, 0)).toBeNull();
      expect(await n.rpc('gettxout', dsA.txid, 0)).toBeNull();
      expect(await n.rpc('gettxout', dsB.txid, 0)).not.toBeNull();
    }

    // The next block (mined on side A, which holds them) confirms the returned txs everywhere.
    const final = await mineNextAndSettle(a1, KEY.minerA, fork + 1);
    expect(final.get(txA1.txid)).toBe(fork + 13);
    expect(final.get(txA2.txid)).toBe(fork + 13);
    expect(final.has(dsA.txid)).toBe(false);
    // Exactly one spend of cb3 is confirmed: B's.
    const spendsOfCb3: string[] = [];
    for (let h = fork + 1; h <= fork + 13; h++) {
      for (const tx of (await b2.blockAt(h)).transactions) {
        if (tx.inputs.some((i) => Buffer.compare(i.prevout.txid, cb3!.txid) === 0 && i.prevout.vout === cb3!.vout)) spendsOfCb3.push(tx.txid);
      }
    }
    expect(spendsOfCb3).toEqual([dsB.txid]);

    console.log(`[netns] round 1: ${apartMs} ms apart (8 vs 12 blocks), converged ${convergeMs} ms after the heal`);
    recordTrial({
      area: 'Partitions',
      attack: ATTACK_SHORT,
      times: 1,
      outcome: `all 4 converged on the 12-block branch ${(convergeMs / 1000).toFixed(1)} s after the heal, equal UTXO sets; `
        + 'the losing branch\'s 2 other txs back in the mempool, then in the next block; double spend: exactly one confirmed, the other in no chain or mempool',
    });
  }, 90_000);

  it('round 2, long cut: connections die, the nodes redial after the heal, and this time side A wins', async () => {
    const fork = await a1.height();
    const [, , , cb4, cb5, cb6] = coins;
    // A tx every node holds before the cut: both branches confirm it.
    const txBoth = spend(cb4!, KEY.both);
    await send(b2, txBoth);
    await waitForMempool(all, [txBoth.txid], 'every node to hold the shared transaction', 20_000);

    lab!.partition();
    const cutAt = Date.now();
    // The connections across the cut die, as they would once a timeout fired on a longer outage.
    let killed = 0;
    for (const n of all) killed += lab!.killConnections(n.host, (sideA.includes(n) ? sideB : sideA).map((m) => m.host));
    let how = `${killed} sockets destroyed with ss -K`;
    if (killed === 0) {
      // No SOCK_DESTROY in this kernel: drop them from the nodes' side instead.
      how = 'disconnectnode (this kernel has no SOCK_DESTROY)';
      for (const [x, y] of [[a1, b1], [b1, a1], [a2, b2], [b2, a2]] as const) await x.rpc('disconnectnode', '', y.peerId).catch(() => undefined);
    }
    const partner = new Map([[a1, a2], [a2, a1], [b1, b2], [b2, b1]]);
    await waitUntil(async () => {
      const peers = await Promise.all(all.map((n) => n.peers()));
      return all.every((n, i) => peers[i]!.length === 1 && peers[i]![0] === partner.get(n)!.peerId) || false;
    }, 'every node to be left with only its own side\'s peer', 20_000);

    const txA3 = spend(cb5!, KEY.payA3);
    const txB2 = spend(cb6!, KEY.payB2);
    const [branchA, branchB] = await Promise.all([
      (async () => {
        await send(a1, txA3);
        await waitForMempool(sideA, [txA3.txid], 'side A to share its transaction', 20_000);
        return [...await mine(a2, sideA, 3, KEY.minerA), ...await mine(a1, sideA, 3, KEY.minerA)];
      })(),
      (async () => {
        await send(b2, txB2);
        await waitForMempool(sideB, [txB2.txid], 'side B to share its transaction', 20_000);
        return mine(b1, sideB, 3, KEY.minerB);
      })(),
    ]);
    const tipA = branchA[branchA.length - 1]!;
    const tipB = branchB[branchB.length - 1]!;
    await expectApart(tipA, tipB);
    const losing = await b1.chainTxids(fork + 1);
    expect([...losing.keys()].sort()).toEqual([txBoth.txid, txB2.txid].sort());
    expect([...(await a1.chainTxids(fork + 1)).keys()].sort()).toEqual([txBoth.txid, txA3.txid].sort());
    const apartMs = Date.now() - cutAt;

    lab!.heal();
    const healedAt = Date.now();
    await waitForSameTip(all, 'all four nodes to redial and converge on side A\'s branch', 45_000, tipA);
    const convergeMs = Date.now() - healedAt;
    await expectConverged(tipA, fork + 6, sideB, tipB);
    // Of the losing branch: txBoth is on the winning chain too (and in no mempool); txB2 is back in side B's mempools.
    const winning = await a2.chainTxids(fork + 1);
    expect(winning.has(txBoth.txid)).toBe(true);
    await waitForMempool(sideB, [txB2.txid], 'side B to return its losing-branch transaction to the mempool', 10_000);
    for (const n of all) expect(await n.mempool()).not.toContain(txBoth.txid);

    const final = await mineNextAndSettle(b1, KEY.minerB, fork + 1);
    expect(final.get(txB2.txid)).toBe(fork + 7);
    for (const txid of losing.keys()) expect(final.has(txid)).toBe(true);

    console.log(`[netns] round 2: ${apartMs} ms apart (6 vs 3 blocks, ${how}), reconnected and converged ${convergeMs} ms after the heal`);
    recordTrial({
      area: 'Partitions',
      attack: ATTACK_LONG,
      times: 1,
      outcome: `connections cut (${how}); after the heal the nodes redialed and all 4 converged on the 6-block branch in ${(convergeMs / 1000).toFixed(1)} s, `
        + 'equal UTXO sets; the tx both branches confirmed stayed confirmed, the losing side\'s other tx went back to the mempool and into the next block',
    });
  }, 90_000);
});
