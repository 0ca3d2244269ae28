/**
 * Crash safety during initial sync: a `tally node` process syncing a
 * 300-block chain with transactions from a source node over p2p (`--connect`)
 * is killed with SIGKILL at random moments while blocks arrive, restarted, and
 * killed again; when a sync completes, a fresh node starts over. After every
 * restart the node must open at or above the last block it reported; each
 * finished sync must reach the source's tip with the source's UTXO digest,
 * which must also be the one `--reindex` rebuilds from the stored blocks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { UtxoDigest } from '../../src/chain/chaindb.js';
import { NodeProcess } from '../helpers/node-process.js';
import { TestNetwork, type TestNode } from '../helpers/network.js';
import { chainState, expectStateEqualsReindex, seededRandom, seedDatadir, TxChain } from '../helpers/fault-chain.js';
import { recordTrial } from '../helpers/reliability.js';
import { tempDir } from '../helpers/tmp.js';

const SEED = 4_242;
const LANES = 2;
const KILLS_PER_LANE = 6;
const TXS_PER_BLOCK = 4;

const root = tempDir('tally-crash-sync');
const net = new TestNetwork(root);
const running: NodeProcess[] = [];
let source: TestNode;
let sourceDigest: UtxoDigest;

beforeAll(async () => {
  const chain = new TxChain();
  const blocks = [...chain.mine(110, 0), ...chain.mine(140, TXS_PER_BLOCK)];
  const datadir = join(root, 'source');
  mkdirSync(datadir);
  await seedDatadir(datadir, blocks);
  source = await net.start({ name: 'source', datadir });
  sourceDigest = await source.node.chain.utxoDigest();
}, 60_000);

afterAll(async () => {
  for (const p of running) await p.kill();
  await net.stopAll();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startSyncing(datadir: string): NodeProcess {
  const node = new NodeProcess(['--datadir', datadir, '--connect', source.address, '--listen', '/ip4/127.0.0.1/tcp/0', '--no-rpc']);
  running.push(node);
  return node;
}

/** What one lane of kills saw. */
interface LaneResult {
  kills: number;
  midSync: number;
  syncs: number;
}

/**
 * Kills syncing nodes `kills` times with its own seeded random delays: a restart after each
 * kill; a fresh datadir after each finished sync. Ends with a finished, checked sync.
 */
async function lane(index: number, kills: number): Promise<LaneResult> {
  const random = seededRandom(SEED + index);
  const target = source.node.chain.height;
  const result: LaneResult = { kills: 0, midSync: 0, syncs: 0 };
  let datadir = '';
  let durable = 0;
  const finishSync = async (node: NodeProcess, startHeight: number, last: boolean) => {
    if (startHeight < target) await node.waitFor((l) => l.msg === 'block connected' && l.height === target, 30_000);
    expect(await node.kill('SIGTERM')).toBe(0);
    // A reindex costs every signature again: the last sync is checked against one, the others against the source.
    const state = last ? await expectStateEqualsReindex(datadir) : await chainState(datadir);
    expect(state.tip).toBe(source.node.chain.tip.hashHex);
    expect(state.digest).toEqual(sourceDigest);
    result.syncs++;
    datadir = '';
  };
  while (result.kills < kills) {
    if (!datadir) {
      datadir = join(root, `lane${index}-sync${result.syncs}`);
      durable = 0;
    }
    const node = startSyncing(datadir);
    const started = await node.waitFor((l) => l.msg === 'node started', 20_000);
    expect(started.height).toBeGreaterThanOrEqual(durable);
    if (started.height === target) {
      await finishSync(node, target, false);
      continue;
    }
    // Kill somewhere in the stream of blocks: after the first one this process connects.
    await node.waitFor((l) => l.msg === 'block connected', 20_000);
    await sleep(random() * 400);
    await node.kill('SIGKILL');
    result.kills++;
    durable = Math.max(durable, node.lastConnectedHeight);
    if (durable < target) result.midSync++;
  }
  // The last killed node finishes its sync after one more restart.
  const node = startSyncing(datadir);
  const started = await node.waitFor((l) => l.msg === 'node started', 20_000);
  expect(started.height).toBeGreaterThanOrEqual(durable);
  await finishSync(node, started.height!, true);
  return result;
}

describe('kill -9 during initial sync', () => {
  it(`survives ${LANES * KILLS_PER_LANE} SIGKILLs while syncing and ends on the source's tip and digest`, async () => {
    // Two syncing nodes at once, each killed in turn: most of a cycle is waiting (start, handshake), not CPU.
    const lanes = await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i, KILLS_PER_LANE)));
    const kills = lanes.reduce((n, l) => n + l.kills, 0);
    const midSync = lanes.reduce((n, l) => n + l.midSync, 0);
    const syncs = lanes.reduce((n, l) => n + l.syncs, 0);
    expect(midSync).toBeGreaterThanOrEqual(kills / 2);
    console.log(`sync kills: ${kills}, mid-sync ${midSync}, completed syncs ${syncs}`);
    recordTrial({
      area: 'Faults',
      attack: `kill -9 while syncing a ${source.node.chain.height}-block chain (${TXS_PER_BLOCK} transactions a block) over p2p, two syncing nodes at once`,
      times: kills,
      outcome: `restarted every time at or above the last reported block; ${midSync} kills landed mid-sync; ${syncs} syncs reached the source's tip with its digest (the last of each node's also = reindex)`,
    });
  }, 150_000);
});
