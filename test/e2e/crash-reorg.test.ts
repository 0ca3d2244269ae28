/**
 * Crash safety during reorganizations: a `tally node` process is fed two
 * competing branches (30+ blocks each, with conflicting spends) by JSON-RPC
 * `submitblock`, in turns, so that every round switches branches with a reorg
 * 30 or more blocks deep (two such nodes at once). Each round it is killed with SIGKILL at a random moment
 * after the block that sets off the reorg, and again at a random moment while
 * its restart finishes a reorg the kill interrupted. After every restart the
 * node must open at or above the last tip it acknowledged and on one of the
 * two settled tips (the old one or the new one); at the end its UTXO set must
 * equal the one `--reindex` rebuilds and the one of a node that never crashed.
 *
 * A kill "landed mid-reorg" when the next start finds the stored tip strictly
 * between the two branch tips ('chain loaded' comes before the reorg is finished).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Block } from '../../src/primitives/block.js';
import { NodeProcess, type LogLine } from '../helpers/node-process.js';
import { chainState, expectStateEqualsReindex, rpcClient, seededRandom, seedDatadir, TxChain } from '../helpers/fault-chain.js';
import { recordTrial } from '../helpers/reliability.js';
import { tempDir } from '../helpers/tmp.js';

const SEED = 20_240_607;
const LANES = 2;
const ROUNDS_PER_LANE = 5;
const FIRST_DEPTH = 30;
const TXS_PER_BLOCK = 4;

const root = tempDir('tally-crash-reorg');
const running: NodeProcess[] = [];
afterAll(async () => {
  for (const p of running) await p.kill();
});

let base: Block[];
let branches: [Block[], Block[]];
let template: string;

beforeAll(async () => {
  const chain = new TxChain();
  base = chain.mine(110, 0);
  const x = chain.branch(1);
  const y = chain.branch(2);
  const length = FIRST_DEPTH + ROUNDS_PER_LANE + 4;
  branches = [x.mine(length, TXS_PER_BLOCK), y.mine(length, TXS_PER_BLOCK)];
  template = join(root, 'template');
  mkdirSync(template);
  await seedDatadir(template, [...base, ...branches[0].slice(0, FIRST_DEPTH)]);
}, 60_000);

function start(datadir: string): NodeProcess {
  const node = new NodeProcess(['--datadir', datadir, '--no-p2p', '--rpc-port', '0', '--log-level', 'info']);
  running.push(node);
  return node;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What one lane of rounds saw. */
interface LaneResult {
  kills: number;
  /** Kills after which the next start found the stored tip strictly between the two branches. */
  midByDisk: number;
  /** Kills that came after the process logged 'reorganizing' and before 'reorganized'. */
  midByLog: number;
}

/**
 * How long the first reorg takes here, uninterrupted: kill delays are drawn below it,
 * so that kills land inside reorgs on a fast machine as on a slow one.
 */
async function timeReorg(): Promise<number> {
  const datadir = join(root, 'calibration');
  cpSync(template, datadir, { recursive: true });
  const node = start(datadir);
  await node.waitFor((l) => l.msg === 'node started', 20_000);
  const rpc = rpcClient(await node.waitForOutput(/^RPC: /), datadir);
  for (const block of branches[1].slice(0, FIRST_DEPTH)) await rpc('submitblock', block.toHex());
  const started = Date.now();
  expect(await rpc('submitblock', branches[1][FIRST_DEPTH]!.toHex())).toBeNull();
  const ms = Date.now() - started;
  expect(await node.kill('SIGTERM')).toBe(0);
  return ms;
}

