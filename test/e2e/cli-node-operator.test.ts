/**
 * `tally node` as an operator meets it (issue 11, section 6): output piped into
 * a reader that goes away, busy ports, and misconfiguration that must be said
 * out loud, on one line or at the default log level.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { rpcClient } from '../helpers/fault-chain.js';
import { waitUntil } from '../helpers/network.js';
import { CLI, NodeProcess, type LogLine } from '../helpers/node-process.js';
import { recordTrial } from '../helpers/reliability.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('tally-cli-operator');
let n = 0;
const datadir = () => join(root, `d${n++}`);
const running: NodeProcess[] = [];
const servers: Server[] = [];
afterAll(async () => {
  for (const p of running) await p.kill();
  for (const s of servers) s.close();
});

/** A peer id that parses; nobody answers for it in these tests. */
const PEER_ID = '12D3KooWNeHzxChwmcAhdvkAxVgzcQDwpHEpQ9tB4MUh4KejgkbE';

function runFailing(...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'node', ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stderr: r.stderr };
}

/** The one line `tally node` printed before exiting with `status`, checked for `code` and each of `names`. */
function expectOneLine(r: { status: number | null; stderr: string }, status: number, code: string, names: string[]): void {
  expect(r.status, r.stderr).toBe(status);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^error: .*\\(${code}\\)$`));
  for (const name of names) expect(lines[0]).toContain(name);
}

/** A TCP port held open by this process. */
async function busyPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

/** A TCP port that nothing listens on (bound once, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('tally node with its output piped', () => {
  it.each(['json', 'pretty'])('keeps running when the reader of its stdout goes away, then stops cleanly on SIGINT (%s logs)', async (format) => {
    const dir = datadir();
    const node = new NodeProcess(['--datadir', dir, '--no-p2p', '--rpc-port', '0', '--mine', '--block-interval', '0.05', '--miner-threads', '0', '--log-format', format]);
    running.push(node);
    const rpc = rpcClient(await node.waitForOutput(/^RPC: /), dir);
    // As `| tee log` does when Ctrl-C ends tee first: every later write of the node gets EPIPE.
    node.child.stdout!.destroy();
    const height = (await rpc('getblockcount')) as number;
    // Each block is logged: five more blocks are five more writes to the closed pipe.
    await waitUntil(async () => ((await rpc('getblockcount')) as number) >= height + 5, 'blocks mined after stdout closed');
    expect(await node.kill('SIGINT')).toBe(0);
    expect(existsSync(join(dir, '.cookie'))).toBe(false);
    expect(existsSync(join(dir, 'mempool.dat'))).toBe(true);
    expect(node.stderr.join('\n')).not.toMatch(/EPIPE|Error/);
    recordTrial({ area: 'Faults', attack: `stdout pipe closed under a mining node (${format} logs), then SIGINT`, times: 1, outcome: 'kept mining; clean stop: exit 0, cookie removed, mempool saved' });
    }, 60_000);
});

describe('tally node on a busy port', () => {
  it('names the JSON-RPC address and --rpc-port on one line, and leaves no cookie', async () => {
    const port = await busyPort();
    const dir = datadir();
    expectOneLine(runFailing('--datadir', dir, '--no-p2p', '--rpc-port', String(port)), 1, 'port-in-use', ['JSON-RPC', `127.0.0.1:${port}`, '--rpc-port']);
    expect(existsSync(join(dir, '.cookie'))).toBe(false);
  });

  it('names the metrics address and --metrics-port on one line', async () => {
    const port = await busyPort();
    expectOneLine(runFailing('--datadir', datadir(), '--no-p2p', '--rpc-port', '0', '--metrics', '--metrics-port', String(port)), 1, 'port-in-use', ['metrics', `127.0.0.1:${port}`, '--metrics-port']);
  });

  it('names the P2P address and --listen on one line, without libp2p\'s dump', async () => {
    const port = await busyPort();
    const r = runFailing('--datadir', datadir(), '--no-rpc', '--listen', `/ip4/127.0.0.1/tcp/${port}`);
    expectOneLine(r, 1, 'port-in-use', ['P2P', `/ip4/127.0.0.1/tcp/${port}`, '--listen']);
    expect(r.stderr).not.toContain('faultTolerance');
  });
});

describe('tally node peers it cannot use', () => {
  const warning = (node: NodeProcess, msg: RegExp, addr: string) => node.waitFor((l: LogLine) => l.level === 40 && l.module === 'p2p' && msg.test(String(l.msg)) && l.addr === addr, 20_000);

  it('warns at the default level about a peer address without /p2p/<id> and about configured peers that never answer', async () => {
    const [withId, withoutId, connectOnly] = [`/ip4/127.0.0.1/tcp/${await closedPort()}/p2p/${PEER_ID}`, `/ip4/127.0.0.1/tcp/${await closedPort()}`, `/ip4/127.0.0.1/tcp/${await closedPort()}`];
    const common = ['--no-rpc', '--listen', '/ip4/127.0.0.1/tcp/0', '--log-level', 'info'];
    const bootstrapping = new NodeProcess(['--datadir', datadir(), ...common, '--bootstrap', withId, '--bootstrap', withoutId]);
    const connecting = new NodeProcess(['--datadir', datadir(), ...common, '--connect', connectOnly]);
    running.push(bootstrapping, connecting);
    await warning(bootstrapping, /no \/p2p\/<peer id>/, withoutId);
    expect((await warning(bootstrapping, /cannot reach a configured peer/, withId)).option).toBe('bootstrap');
    await warning(bootstrapping, /cannot reach a configured peer/, withoutId);
    await warning(connecting, /no \/p2p\/<peer id>/, connectOnly);
    expect((await warning(connecting, /cannot reach a configured peer/, connectOnly)).option).toBe('connect');
    }, 60_000);
});

describe('tally node misconfiguration', () => {
  it('refuses a misspelled module in --log-level', () => {
    expectOneLine(runFailing('--datadir', datadir(), '--no-p2p', '--no-rpc', '--log-level', 'chian=debug'), 2, 'bad-option', ['log-level', 'chian', 'chain']);
  });

  it('names the option of an address that is not a multiaddr', () => {
    expectOneLine(runFailing('--datadir', datadir(), '--no-rpc', '--listen', '/ip4/127.0.0.1/tcp/99999'), 2, 'bad-option', ['listen', '/tcp/99999']);
    expectOneLine(runFailing('--datadir', datadir(), '--no-rpc', '--bootstrap', '/ip4/127.0.0.1/tcp/1/p2p/nonsense'), 2, 'bad-option', ['bootstrap', 'nonsense']);
  });

  it('gives the file and line of a bad value in tally.conf', () => {
    const dir = datadir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'tally.conf'), '# demo\nmine=maybe\n');
    expectOneLine(runFailing('--datadir', dir, '--no-p2p', '--no-rpc'), 2, 'bad-option', [`${join(dir, 'tally.conf')}:2`, 'mine', 'maybe']);
    writeFileSync(join(dir, 'tally.conf'), 'listen=/ip4/127.0.0.1/tcp/28444\nlisten=/ip4/127.0.0.1/tcp/99999\n');
    expectOneLine(runFailing('--datadir', dir, '--no-rpc'), 2, 'bad-option', [`${join(dir, 'tally.conf')}:2`, 'listen']);
  });

  it('says that reindex in tally.conf is refused on purpose', () => {
    const dir = datadir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'tally.conf'), 'reindex=1\n');
    const r = runFailing('--datadir', dir, '--no-p2p', '--no-rpc');
    expectOneLine(r, 2, 'bad-config', [`${join(dir, 'tally.conf')}:1`, '--reindex']);
    expect(r.stderr).not.toContain('unknown option');
  });
});
