/**
 * A chain database damaged by hand, the way disks, crashes of other software
 * and careless operators damage them: LevelDB's files (CURRENT or MANIFEST
 * deleted, a table truncated, garbage in the write-ahead log) and single
 * records (the tip's undo data deleted, a header record overwritten, a stored
 * block altered or deleted). `tally node` must never print a stack trace: it
 * exits 1 with one line saying the database is damaged and to start once with
 * `--reindex` (code db-corrupt), or, where the blocks themselves are gone so
 * that a reindex cannot help, saying so and what to do instead (code
 * db-blocks-lost). Where `--reindex` can help it must: the node starts, and the
 * chain is the one it was (same tip and UTXO digest) or, when LevelDB lost
 * records, a consistent shorter one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Level } from 'level';
import { keys } from '../../src/chain/layout.js';
import { hashFromHex } from '../../src/primitives/bytes.js';
import type { Block } from '../../src/primitives/block.js';
import { NodeProcess } from '../helpers/node-process.js';
import { chainState, seededRandom, seedDatadir, TxChain, type ChainState } from '../helpers/fault-chain.js';
import { recordTrial } from '../helpers/reliability.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('tally-damaged');
const running: NodeProcess[] = [];
afterAll(async () => {
  for (const p of running) await p.kill();
});

let blocks: Block[];
/** The chain written in one go: every record still in LevelDB's write-ahead log. */
let inLog: string;
/** The same after a reopen: LevelDB moved the log into a table file. */
let inTable: string;
let original: ChainState;
let count = 0;

beforeAll(async () => {
  const chain = new TxChain();
  blocks = [...chain.mine(110, 0), ...chain.mine(80, 3)];
  inLog = join(root, 'in-log');
  await seedDatadir(inLog, blocks);
  inTable = join(root, 'in-table');
  cpSync(inLog, inTable, { recursive: true });
  original = await chainState(inTable);
  expect(readdirSync(join(inTable, 'chain')).filter((f) => f.endsWith('.ldb'))).toHaveLength(1);
  expect(original.height).toBe(blocks.length);
}, 60_000);

/** A copy of `template` to damage. */
function copy(template: string): string {
  const dir = join(root, `case${count++}`);
  cpSync(template, dir, { recursive: true });
  return dir;
}

/** Runs `tally node` on `datadir`, which must exit by itself without starting (bounded); returns the code and its stderr. */
async function runToExit(datadir: string, extra: string[] = []): Promise<{ code: number | null; stderr: string[] }> {
  const node = new NodeProcess(['--datadir', datadir, '--no-p2p', '--no-rpc', ...extra]);
  running.push(node);
  const outcome = await Promise.race([
    node.exited.then((code) => ({ code })),
    node.waitFor((l) => l.msg === 'node started', 20_000).then(() => 'started' as const, () => 'timed out' as const),
  ]);
  if (typeof outcome === 'string') throw new Error(`the node ${outcome} on a damaged database instead of exiting; stderr: ${node.stderr.join('\n')}`);
  return { code: outcome.code, stderr: node.stderr };
}

/** Starts a node that must come up (with `extra` options), stops it cleanly, returns where it started. */
async function runToStart(datadir: string, extra: string[] = []): Promise<number> {
  const node = new NodeProcess(['--datadir', datadir, '--no-p2p', '--no-rpc', ...extra]);
  running.push(node);
  const started = await node.waitFor((l) => l.msg === 'node started', 20_000);
  expect(await node.kill('SIGTERM')).toBe(0);
  return started.height!;
}

/** Exit 1, one stderr line, the code, the database folder, no stack trace. */
function expectMessage(r: { code: number | null; stderr: string[] }, code: 'db-corrupt' | 'db-blocks-lost', datadir: string): string {
  expect(r.code).toBe(1);
  expect(r.stderr).toHaveLength(1);
  const line = r.stderr[0]!;
  expect(line).toMatch(new RegExp(`^error: .*\\(${code}\\)$`));
  expect(line).toContain(join(datadir, 'chain'));
  if (code === 'db-corrupt') expect(line).toContain('start the node once with --reindex');
  else expect(line).toMatch(/--reindex cannot restore stored blocks: move .* away and start the node to download the chain again/);
  return line;
}

/**
 * Refused, then repaired by --reindex to the original chain; with `thenPlain`, a
 * plain start accepts the repaired database (a repair marks it until a reindex finishes).
 */
async function expectReindexRestores(datadir: string, thenPlain = false): Promise<void> {
  expectMessage(await runToExit(datadir), 'db-corrupt', datadir);
  expect(await runToStart(datadir, ['--reindex'])).toBe(original.height);
  if (thenPlain) expect(await runToStart(datadir)).toBe(original.height);
  const state = await chainState(datadir);
  expect(state.tip).toBe(original.tip);
  expect(state.digest).toEqual(original.digest);
}

