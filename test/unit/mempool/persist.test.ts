import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Mempool } from '../../../src/mempool/mempool.js';
import { out, pay, setup, testLogger } from './helpers.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tally-mempool-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Mempool persistence', () => {
  it('round-trips transactions, entry times and fee deltas', async () => {
    const { mempool, coins, adapter, clock } = setup();
    const parent = pay([coins[0]!], 1000n);
    clock.now -= 60;
    await mempool.acceptTransaction(parent);
    clock.now += 60;
    const child = pay([out(parent)], 1000n);
    const other = pay([coins[1]!], 1000n);
    await mempool.acceptTransaction(child);
    await mempool.acceptTransaction(other);
    await mempool.prioritiseTransaction(other.txid, 500n);
    await mempool.prioritiseTransaction('ab'.repeat(32), -7n);
    const path = join(dir, 'mempool.dat');
    await mempool.save(path);

    const logger = testLogger();
    const restored = new Mempool({}, { chain: adapter, clock: () => clock.now, logger });
    expect(restored.info().loaded).toBe(false);
    expect(await restored.load(path)).toEqual({ accepted: 3, failed: 0, expired: 0 });
    expect(restored.txids().sort()).toEqual(mempool.txids().sort());
    expect(restored.get(parent.txid)!.time).toBe(mempool.get(parent.txid)!.time);
    expect(restored.get(other.txid)).toMatchObject({ fee: 1000n, modifiedFee: 1500n });
    expect(restored.feeDelta('ab'.repeat(32))).toBe(-7n);
    expect(restored.info().loaded).toBe(true);
    // No temporary file is left behind.
    await expect(readFile(`${path}.new`)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('skips transactions that are no longer valid or have expired', async () => {
    const { mempool, coins, chain, adapter, clock } = setup();
    const confirmed = pay([coins[0]!], 1000n);
    const old = pay([coins[1]!], 1000n);
    const kept = pay([coins[2]!], 1000n);
    await mempool.acceptTransaction(old);
    clock.now += 200 * 3600;
    await mempool.acceptTransaction(confirmed);
    await mempool.acceptTransaction(kept);
    const path = join(dir, 'mempool.dat');
    await mempool.save(path);
    chain.add(chain.buildBlock({ transactions: [confirmed] }));
    // Restarted 137 hours later: `old` has now been around for 337 hours.
    clock.now += 137 * 3600;
    const restored = new Mempool({}, { chain: adapter, clock: () => clock.now });
    expect(await restored.load(path)).toEqual({ accepted: 1, failed: 1, expired: 1 });
    expect(restored.txids()).toEqual([kept.txid]);
  });

  it('logs and ignores a corrupt or truncated file', async () => {
    const { adapter, clock } = setup();
    const path = join(dir, 'mempool.dat');
    for (const content of ['garbage\n', '{"format":"tally-mempool","version":1,"count":2}\n{"tx":"00","time":1}\n', '{"format":"other"}\n']) {
      await writeFile(path, content);
      const logger = testLogger();
      const pool = new Mempool({}, { chain: adapter, clock: () => clock.now, logger });
      expect(await pool.load(path)).toEqual({ accepted: 0, failed: 0, expired: 0 });
      expect(pool.size).toBe(0);
      expect(logger.lines.some((l) => l.level === 'warn' && l.msg.includes('corrupt-mempool-file'))).toBe(true);
    }
  });

  it('starts empty without a file', async () => {
    const { adapter } = setup();
    const pool = new Mempool({}, { chain: adapter });
    expect(await pool.load(join(dir, 'missing.dat'))).toEqual({ accepted: 0, failed: 0, expired: 0 });
    expect(pool.info().loaded).toBe(true);
  });
});
