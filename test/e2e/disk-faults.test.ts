/**
 * A full disk, for real: the datadir lives on a small tmpfs that the node
 * fills up. `tally node` must stop cleanly (one fatal log line and one stderr
 * line naming the datadir and saying to free space, code disk-full, exit 1, no
 * stack trace, no half-written files), refuse to start while the disk is still
 * full with the same message, and once space is freed (a filler file deleted,
 * or the tmpfs made bigger) start at or above the last block it reported,
 * carry on, and hold the UTXO set that `--reindex` rebuilds.
 *
 * Three ways to fill it: mining, syncing from a peer (the p2p download path,
 * which swallows errors of single blocks), and starting on a disk already full.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { NodeProcess } from '../helpers/node-process.js';
import { TestNetwork, type TestNode } from '../helpers/network.js';
import { chainState, expectStateEqualsReindex, seedDatadir, TxChain } from '../helpers/fault-chain.js';
import { recordNotRun, recordTrial } from '../helpers/reliability.js';
import { makeSmallDisk, type SmallDisk } from '../helpers/tmpfs.js';
import { tempDir } from '../helpers/tmp.js';

const MB = 1 << 20;
const KB = 1 << 10;
const probe = await makeSmallDisk('tally-disk-probe', MB);
const unavailable = 'reason' in probe ? probe.reason : undefined;
if (!('reason' in probe)) probe.cleanup();
if (unavailable) {
  console.warn(`disk-full tests skipped: ${unavailable}`);
  for (const attack of ['disk full while mining', 'disk full while syncing', 'start on a full disk']) recordNotRun('Faults', attack, unavailable);
}

const disks: SmallDisk[] = [];
const running: NodeProcess[] = [];
const root = tempDir('tally-disk');
const net = new TestNetwork(root);
afterAll(async () => {
  for (const p of running) await p.kill();
  await net.stopAll();
  for (const d of disks) d.cleanup();
});

async function smallDisk(label: string, bytes: number): Promise<SmallDisk> {
  const made = await makeSmallDisk(label, bytes);
  if ('reason' in made) throw new Error(made.reason);
  disks.push(made);
  return made;
}

function start(disk: SmallDisk, args: string[]): NodeProcess {
  const node = new NodeProcess(args, { prefix: disk.prefix });
  running.push(node);
  return node;
}

/** Waits for the process to exit on its own (bounded) and returns its code. */
async function exitCode(node: NodeProcess, ms = 30_000): Promise<number | null> {
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref());
  const code = await Promise.race([node.exited, timeout]);
  if (code === 'timeout') throw new Error(`node did not stop within ${ms} ms; last lines: ${node.lines.slice(-4).map((l) => l.msg).join(' | ')}`);
  return code;
}

/** The stop a full disk must cause: exit 1, one stderr line with the code, the datadir and what to do; a fatal log line. */
function expectDiskFullStop(node: NodeProcess, code: number | null, datadir: string): void {
  expect(code).toBe(1);
  expect(node.stderr).toHaveLength(1);
  expect(node.stderr[0]).toMatch(/^error: .*\(disk-full\)$/);
  expect(node.stderr[0]).toContain(datadir);
  expect(node.stderr[0]).toContain('free space');
  expect(node.stderr.join('\n')).not.toMatch(/\n\s+at /);
}

