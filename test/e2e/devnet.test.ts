/**
 * `scripts/devnet.ts` end to end: it starts three `tally node` processes from
 * dist/ (built by `npm test` before vitest runs), they connect and mine, and
 * one SIGINT stops every node cleanly and ends the devnet with status 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NODES = 3;

/** A row of the devnet's node table: `node0  12345  miner  /ip4/...  /tmp/.../node0  ...`. */
const TABLE_ROW = /^(node\d+)\s+(\d+)\s+(miner|relay)\s+(\/ip4\/\S+)\s+(\S+)/;
/** An event line: `12:00:01.234 node1  block   #7 3fa9c1d2e4b5 1 tx`. */
const BLOCK_LINE = /^\S+ (node\d+)\s+block\s+#(\d+) /;

interface Row {
  pid: number;
  datadir: string;
}

class DevnetProcess {
  readonly child: ChildProcess;
  readonly rows = new Map<string, Row>();
  /** Highest height each node reported connecting. */
  readonly heights = new Map<string, number>();
  readonly output: string[] = [];
  ready = false;
  readonly exited: Promise<{ code: number | null; at: number }>;

  constructor(args: string[]) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'scripts/devnet.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve({ code, at: Date.now() })));
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.onLine(line));
    createInterface({ input: this.child.stderr! }).on('line', (line) => this.output.push(`stderr: ${line}`));
  }

  private onLine(line: string): void {
    this.output.push(line);
    const row = TABLE_ROW.exec(line);
    if (row) this.rows.set(row[1]!, { pid: Number(row[2]), datadir: row[5]! });
    const block = BLOCK_LINE.exec(line);
    if (block) this.heights.set(block[1]!, Math.max(this.heights.get(block[1]!) ?? -1, Number(block[2])));
    if (line.startsWith('devnet: ') && line.includes(' nodes up')) this.ready = true;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Polls `check` until it holds; fails with the devnet's output after `ms` or if the devnet exits first. */
  async waitFor(check: () => boolean, what: string, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (!this.running) throw new Error(`devnet exited while waiting for ${what}:\n${this.tail()}`);
      if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}:\n${this.tail()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  tail(): string {
    return this.output.slice(-30).join('\n');
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const base = tempDir('tally-devnet-test');
let devnet: DevnetProcess | undefined;

afterAll(async () => {
  // Only when the test failed part-way: nothing it started may outlive it.
  if (devnet?.running) {
    devnet.child.kill('SIGKILL');
    await devnet.exited;
  }
  for (const { pid } of devnet?.rows.values() ?? []) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
});

describe('devnet script', () => {
  it('starts connected mining nodes and stops them all on SIGINT', async () => {
    devnet = new DevnetProcess(['--nodes', String(NODES), '--block-interval', '0.2', '--dir', base]);
    const d = devnet;
    await d.waitFor(() => d.ready, 'the devnet to report its nodes up', 60_000);
    expect([...d.rows.keys()]).toEqual(['node0', 'node1', 'node2']);
    await d.waitFor(() => [...d.rows.keys()].every((name) => (d.heights.get(name) ?? -1) >= 2), 'blocks on every node', 30_000);
    for (const { pid } of d.rows.values()) expect(isAlive(pid)).toBe(true);

    const sentAt = Date.now();
    d.child.kill('SIGINT');
    const exit = await Promise.race([d.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 15_000))]);
    if (exit === undefined) throw new Error(`devnet still running 15 s after SIGINT:\n${d.tail()}`);
    expect(exit.code, d.tail()).toBe(0);
    expect(exit.at - sentAt).toBeLessThan(15_000);
    for (const [name, { pid, datadir }] of d.rows) {
      expect(isAlive(pid), `${name} (pid ${pid}) still running`).toBe(false);
      // A node saves its mempool only in a clean stop, never when killed.
      expect(existsSync(join(datadir, 'mempool.dat')), `${name} stopped cleanly`).toBe(true);
    }
  }, 120_000);
});
