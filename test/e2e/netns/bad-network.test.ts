/**
 * Sync and gossip across a bad link: two `tally node` processes in two
 * network namespaces, the veth link between them shaped with `tc` in both
 * directions. With netem (when the kernel has it): delay, jitter and random
 * loss. Without it: tbf, a 256 kbit/s link with a queue of about 60 ms, which
 * delays and tail-drops packets once traffic bursts past it (and, in the
 * gossip phase, a bulk TCP flow keeps that queue full).
 *
 * Proves: a fresh node syncs a few hundred blocks across the link in bounded
 * time and ends with the same tip and UTXO set; a new block and a new
 * transaction still reach it by gossip while the link is congested. The
 * measured figures (sync time, blocks/s, gossip latencies, packets dropped by
 * the qdisc) go into the reliability report.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NetnsLab, netemSupport, netnsSupport, type QdiscStats } from '../../helpers/netns.js';
import type { NodeProcess } from '../../helpers/node-process.js';
import { recordNotRun, recordTrial } from '../../helpers/reliability.js';
import { addressOf, coinbaseAt, killAll, killChildren, NsNode, spend, startBulkFlow, waitForSameTip, waitUntil } from './cluster.js';

const BLOCKS = 300;
const KEY = { miner: 60, payee: 61 } as const;
const NETEM = ['netem', 'delay', '60ms', '20ms', 'loss', '2%', 'rate', '1mbit'];
const TBF = ['tbf', 'rate', '256kbit', 'burst', '3000', 'latency', '60ms'];
const ATTACK_NETEM = `sync of ${BLOCKS} blocks and gossip across a netem link (60 ms ± 20 ms delay, 2% random loss, 1 Mbit/s)`;
const ATTACK_TBF = `sync of ${BLOCKS} blocks and gossip across a tbf-shaped link (256 kbit/s, 60 ms tail-drop queue), gossip while a bulk flow saturates it`;

const support = netnsSupport();
const netem = support.ok ? netemSupport() : { ok: false, reason: support.reason };
if (!support.ok) {
  console.log(`[netns] skipping the bad-network test: ${support.reason}`);
  recordNotRun('Partitions', ATTACK_TBF, support.reason!);
}
if (!netem.ok) {
  if (support.ok) console.log(`[netns] netem is not available (${netem.reason}); shaping the link with tbf instead`);
  recordNotRun('Partitions', ATTACK_NETEM, netem.reason!);
}

const running: NodeProcess[] = [];
const children: ChildProcess[] = [];
let lab: NetnsLab | undefined;
let root: string | undefined;

afterAll(async () => {
  await Promise.all([killChildren(children), killAll(running)]);
  lab?.cleanup();
  if (root) rmSync(root, { recursive: true, force: true });
  if (lab) {
    const left = NetnsLab.leftovers(lab.id);
    if (left.length > 0) throw new Error(`namespace lab ${lab.id} left behind: ${left.join(', ')}`);
  }
});

function sum(stats: QdiscStats[], key: 'packets' | 'drops' | 'bytes'): number {
  return stats.reduce((n, s) => n + s[key], 0);
}

describe.skipIf(!support.ok)('a bad network between namespaces', () => {
  it(`a fresh node syncs ${BLOCKS} blocks across a shaped link, and gossip still reaches it under load`, async () => {
    lab = new NetnsLab([1, 1]);
    root = mkdtempSync(join(tmpdir(), 'tally-netns-badnet-'));
    const [source, target] = await Promise.all([
      NsNode.create(lab, lab.hosts[0]!, 'source', join(root, 'source')),
      NsNode.create(lab, lab.hosts[1]!, 'target', join(root, 'target')),
    ]);
    await source.start(running);
    await source.rpc('generatetoaddress', BLOCKS, addressOf(KEY.miner));
    const tip = await source.tip();

    lab.shapeLinks(netem.ok ? NETEM : TBF);
    const shaped = lab.linkStats();
    expect(shaped.map((s) => s.kind)).toEqual([netem.ok ? 'netem' : 'tbf', netem.ok ? 'netem' : 'tbf']);

    // Sync: the target starts empty, bootstraps to the source across the link, and fetches everything.
    await target.start(running, { bootstrap: [source.address] });
    const connected = await target.proc.waitFor((l) => l.msg === 'peer connected', 30_000);
    await waitForSameTip([source, target], `the target to sync ${BLOCKS} blocks across the shaped link`, 60_000, tip);
    const synced = await target.proc.waitFor((l) => l.msg === 'block connected' && l.height === BLOCKS, 5_000);
    const syncMs = Number(synced.time) - Number(connected.time);
    const [srcSet, dstSet] = await Promise.all([source, target].map((n) => n.rpc<{ hash_serialized_3: string }>('gettxoutsetinfo')));
    expect(dstSet!.hash_serialized_3).toBe(srcSet!.hash_serialized_3);
    const { totalbytesrecv } = await target.rpc<{ totalbytesrecv: number }>('getnettotals');
    const afterSync = lab.linkStats();
    expect(sum(afterSync, 'packets')).toBeGreaterThan(0);

    // Gossip, with the source's side of the link kept full by a bulk flow when tbf is all there is.
    const flow = netem.ok ? undefined : await startBulkFlow(lab, lab.hosts[0]!, lab.hosts[1]!, 29000, children);
    if (flow) await new Promise((r) => setTimeout(r, 1_000)); // let the flow fill the queue
    const [hash] = await source.rpc<string[]>('generatetoaddress', 1, addressOf(KEY.miner));
    const mined = await source.proc.waitFor((l) => l.msg === 'block connected' && l.hash === hash, 5_000);
    const arrived = await target.proc.waitFor((l) => l.msg === 'block connected' && l.hash === hash, 30_000);
    const blockMs = Number(arrived.time) - Number(mined.time);

    const tx = spend(await coinbaseAt(source, 1, KEY.miner), KEY.payee);
    const sentAt = Date.now();
    await source.rpc('sendrawtransaction', tx.toHex());
    await waitUntil(async () => (await target.mempool()).includes(tx.txid), 'the transaction to reach the target by gossip', 30_000);
    const txMs = Date.now() - sentAt;
    const flowBytes = flow ? await flow.stop() : 0;
    const afterGossip = lab.linkStats();
    // Still one peer each way: the link was bad, not broken.
    expect(await target.peers()).toEqual([source.peerId]);

    const syncDrops = sum(afterSync, 'drops');
    const gossipDrops = sum(afterGossip, 'drops') - syncDrops;
    if (!netem.ok) {
      // tbf's queue overflowed: packets were really lost, and TCP recovered them.
      expect(flowBytes).toBeGreaterThan(0);
      expect(gossipDrops).toBeGreaterThan(0);
    }
    const blocksPerSecond = BLOCKS / (syncMs / 1000);
    const figures = `synced ${BLOCKS} blocks (${Math.round(totalbytesrecv / 1024)} KiB) in ${(syncMs / 1000).toFixed(1)} s (${blocksPerSecond.toFixed(0)} blocks/s, ${syncDrops} packets dropped by the qdisc); `
      + `gossip${flow ? ` under a saturating flow (${Math.round(flowBytes / 1024)} KiB, ${gossipDrops} packets dropped)` : ''}: block ${blockMs} ms, tx ${txMs} ms`;
    console.log(`[netns] bad network (${netem.ok ? NETEM.join(' ') : TBF.join(' ')}): ${figures}`);
    recordTrial({ area: 'Partitions', attack: netem.ok ? ATTACK_NETEM : ATTACK_TBF, times: 1, outcome: `${figures}; same tip and UTXO set` });
  }, 120_000);
});
