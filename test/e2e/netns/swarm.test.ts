/**
 * The small version of the `swarm` benchmark (scripts/bench/swarm.ts): three
 * `tally node` sources in their own network namespaces, each source's egress
 * capped with tbf, serve a short chain of ~100 KB blocks to a fresh node.
 *
 * Proves: the sync completes (the fresh node's best block is the sources'
 * tip, checked over RPC), and every source served blocks: each source's
 * link carried at least a few large blocks' worth of bytes. The speed goals
 * belong to the benchmark, not to a timed test.
 *
 * Needs root and `ip`; elsewhere it is skipped with the reason printed and
 * logged as not run in the reliability report.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NetnsLab, netnsSupport } from '../../helpers/netns.js';
import type { NodeProcess } from '../../helpers/node-process.js';
import { recordNotRun, recordTrial } from '../../helpers/reliability.js';
import { buildSwarmChain, seedDatadir } from '../../helpers/swarm-chain.js';
import { capEgress, startSource, syncFresh } from '../../helpers/swarm-lab.js';
import { killAll, type NsNode } from './cluster.js';

const LARGE_BLOCKS = 60;
const BLOCK_BYTES = 100_000;
/** Each source's cap: slow enough that the sync lasts several seconds, so every source gets ranges. */
const CAP_BITS = 2_000_000;
/** Bytes each source must have sent at least: two large blocks (how the work is split is up to the scheduler). */
const SERVED_AT_LEAST = 2 * BLOCK_BYTES;
const ATTACK = `swarm sync: a fresh node fetches ${LARGE_BLOCKS} blocks of ${BLOCK_BYTES / 1000} KB from 3 sources in namespaces, each capped at ${CAP_BITS / 1e6} Mbit/s with tbf`;

const support = netnsSupport();
if (!support.ok) {
  console.log(`[netns] skipping the swarm sync test: ${support.reason}`);
  recordNotRun('Partitions', ATTACK, support.reason!);
}

const running: NodeProcess[] = [];
let lab: NetnsLab | undefined;
let root: string | undefined;

afterAll(async () => {
  await killAll(running);
  lab?.cleanup();
  if (root) rmSync(root, { recursive: true, force: true });
  if (lab) {
    const left = NetnsLab.leftovers(lab.id);
    if (left.length > 0) throw new Error(`namespace lab ${lab.id} left behind: ${left.join(', ')}`);
  }
});

describe.skipIf(!support.ok)('swarm sync across capped links', () => {
  it('a fresh node syncs from 3 capped sources, and every source serves blocks', async () => {
    const chain = buildSwarmChain(LARGE_BLOCKS, BLOCK_BYTES);
    root = mkdtempSync(join(tmpdir(), 'tally-netns-swarm-'));
    const seed = join(root, 'seed');
    await seedDatadir(chain, seed);
    lab = new NetnsLab([4]);
    const hosts = lab.hosts.slice(1);
    const sources: NsNode[] = await Promise.all(hosts.map((h, i) => startSource(lab!, h, `source${i}`, join(root!, `source${i}`), seed, running)));
    for (const s of sources) expect(await s.tip()).toBe(chain.tipHash);
    for (const h of hosts) capEgress(h, CAP_BITS);

    const run = await syncFresh('fresh', {
      lab, host: lab.hosts[0]!, datadir: join(root, 'fresh'), sources, tipHeight: chain.height, tipHash: chain.tipHash, timeoutMs: 40_000, running,
    });
    expect(run.completed, `the fresh node stopped at height ${run.height} of ${chain.height}; sync log: ${JSON.stringify(run.events)}`).toBe(true);
    const sent = run.sent.map((c) => c.bytes);
    for (const [i, bytes] of sent.entries()) expect(bytes, `source${i} sent ${bytes} bytes`).toBeGreaterThanOrEqual(SERVED_AT_LEAST);
    // Together the sources sent the chain at least once: nothing came from anywhere else.
    expect(sent.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(chain.bytes);

    const figures = `${(chain.bytes / 1e6).toFixed(1)} MB in ${(run.ms / 1000).toFixed(1)} s; sources sent ${sent.map((b) => (b / 1e6).toFixed(2)).join(' / ')} MB; `
      + `sync log: ${Object.entries(run.events).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ')}`;
    console.log(`[netns] swarm: ${figures}`);
    recordTrial({ area: 'Partitions', attack: ATTACK, times: 1, outcome: `${figures}; same tip, every source served blocks` });
  }, 60_000);
});
