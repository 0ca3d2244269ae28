/**
 * The unauthenticated crash, against `tally node --explorer` as `npm start`
 * runs it: a WebSocket upgrade to `//`, `///` or `//[` with no credentials
 * used to end the process (`new URL` threw in the server's `upgrade`
 * listener). Now each gets 401 and the process goes on serving and stops
 * cleanly. Runs dist/ (`npm run build` first).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeProcess } from '../helpers/node-process.js';
import { basicAuth, rawExchange, rawRequest, upgradeHeaders } from '../helpers/raw-http.js';
import { recordTrial } from '../helpers/reliability.js';
import { tempDir } from '../helpers/tmp.js';

const TARGETS = ['//', '///', '//['];

describe('tally node --explorer', () => {
  const datadir = tempDir('explorer-upgrade-crash');
  const running: NodeProcess[] = [];
  afterAll(async () => {
    for (const p of running) await p.kill();
  });

  it('answers upgrades to //, /// and //[ without credentials with 401 and goes on serving', async () => {
    const node = new NodeProcess(['--network', 'regtest', '--datadir', datadir, '--explorer', '--no-p2p', '--rpc-port', '0', '--miner-threads', '0']);
    running.push(node);
    const port = Number(/^RPC: http:\/\/127\.0\.0\.1:(\d+)\//.exec(await node.waitForOutput(/^RPC: /, 30_000))![1]);
    for (const target of TARGETS) {
      const answer = await rawExchange(port, rawRequest(`GET ${target} HTTP/1.1`, upgradeHeaders()), { maxMs: 10_000 });
      expect(answer.status, target).toBe(401);
    }
    expect(node.child.exitCode).toBeNull();
    const cookie = readFileSync(join(datadir, '.cookie'), 'utf8');
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { authorization: basicAuth(cookie) }, body: '{"method":"getblockcount","params":[],"id":1}' });
    expect(((await res.json()) as { result: unknown }).result).toBe(0);
    expect(await node.kill('SIGTERM')).toBe(0);
    recordTrial({ area: 'Security', attack: 'WebSocket upgrades to //, ///, //[ without credentials to tally node --explorer (npm start)', times: TARGETS.length, outcome: 'HTTP 401, process serving, clean stop' });
  });
});
