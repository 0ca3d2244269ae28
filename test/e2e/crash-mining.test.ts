/**
 * Crash safety while mining: `tally node` mining on regtest is killed with
 * SIGKILL at random moments and restarted each time. Every restart must open
 * the database at a tip at least as high as the last block it reported, keep
 * mining, and the final UTXO set must equal the one `--reindex` rebuilds from
 * the stored blocks.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { NodeProcess } from '../helpers/node-process.js';
import { chainState, expectStateEqualsReindex, seededRandom } from '../helpers/fault-chain.js';
import { recordTrial } from '../helpers/reliability.js';
import { tempDir } from '../helpers/tmp.js';

const KILLS = 16;
const SEED = 12_345;
// Made at the top level: tempDir's cleanup hook is not run when registered inside a test.
const datadir = tempDir('tally-crash-mining');
const running: NodeProcess[] = [];
afterAll(async () => {
  for (const p of running) await p.kill();
});

describe('crash safety of tally node', () => {
  it(`survives ${KILLS} SIGKILLs while mining and matches a reindex`, async () => {
    const args = ['--datadir', datadir, '--mine', '--block-interval', '0.01', '--miner-threads', '0', '--no-p2p', '--no-rpc'];
    let durable = 0;
    // A fixed seed keeps failures reproducible while still spreading kills over startup, mining and writes.
    const random = seededRandom(SEED);
    for (let i = 0; i < KILLS; i++) {
      const node = new NodeProcess(args);
      running.push(node);
      const loaded = await node.waitFor((l) => l.msg === 'chain loaded');
      expect(loaded.height).toBeGreaterThanOrEqual(durable);
      await node.waitFor((l) => l.msg === 'block connected');
      await new Promise((r) => setTimeout(r, 50 + random() * 400));
      await node.kill('SIGKILL');
      durable = Math.max(durable, node.lastConnectedHeight);
    }
    expect(durable).toBeGreaterThan(KILLS);

    const state = await expectStateEqualsReindex(datadir);
    expect(state.height).toBeGreaterThanOrEqual(durable);
    expect(state.digest.txouts).toBe(state.height); // one coinbase output per block after genesis

    // The restarted node keeps going after a reindex too.
    const node = new NodeProcess([...args, '--reindex']);
    running.push(node);
    await node.waitFor((l) => l.msg === 'block connected' && (l.height ?? 0) > state.height);
    expect(await node.kill('SIGTERM')).toBe(0);
    expect((await chainState(datadir)).height).toBeGreaterThan(state.height);
    recordTrial({
      area: 'Faults',
      attack: 'kill -9 of a mining node (a block every 10 ms) at random moments',
      times: KILLS,
      outcome: `restarted every time at or above the last reported block (height ${durable} reached); digest = reindex`,
    });
  }, 120_000);
});