async function withDb(datadir: string, fn: (db: Level<Uint8Array, Uint8Array>) => Promise<void>): Promise<void> {
  const db = new Level<Uint8Array, Uint8Array>(join(datadir, 'chain'), { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  try {
    await fn(db);
  } finally {
    await db.close();
  }
}

const blockAt = (height: number) => hashFromHex(blocks[height - 1]!.hash);

const passed = { files: [] as string[], records: [] as string[] };

describe.concurrent('damaged LevelDB files', () => {
  it('CURRENT deleted: refused (LevelDB would silently start an empty database), --reindex repairs it whole', async () => {
    const dir = copy(inTable);
    rmSync(join(dir, 'chain', 'CURRENT'));
    await expectReindexRestores(dir, true);
    passed.files.push('CURRENT deleted');
  });

  it('MANIFEST deleted: refused, --reindex repairs it whole', async () => {
    const dir = copy(inTable);
    for (const f of readdirSync(join(dir, 'chain')).filter((n) => n.startsWith('MANIFEST-'))) rmSync(join(dir, 'chain', f));
    await expectReindexRestores(dir, true);
    passed.files.push('MANIFEST deleted');
  });

  it('garbage in the write-ahead log: refused on every start until a --reindex rebuilds a consistent chain', async () => {
    const dir = copy(inLog);
    const log = readdirSync(join(dir, 'chain')).find((f) => f.endsWith('.log'))!;
    const path = join(dir, 'chain', log);
    const bytes = readFileSync(path);
    const random = seededRandom(99);
    for (let i = 0; i < 2000; i++) bytes[Math.floor(bytes.length * 0.8) + i] = Math.floor(random() * 256);
    writeFileSync(path, bytes);
    const first = expectMessage(await runToExit(dir), 'db-corrupt', dir);
    expect(first).toContain('LevelDB dropped damaged records');
    // LevelDB has already forgotten the damage (the log became a table): the database remembers it.
    expectMessage(await runToExit(dir), 'db-corrupt', dir);
    const height = await runToStart(dir, ['--reindex']);
    expect(height).toBeLessThanOrEqual(original.height);
    expect(await runToStart(dir)).toBe(height);
    const state = await chainState(dir);
    const prefix = join(root, `prefix${count++}`);
    await seedDatadir(prefix, blocks.slice(0, height));
    expect(state.digest).toEqual((await chainState(prefix)).digest);
    passed.files.push(`2,000 bytes of garbage in the log (reindex rebuilt ${height} of ${original.height} blocks)`);
  });

  it('a truncated table file: refused, and --reindex says the blocks are lost and what to do', async () => {
    const dir = copy(inTable);
    const table = join(dir, 'chain', readdirSync(join(dir, 'chain')).find((f) => f.endsWith('.ldb'))!);
    truncateSync(table, Math.floor(statSync(table).size / 2));
    expectMessage(await runToExit(dir), 'db-corrupt', dir);
    expectMessage(await runToExit(dir, ['--reindex']), 'db-blocks-lost', dir);
    passed.files.push('the table file truncated (reindex: blocks lost)');
  });

  afterAll(() => {
    if (passed.files.length === 0) return;
    recordTrial({
      area: 'Faults',
      attack: `LevelDB files damaged by hand: ${passed.files.join('; ')}`,
      times: passed.files.length,
      outcome: 'exit 1 with one line: db-corrupt pointing to --reindex (refused again until reindexed), no stack trace; --reindex repaired the files and rebuilt the chain, or said the blocks are lost and to resync (db-blocks-lost)',
    });
  });
});

describe.concurrent('damaged records', () => {
  it("the tip's undo data deleted: refused, --reindex restores the chain", async () => {
    const dir = copy(inTable);
    await withDb(dir, (db) => db.del(keys.undo(blockAt(original.height))));
    await expectReindexRestores(dir);
    passed.records.push("the tip's undo data deleted");
  });

  it('a header record overwritten: refused, --reindex rebuilds it from its block', async () => {
    const dir = copy(inTable);
    await withDb(dir, (db) => db.put(keys.header(blockAt(150)), Uint8Array.of(1, 2, 3)));
    await expectReindexRestores(dir);
    passed.records.push('a header record overwritten');
  });

  it('a stored block altered: --reindex says it cannot restore blocks, and so does every later start', async () => {
    const dir = copy(inTable);
    await withDb(dir, async (db) => {
      const key = keys.block(blockAt(150));
      const bytes = (await db.get(key))!;
      bytes[bytes.length - 40]! ^= 0xff;
      await db.put(key, bytes);
    });
    const line = expectMessage(await runToExit(dir, ['--reindex']), 'db-blocks-lost', dir);
    expect(line).toContain(`block ${blocks[149]!.hash} at height 150 is damaged`);
    expectMessage(await runToExit(dir), 'db-blocks-lost', dir);
    passed.records.push('a stored block altered (blocks lost)');
  });

  it('a stored block deleted: --reindex says it cannot restore blocks', async () => {
    const dir = copy(inTable);
    await withDb(dir, (db) => db.del(keys.block(blockAt(120))));
    const line = expectMessage(await runToExit(dir, ['--reindex']), 'db-blocks-lost', dir);
    expect(line).toContain(`block ${blocks[119]!.hash} at height 120 is missing`);
    passed.records.push('a stored block deleted (blocks lost)');
  });

  afterAll(() => {
    if (passed.records.length === 0) return;
    recordTrial({
      area: 'Faults',
      attack: `chain records damaged by hand: ${passed.records.join('; ')}`,
      times: passed.records.length,
      outcome: 'exit 1 with one line, no stack trace: db-corrupt pointing to --reindex, which restored the same tip and digest; a damaged or missing block: db-blocks-lost saying reindex cannot restore blocks and to resync from peers',
    });
  });
});
