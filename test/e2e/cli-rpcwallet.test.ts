/**
 * `tally rpc --rpcwallet <name>` sends wallet calls to Core's `/wallet/<name>`
 * endpoint, as `bitcoin-cli -rpcwallet` does: with two wallets loaded, a
 * wallet call on `/` is refused with -19 and the same call for one wallet works.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, NodeProcess } from '../helpers/node-process.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('tally-cli-rpcwallet');
const running: NodeProcess[] = [];
afterAll(async () => {
  for (const p of running) await p.kill();
});

function tallyRpc(datadir: string, port: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'rpc', '--network', 'regtest', '--datadir', datadir, '--rpc-port', port, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

describe('tally rpc --rpcwallet', () => {
  it('addresses one of several loaded wallets; without it a wallet call is refused with -19', async () => {
    const datadir = join(root, 'd');
    const node = new NodeProcess(['--datadir', datadir, '--no-p2p', '--rpc-port', '0']);
    running.push(node);
    const line = await node.waitForOutput(/^RPC: /);
    const port = /:(\d+)\//.exec(line)![1]!;
    expect(tallyRpc(datadir, port, ['createwallet', 'alice']).status).toBe(0);
    expect(tallyRpc(datadir, port, ['createwallet', 'bob']).status).toBe(0);
    const bare = tallyRpc(datadir, port, ['getnewaddress']);
    expect(bare.status).not.toBe(0);
    expect(bare.stderr).toMatch(/-19|not specified/);
    const alice = tallyRpc(datadir, port, ['--rpcwallet', 'alice', 'getnewaddress']);
    expect(alice.status, alice.stderr).toBe(0);
    expect(alice.stdout).toMatch(/^tlr1p[02-9ac-hj-np-z]+$/);
    const missing = tallyRpc(datadir, port, ['--rpcwallet', 'carol', 'getnewaddress']);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/-18|not loaded|not found/i);
    expect(await node.kill('SIGTERM')).toBe(0);
  }, 60_000);
});
