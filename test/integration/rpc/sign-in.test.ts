/**
 * Signing in to the explorer over real HTTP: the one-time link printed at
 * start-up answers 303 to the clean URL with an HttpOnly, SameSite=Strict
 * session cookie; the cookie alone then authenticates the page, the JSON-RPC
 * and the WebSocket; the link works once, a made-up or expired one gets 401,
 * and so does an expired session. The cookie counts only from the node's own
 * origin. A page loaded with Basic credentials (as from
 * `http://__cookie__:<pw>@host/`) gets a session cookie too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { defaultExplorerOptions, Explorer } from '../../../src/explorer/index.js';
import { startRpcNode, type RpcTestNode } from '../../helpers/rpc.js';
import { tempDir } from '../../helpers/tmp.js';

const OPTIONS = defaultExplorerOptions();
const WALLET = 'http://wallet.example';
let node: RpcTestNode;
let explorer: Explorer;
let origin: string;
/** The explorer's clock (ms), moved by the tests to expire links and sessions. */
let now = 1_000_000;

beforeAll(async () => {
  node = await startRpcNode(tempDir('explorer-sign-in'), { rpc: { cors: [WALLET] } });
  explorer = new Explorer(OPTIONS, { logger: pino({ level: 'silent' }), now: () => now });
  node.rpc.use(explorer);
  origin = new URL(node.url).origin;
});
afterAll(async () => {
  await node?.stop();
});

/** Opens a sign-in link without following the redirect. */
const open = (link: string) => fetch(link, { redirect: 'manual' });

/** The `name=value` part of a Set-Cookie header. */
const cookieOf = (res: Response) => res.headers.get('set-cookie')?.split(';')[0] ?? '';

const rpcWith = (headers: Record<string, string>) =>
  fetch(node.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getblockcount', params: [] }) });

function upgrade(headers: Record<string, string>): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${origin.replace('http', 'ws')}/ws`, { headers });
    ws.once('open', () => {
      ws.terminate();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

describe('the sign-in link', () => {
  it('becomes a session cookie that authenticates the page, the RPC and the WebSocket', async () => {
    const link = explorer.signInLink(origin);
    expect(link).toMatch(new RegExp(`^${origin}/\\?token=[A-Za-z0-9_-]{32}$`));
    const res = await open(link);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(new RegExp(`^tally_session_${new URL(origin).port}=[A-Za-z0-9_-]{32}; `));
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    const cookie = cookieOf(res);

    const page = await fetch(origin, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/explorer/app.js');
    expect(page.headers.get('set-cookie')).toBeNull();
    const rpc = await rpcWith({ cookie });
    expect(rpc.status).toBe(200);
    expect((await rpc.json() as { result: number }).result).toBe(0);
    expect((await fetch(`${origin}/explorer/session`, { headers: { cookie } })).status).toBe(200);
    expect(await upgrade({ cookie, origin })).toBe('open');
    // Without the cookie, nothing.
    expect((await rpcWith({})).status).toBe(401);
  });

  it('works once; a made-up link gets 401', async () => {
    const good = explorer.signInLink(origin);
    expect((await open(good)).status).toBe(303);
    const reused = await open(good);
    expect(reused.status).toBe(401);
    expect(reused.headers.get('set-cookie')).toBeNull();
    expect((await open(`${origin}/?token=made-up`)).status).toBe(401);
    // On the explorer's own path too.
    const onExplorer = await open(explorer.signInLink(origin).replace('/?', '/explorer/?'));
    expect(onExplorer.status).toBe(303);
    expect(onExplorer.headers.get('location')).toBe('/explorer/');
  });

  it('expires, and so does the session it made', async () => {
    const link = explorer.signInLink(origin);
    now += OPTIONS.signInTtlMs - 1_000;
    const cookie = cookieOf(await open(explorer.signInLink(origin)));
    now += 2_000;
    expect((await open(link)).status).toBe(401);
    expect((await rpcWith({ cookie })).status).toBe(200);
    now += OPTIONS.cookieTtlMs;
    expect((await rpcWith({ cookie })).status).toBe(401);
  });

  it('counts only from the node\'s own origin, even one --rpc-cors allows', async () => {
    const cookie = cookieOf(await open(explorer.signInLink(origin)));
    expect((await rpcWith({ cookie, origin })).status).toBe(200);
    expect((await rpcWith({ cookie, origin: WALLET })).status).toBe(401);
    expect((await rpcWith({ cookie, origin: 'http://evil.example' })).status).toBe(403);
    expect(await upgrade({ cookie, origin: WALLET })).toBe(401);
  });
});

describe('a page loaded with Basic credentials', () => {
  it('gets a session cookie, so its scripts need not send the credentials again', async () => {
    const page = await fetch(origin, { headers: { authorization: `Basic ${Buffer.from(node.cookie).toString('base64')}` } });
    expect(page.status).toBe(200);
    const cookie = cookieOf(page);
    expect(cookie).toMatch(/^tally_session_\d+=/);
    expect((await rpcWith({ cookie })).status).toBe(200);
  });
});
