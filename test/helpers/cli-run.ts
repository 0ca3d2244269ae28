/**
 * Runs the `tally` CLI from dist/ as a child process without blocking the
 * test's event loop, and collects what it printed (bounded: a run that hangs
 * is killed after a minute); starts the regtest node those CLI runs talk to.
 */
import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import { CLI, NodeProcess } from './node-process.js';

/** What one CLI run gave: its exit status and its trimmed output. */
export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `tally <args>` with exactly `env` as its environment and `stdin` (default
 * empty) as its input.
 */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdin.end(stdin);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout: stdout.trim(), stderr: stderr.trim() });
    });
  });
}

/** A run that must succeed: exit status 0 (its stderr explains a failure); gives its stdout. */
export function cliOk(r: CliRun): string {
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

/** A regtest `tally node` for CLI tests: no P2P, no mining threads, RPC on a port the OS picks. */
export async function startCliNode(datadir: string): Promise<{ node: NodeProcess; port: number }> {
  const node = new NodeProcess(['--network', 'regtest', '--datadir', datadir, '--rpc-port', '0', '--no-p2p', '--miner-threads', '0']);
  const line = await node.waitFor((l) => l.msg === 'rpc listening', 60_000);
  return { node, port: Number(line.port) };
}