/** One node on its own copy of the template, switched between the branches `rounds` times. */
async function lane(index: number, rounds: number, reorgMs: number): Promise<LaneResult> {
  const random = seededRandom(SEED + index);
  const datadir = join(root, `lane${index}`);
  cpSync(template, datadir, { recursive: true });
  const length = [FIRST_DEPTH, 0];
  let winner = 0;
  let durable = base.length + FIRST_DEPTH;
  const result: LaneResult = { kills: 0, midByDisk: 0, midByLog: 0 };
  let node = start(datadir);
  for (let round = 0; round < rounds; round++) {
    const started = await node.waitFor((l) => l.msg === 'node started', 20_000);
    expect(started.height).toBeGreaterThanOrEqual(durable);
    durable = started.height!;
    const rpc = rpcClient(await node.waitForOutput(/^RPC: /), datadir);
    const loser = 1 - winner;
    const blocks = branches[loser];
    // Side blocks up to the winner's height, then the one that gives the loser more work.
    while (length[loser]! < length[winner]!) await rpc('submitblock', blocks[length[loser]!++]!.toHex());
    const trigger = blocks[length[loser]!]!;
    const oldTip = branches[winner][length[winner]! - 1]!.hash;
    const answer = rpc('submitblock', trigger.toHex()).catch(() => undefined);
    await sleep(random() * reorgMs);
    await node.kill('SIGKILL');
    await answer;
    result.kills++;
    if (interrupted(node)) result.midByLog++;
    length[loser]!++;
    // Restart; while the stored tip is between the branches, kill the restart finishing the reorg too.
    for (let attempt = 0; attempt < 3; attempt++) {
      node = start(datadir);
      const loaded = await node.waitFor((l) => l.msg === 'chain loaded', 20_000);
      const between = loaded.tip !== oldTip && loaded.tip !== trigger.hash;
      if (between) result.midByDisk++;
      if (!between || attempt === 2) break;
      await sleep(random() * reorgMs / 3);
      await node.kill('SIGKILL');
      result.kills++;
    }
    const settled = await node.waitFor((l) => l.msg === 'node started', 20_000);
    expect([oldTip, trigger.hash]).toContain(settled.tip);
    if (settled.tip === oldTip) length[loser]!--; // the kill came before the block was stored
    else winner = loser;
  }
  const final = await node.waitFor((l) => l.msg === 'node started', 20_000);
  expect(final.tip).toBe(branches[winner][length[winner]! - 1]!.hash);
  expect(await node.kill('SIGTERM')).toBe(0);

  const state = await expectStateEqualsReindex(datadir);
  const reference = join(root, `reference${index}`);
  mkdirSync(reference);
  await seedDatadir(reference, [...base, ...branches[winner].slice(0, length[winner])]);
  expect(state.digest).toEqual((await chainState(reference)).digest);
  expect(state.tip).toBe(final.tip);
  return result;
}

describe('kill -9 during reorganizations', () => {
  it(`survives SIGKILLs inside ${LANES * ROUNDS_PER_LANE} reorgs of ${FIRST_DEPTH}+ blocks and matches a reindex`, async () => {
    const reorgMs = await timeReorg();
    // Two nodes at once, each on its own datadir: much of a round is waiting for a process to start.
    const lanes = await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i, ROUNDS_PER_LANE, reorgMs)));
    const kills = lanes.reduce((n, l) => n + l.kills, 0);
    const midByDisk = lanes.reduce((n, l) => n + l.midByDisk, 0);
    const midByLog = lanes.reduce((n, l) => n + l.midByLog, 0);
    // Most kills must really land inside a reorg, or this test proves little.
    expect(midByDisk).toBeGreaterThanOrEqual(LANES * ROUNDS_PER_LANE / 2);
    console.log(`reorg kills: ${kills}, stored tip between branches after ${midByDisk}, killed between 'reorganizing' and 'reorganized' ${midByLog}; first reorg ${reorgMs} ms`);
    recordTrial({
      area: 'Faults',
      attack: `kill -9 during ${FIRST_DEPTH}-${FIRST_DEPTH + ROUNDS_PER_LANE}-block reorgs with ${TXS_PER_BLOCK} conflicting spends per block, and during the restart that finishes them`,
      times: kills,
      outcome: `restarted every time at or above the acknowledged tip; ${midByDisk} kills left the stored tip between the branches (${midByLog} killed between 'reorganizing' and 'reorganized'); digest = reindex = never-crashed node`,
    });
  }, 120_000);
});

/** The process logged the start of a reorg and was killed before its end. */
function interrupted(node: NodeProcess): boolean {
  const last = (msg: string) => node.lines.map((l: LogLine) => l.msg).lastIndexOf(msg);
  const start = last('reorganizing');
  return start >= 0 && last('reorganized') < start;
}