/** Files a crash or a failed write could have left half-written: key files must be whole, no temporary files. */
function expectNoHalfWrittenFiles(hostDatadir: string): void {
  const names = readdirSync(hostDatadir);
  expect(names.filter((n) => /\.(new|tmp)$/.test(n))).toEqual([]);
  if (names.includes('miner.key')) expect(readFileSync(join(hostDatadir, 'miner.key'), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
}

describe.skipIf(unavailable !== undefined)(`full disk (tmpfs)${unavailable ? ` — skipped: ${unavailable}` : ''}`, () => {
  let source: TestNode;
  beforeAll(async () => {
    const chain = new TxChain();
    const datadir = join(root, 'source');
    mkdirSync(datadir);
    await seedDatadir(datadir, [...chain.mine(110, 0), ...chain.mine(90, 4)]);
    source = await net.start({ name: 'source', datadir });
  }, 60_000);

  it.concurrent('mining until the disk is full: stops cleanly, refuses to start while full, resumes after a filler is deleted', async () => {
    const disk = await smallDisk('tally-disk-mine', 4 * MB);
    const datadir = join(disk.path, 'node');
    const hostDatadir = join(disk.hostPath, 'node');
    const filler = disk.fill(160 * KB);
    const args = ['--datadir', datadir, '--mine', '--block-interval', '0.01', '--miner-threads', '0', '--no-p2p', '--no-rpc'];
    const miner = start(disk, args);
    expectDiskFullStop(miner, await exitCode(miner), datadir);
    const fatal = miner.lines.find((l) => l.level === 60);
    expect(fatal).toMatchObject({ code: 'disk-full', datadir });
    expect(miner.lines.some((l) => l.msg === 'node stopped')).toBe(true);
    const durable = miner.lastConnectedHeight;
    expect(durable).toBeGreaterThan(20);
    expectNoHalfWrittenFiles(hostDatadir);

    // Still full: a clear refusal, not a half-open node.
    const refused = start(disk, args);
    expectDiskFullStop(refused, await exitCode(refused), datadir);

    rmSync(filler);
    const resumed = start(disk, args);
    const loaded = await resumed.waitFor((l) => l.msg === 'chain loaded');
    expect(loaded.height).toBeGreaterThanOrEqual(durable);
    await resumed.waitFor((l) => l.msg === 'block connected' && (l.height ?? 0) >= durable + 5);
    expect(await resumed.kill('SIGTERM')).toBe(0);
    const state = await expectStateEqualsReindex(hostDatadir);
    expect(state.height).toBeGreaterThanOrEqual(durable + 5);
    expect(state.digest.txouts).toBe(state.height);
    recordTrial({
      area: 'Faults',
      attack: 'disk full (tmpfs) while mining, then a restart while still full, then space freed',
      times: 1,
      outcome: `stopped with exit 1 and a disk-full message naming the datadir at height ${durable}; refused to start while full; resumed above it after freeing space; digest = reindex`,
    });
  }, 60_000);

  it.concurrent('syncing until the disk is full: stops cleanly, resumes after the tmpfs is made bigger, reaches the source', async () => {
    const disk = await smallDisk('tally-disk-sync', 2 * MB);
    const datadir = join(disk.path, 'node');
    const hostDatadir = join(disk.hostPath, 'node');
    disk.fill(150 * KB);
    const args = ['--datadir', datadir, '--connect', source.address, '--listen', '/ip4/127.0.0.1/tcp/0', '--no-rpc'];
    const syncing = start(disk, args);
    expectDiskFullStop(syncing, await exitCode(syncing), datadir);
    const durable = syncing.lastConnectedHeight;
    expect(durable).toBeGreaterThan(0);
    expect(durable).toBeLessThan(source.node.chain.height);
    expectNoHalfWrittenFiles(hostDatadir);

    disk.resize(16 * MB);
    const resumed = start(disk, args);
    expect((await resumed.waitFor((l) => l.msg === 'chain loaded')).height).toBeGreaterThanOrEqual(durable);
    await resumed.waitFor((l) => l.msg === 'block connected' && l.height === source.node.chain.height, 30_000);
    expect(await resumed.kill('SIGTERM')).toBe(0);
    const state = await expectStateEqualsReindex(hostDatadir);
    expect(state.tip).toBe(source.node.chain.tip.hashHex);
    expect(state.digest).toEqual(await source.node.chain.utxoDigest());
    recordTrial({
      area: 'Faults',
      attack: 'disk full (tmpfs) while syncing from a peer, then the tmpfs remounted bigger',
      times: 1,
      outcome: `stopped with exit 1 and a disk-full message at height ${durable}; after the remount synced to the source's tip with its digest = reindex`,
    });
  }, 60_000);

  it.concurrent('a fresh node on a disk with no space left: a disk-full message, nothing half-written', async () => {
    const disk = await smallDisk('tally-disk-fresh', MB);
    const datadir = join(disk.path, 'node');
    const hostDatadir = join(disk.hostPath, 'node');
    mkdirSync(hostDatadir);
    disk.fill(0);
    const node = start(disk, ['--datadir', datadir, '--mine', '--no-p2p', '--rpc-port', '0']);
    expectDiskFullStop(node, await exitCode(node), datadir);
    expectNoHalfWrittenFiles(hostDatadir);
    expect(existsSync(join(hostDatadir, 'miner.key'))).toBe(false);
    rmSync(join(disk.hostPath, 'filler'));
    const after = start(disk, ['--datadir', datadir, '--no-p2p', '--no-rpc']);
    await after.waitFor((l) => l.msg === 'node started');
    expect(await after.kill('SIGTERM')).toBe(0);
    expect((await chainState(hostDatadir)).height).toBe(0);
    recordTrial({
      area: 'Faults',
      attack: 'start on a disk with no space left (fresh datadir)',
      times: 1,
      outcome: 'exit 1 with a disk-full message naming the datadir, no partial key or database files; started once space was freed',
    });
  }, 60_000);
});
