/**
 * Crash safety: `tally node` mining on regtest is killed with SIGKILL at random
 * moments and restarted each time. Every restart must open the database at a
 * tip at least as high as the last block it reported, keep mining, and the
 * final UTXO set must equal the one `--reindex` rebuilds from the stored blocks.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Chain } from '../../src/chain/chain.js';
import { regtest } from '../../src/consensus/params.js';
import { NodeProcess } from '../helpers/node-process.js';
import { tempDir } from '../helpers/tmp.js';

const KILLS = 20;
const running: NodeProcess[] = [];
afterAll(async () => {
  for (const p of running) await p.kill();
});

describe('crash safety of tally node', () => {
  it(`survives ${KILLS} SIGKILLs while mining and matches a reindex`, async () => {
    const datadir = tempDir('tally-crash');
    const args = ['--datadir', datadir, '--mine', '--block-interval', '0.01', '--miner-threads', '0'];
    let durable = 0;
    // A fixed seed keeps failures reproducible while still spreading kills over startup, mining and writes.
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
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

    const chain = new Chain({ path: join(datadir, 'chain'), params: regtest });
    await chain.open();
    const height = chain.height;
    const digest = await chain.utxoDigest();
    await chain.close();
    expect(height).toBeGreaterThanOrEqual(durable);
    expect(digest.txouts).toBe(height); // one coinbase output per block after genesis

    const rebuilt = new Chain({ path: join(datadir, 'chain'), params: regtest });
    await rebuilt.open({ reindex: true });
    expect(rebuilt.height).toBe(height);
    expect(await rebuilt.utxoDigest()).toEqual(digest);
    await rebuilt.close();

    // The restarted node keeps going after a reindex too.
    const node = new NodeProcess([...args, '--reindex']);
    running.push(node);
    await node.waitFor((l) => l.msg === 'block connected' && (l.height ?? 0) > height);
    await node.kill('SIGTERM');
  }, 120_000);
});
