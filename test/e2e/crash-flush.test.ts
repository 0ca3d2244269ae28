/**
 * Crash safety of the chain-state cache (`--dbcache`): a mining `tally node`
 * with a cache of 10 kB flushes every few blocks, and each flush is held open
 * for a moment by the test-only hook `TALLY_TEST_FLUSH_PAUSE_MS` (after the
 * cached writes are taken, before LevelDB has them; Core's feature_dbcrash
 * test uses `-dbcrashratio` the same way). The node is killed with SIGKILL
 * right after it announces a flush, or at a random moment, and restarted each
 * time. A kill "landed inside a flush" when the process logged 'flushing chain
 * state' and not the 'chain state flushed' that ends it. Every restart must
 * replay to at least the last block it reported, and the final UTXO set must
 * equal the one `--reindex` rebuilds.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { NodeProcess, type LogLine } from '../helpers/node-process.js';
import { expectStateEqualsReindex, seededRandom } from '../helpers/fault-chain.js';
import { recordTrial } from '../helpers/reliability.js';
import { tempDir } from '../helpers/tmp.js';

const KILLS = 12;
const SEED = 31_337;
const PAUSE_MS = 150;
// Test files run in their own processes (vitest pool: forks): the children inherit this, nothing else does.
process.env.TALLY_TEST_FLUSH_PAUSE_MS = String(PAUSE_MS);
const datadir = tempDir('tally-crash-flush');
const running: NodeProcess[] = [];
afterAll(async () => {
  for (const p of running) await p.kill();
});

/** The process announced a flush and was killed before it ended. */
function insideFlush(node: NodeProcess): boolean {
  const msgs = node.lines.map((l: LogLine) => l.msg);
  return msgs.lastIndexOf('flushing chain state') > msgs.lastIndexOf('chain state flushed');
}

describe('kill -9 inside chain-state flushes', () => {
  it(`survives ${KILLS} SIGKILLs while a 10 kB cache flushes every few blocks, and matches a reindex`, async () => {
    const args = ['--datadir', datadir, '--mine', '--block-interval', '0.01', '--miner-threads', '0', '--no-p2p', '--no-rpc', '--dbcache', '0.01', '--log-level', 'chain=debug,info'];
    const random = seededRandom(SEED);
    let durable = 0;
    let inside = 0;
    let replays = 0;
    for (let i = 0; i < KILLS; i++) {
      const node = new NodeProcess(args);
      running.push(node);
      const loaded = await node.waitFor((l) => l.msg === 'chain loaded', 20_000);
      expect(loaded.height).toBeGreaterThanOrEqual(durable);
      if (Number(loaded.replayed) > 0) replays++;
      const first = await node.waitFor((l) => l.msg === 'block connected', 20_000);
      if (i % 2 === 0) {
        // Right after a flush is announced: inside its pause, before LevelDB has its batch.
        await node.waitFor((l) => l.msg === 'flushing chain state' && (l.height ?? 0) > first.height!, 20_000);
        await new Promise((r) => setTimeout(r, random() * PAUSE_MS / 2));
      } else {
        await new Promise((r) => setTimeout(r, 50 + random() * 400));
      }
      await node.kill('SIGKILL');
      if (insideFlush(node)) inside++;
      durable = Math.max(durable, node.lastConnectedHeight);
    }
    // Every kill timed on a flush must have landed in one, and restarts must have had blocks to replay.
    expect(inside).toBeGreaterThanOrEqual(KILLS / 2);
    expect(replays).toBeGreaterThanOrEqual(KILLS / 2);

    const state = await expectStateEqualsReindex(datadir);
    expect(state.height).toBeGreaterThanOrEqual(durable);
    expect(state.digest.txouts).toBe(state.height); // one coinbase output per block after genesis
    console.log(`flush kills: ${KILLS}, inside a flush ${inside}, restarts that replayed blocks ${replays}, height ${state.height}`);
    recordTrial({
      area: 'Faults',
      attack: `kill -9 inside chain-state flushes (--dbcache 0.01, each flush held ${PAUSE_MS} ms by a test hook) of a mining node`,
      times: KILLS,
      outcome: `${inside} kills landed inside a flush; ${replays} restarts replayed the blocks since the last flush; restarted every time at or above the last reported block; digest = reindex`,
    });
  }, 120_000);
});
