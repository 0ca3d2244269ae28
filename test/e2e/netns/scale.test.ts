/**
 * The small version of `npm run scale` (scripts/scale.ts), on the same code:
 * 12 `tally node` processes, each in its own network namespace on one
 * bridge, every link capped at 20 Mbit/s with tbf, all given one bootstrap
 * address.
 *
 * Proves: discovery alone (DHT, no address but node 0's) gives every node
 * 8 peers in a connected graph; a block of gossiped transactions reaches
 * every node through compact relay; after a kill -9 of 4 nodes the
 * survivors stay connected and keep getting blocks, and the killed nodes,
 * restarted without any bootstrap address, rejoin and catch up.
 *
 * Needs root and `ip`; elsewhere it is skipped with the reason printed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NetnsLab, netnsSupport } from '../../helpers/netns.js';
import { recordNotRun, recordTrial } from '../../helpers/reliability.js';
import { buildScaleSeed, coinsNeeded } from '../../helpers/scale-chain.js';
import { ScaleNet } from '../../helpers/scale-net.js';
import { churn, discover, relayBlocks, warmUp, type ScaleRunOptions } from '../../helpers/scale-run.js';

const NODES = 12;
const KILLED = 4;
const RUN: ScaleRunOptions = { minPeers: 8, meshMs: 90_000, blockBytes: 200_000, blockMs: 60_000, miners: 2 };
const ATTACK = `scale: ${NODES} nodes in namespaces (20 Mbit/s tbf links) find each other from one bootstrap address, relay compact blocks, survive a kill -9 of ${KILLED}`;

const support = netnsSupport();
if (!support.ok) {
  console.log(`[netns] skipping the scale test: ${support.reason}`);
  recordNotRun('Partitions', ATTACK, support.reason!);
}

let net: ScaleNet | undefined;
let root: string | undefined;

afterAll(async () => {
  await net?.close();
  if (root) rmSync(root, { recursive: true, force: true });
  if (net) {
    const left = NetnsLab.leftovers(net.lab.id);
    if (left.length > 0) throw new Error(`namespace lab ${net.lab.id} left behind: ${left.join(', ')}`);
  }
});

describe.skipIf(!support.ok)('a 12-node network in namespaces', () => {
  it('discovers from one bootstrap address, relays compact blocks to every node, and recovers from a kill of 4', async () => {
    root = mkdtempSync(join(tmpdir(), 'tally-netns-scale-'));
    const seed = await buildScaleSeed(join(root, 'seed'), coinsNeeded(3, RUN.blockBytes));
    const log = (line: string) => console.log(`[netns] scale: ${line}`);
    net = await ScaleNet.create({ nodes: NODES, rateBits: 20_000_000, root: join(root, 'nodes'), seedDir: seed.dir, wave: NODES, args: ['--verify-threads', '1'], log });

    const found = await discover(net, 'compact', RUN);
    expect(found.graphConnected, `peer counts ${found.degrees.join(',')}`).toBe(true);
    expect(found.minPeers, `peer counts ${found.degrees.join(',')}`).toBeGreaterThanOrEqual(RUN.minPeers);

    await warmUp(net, net.nodes, RUN);
    const [trip] = await relayBlocks(net, seed.coins, 1, RUN, log);
    expect(trip!.delays.every((d) => d !== null), `delays ${trip!.delays.join(',')}`).toBe(true);

    const after = await churn(net, seed.coins, KILLED / NODES, 1, RUN, log);
    expect(after.killed).toBe(KILLED);
    expect(after.survivorsConnected).toBe(true);
    expect(after.trips[0]!.delays.every((d) => d !== null), `delays ${after.trips[0]!.delays.join(',')}`).toBe(true);
    expect(after.rejoinedAfterMs, `restarted nodes' peers: ${after.rejoinedDegrees.join(',')}`).not.toBeNull();

    const figures = `mesh after ${found.connectedAfterMs} ms (min ${found.minPeers} peers); block to all in ${trip!.t100} ms; `
      + `after the kill, to all survivors in ${after.trips[0]!.t100} ms; rejoined after ${after.rejoinedAfterMs} ms`;
    log(figures);
    recordTrial({ area: 'Partitions', attack: ATTACK, times: 1, outcome: figures });
  }, 300_000);
});
