/** `tally node` as a user runs it: config file, bad input, clean shutdown. */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, NodeProcess } from '../helpers/node-process.js';
import { tempDir } from '../helpers/tmp.js';
import { encodeAddress } from '../../src/primitives/address.js';

const root = tempDir('tally-cli');
let n = 0;
const datadir = () => join(root, `d${n++}`);
const running: NodeProcess[] = [];
afterAll(async () => {
  for (const p of running) await p.kill();
});

function runFailing(...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'node', ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stderr: r.stderr };
}

function expectCleanError(r: { status: number | null; stderr: string }, text: string): void {
  expect(r.status).not.toBe(0);
  expect(r.status).not.toBeNull();
  expect(r.stderr).toContain(text);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('tally node input errors', () => {
  it('reports a corrupt config file', () => {
    const dir = datadir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'tally.conf'), 'mine=1\nthis line is not an option\n');
    expectCleanError(runFailing('--datadir', dir), 'tally.conf:2');
  });

  it('reports an unknown option in the config file and a bad value', () => {
    const dir = datadir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'tally.conf'), 'frobnicate=1\n');
    expectCleanError(runFailing('--datadir', dir), 'unknown option "frobnicate"');
    expectCleanError(runFailing('--datadir', datadir(), '--block-interval', 'soon'), 'block-interval');
  });

  it('reports an invalid network and a miner address of another network', () => {
    expectCleanError(runFailing('--network', 'mainnet'), 'mainnet');
    const testnetAddress = encodeAddress('tlt', new Uint8Array(32).fill(1));
    expectCleanError(runFailing('--datadir', datadir(), '--mine', '--miner-address', testnetAddress), 'miner-address');
  });
});

describe('tally node running', () => {
  it('reads the config file, mines, and shuts down cleanly on SIGTERM saving its mempool', async () => {
    const dir = datadir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'tally.conf'), '# paced demo mining\nmine=1\nblock-interval=0.01\nminer-threads=0\n');
    const node = new NodeProcess(['--datadir', dir]);
    running.push(node);
    await node.waitFor((l) => l.msg === 'block connected' && (l.height ?? 0) >= 3);
    expect(existsSync(join(dir, 'miner.key'))).toBe(true);
    expect(await node.kill('SIGTERM')).toBe(0);
    expect(node.lines.some((l) => l.msg === 'node stopped')).toBe(true);
    expect(existsSync(join(dir, 'mempool.dat'))).toBe(true);
  });
});
