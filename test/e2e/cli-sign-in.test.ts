/**
 * `tally node --explorer` as a user starts it: the sign-in link it prints is
 * ready to open (one-time token, 303 to the clean page with a session cookie
 * that then works for the RPC), and `--rpc-cors` from the command line lets
 * that origin's preflight through. Runs dist/ (`npm run build`).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { NodeProcess } from '../helpers/node-process.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('tally-cli-sign-in');
const running: NodeProcess[] = [];
afterAll(async () => {
  for (const p of running) await p.kill();
});

describe('tally node --explorer', () => {
  it('prints a one-time sign-in link that signs a browser in', async () => {
    const node = new NodeProcess(['--datadir', join(root, 'd'), '--no-p2p', '--rpc-port', '0', '--explorer', '--rpc-cors', 'http://wallet.example']);
    running.push(node);
    const line = await node.waitForOutput(/^Explorer: /);
    const link = /^Explorer: (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}) \(a one-time sign-in link/.exec(line)?.[1];
    expect(link, line).toBeDefined();
    const origin = new URL(link!).origin;

    const res = await fetch(link!, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const rpc = await fetch(origin, { method: 'POST', headers: { cookie }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getblockcount', params: [] }) });
    expect(rpc.status).toBe(200);
    expect((await rpc.json() as { result: number }).result).toBeGreaterThanOrEqual(0);
    expect((await fetch(link!, { redirect: 'manual' })).status).toBe(401);

    const preflight = await fetch(origin, { method: 'OPTIONS', headers: { origin: 'http://wallet.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://wallet.example');
    expect(await node.kill('SIGTERM')).toBe(0);
  });
});
