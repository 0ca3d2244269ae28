/**
 * `--rpc-cors ORIGIN` over real HTTP: preflights of a listed origin are
 * answered 204 without credentials, with the methods, headers and cache time;
 * its actual requests (a 401 too) carry Access-Control-Allow-Origin and
 * -Credentials; every other origin still gets 403, with no CORS header; `*`
 * allows any origin without credentials; and the option's values are checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { regtest } from '../../../src/consensus/params.js';
import { ConfigError } from '../../../src/node/config.js';
import { rpcOptionsFrom } from '../../../src/node/options/rpc.js';
import { PREFLIGHT_MAX_AGE } from '../../../src/rpc/cors.js';
import { startRpcNode, type RpcTestNode } from '../../helpers/rpc.js';
import { tempDir } from '../../helpers/tmp.js';

const WALLET = 'http://wallet.example:8080';
const EVIL = 'http://evil.example';
const BODY = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getblockcount', params: [] });

function preflight(node: RpcTestNode, origin: string, headers = 'authorization, content-type'): Promise<Response> {
  return fetch(node.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers } });
}

function post(node: RpcTestNode, headers: Record<string, string>): Promise<Response> {
  return fetch(node.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: BODY });
}

const basic = (node: RpcTestNode) => `Basic ${Buffer.from(node.cookie).toString('base64')}`;

describe('with --rpc-cors listing one origin', () => {
  let node: RpcTestNode;
  beforeAll(async () => {
    node = await startRpcNode(tempDir('rpc-cors'), { rpc: { cors: [WALLET] } });
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('answers its preflight 204 without credentials, and refuses another origin\'s', async () => {
    const ok = await preflight(node, WALLET);
    expect(ok.status).toBe(204);
    expect(Object.fromEntries(['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-max-age'].map((h) => [h, ok.headers.get(h)]))).toEqual({
      'access-control-allow-origin': WALLET, 'access-control-allow-credentials': 'true', 'access-control-max-age': String(PREFLIGHT_MAX_AGE),
    });
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase().split(', ')).toEqual(expect.arrayContaining(['authorization', 'content-type']));
    expect(ok.headers.get('vary')).toContain('Origin');

    const refused = await preflight(node, EVIL);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(refused.headers.get('vary')).toContain('Origin');
  });

  it('serves its requests with the CORS headers, a 401 included; another origin still gets 403', async () => {
    const ok = await post(node, { origin: WALLET, authorization: basic(node) });
    expect(ok.status).toBe(200);
    expect((await ok.json() as { result: number }).result).toBe(0);
    expect(ok.headers.get('access-control-allow-origin')).toBe(WALLET);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('vary')).toContain('Origin');

    const unauthorized = await post(node, { origin: WALLET });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe(WALLET);

    const evil = await post(node, { origin: EVIL, authorization: basic(node) });
    expect(evil.status).toBe(403);
    expect(await evil.text()).toBe('Cross-origin requests are refused');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();

    // A client without Origin (curl, libraries) and the node's own origin are no CORS requests.
    const plain = await post(node, { authorization: basic(node) });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
    const same = await post(node, { origin: `http://${new URL(node.url).host}`, authorization: basic(node) });
    expect(same.status).toBe(200);
  });

  it('lets its pages open the notification WebSocket with credentials, and no other origin', async () => {
    const upgrade = (origin: string) => new Promise<number | 'open'>((resolve, reject) => {
      const ws = new WebSocket(node.url.replace('http', 'ws') + 'ws', { headers: { origin, authorization: basic(node) } });
      ws.once('open', () => {
        ws.terminate();
        resolve('open');
      });
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('error', reject);
    });
    expect(await upgrade(WALLET)).toBe('open');
    expect(await upgrade(EVIL)).toBe(401);
  });
});

describe('--rpc-cors *, and the default', () => {
  it('allows any origin without credentials with *', async () => {
    const node = await startRpcNode(tempDir('rpc-cors-any'), { rpc: { cors: ['*'] } });
    try {
      const pre = await preflight(node, EVIL);
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe('*');
      expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
      const res = await post(node, { origin: EVIL, authorization: basic(node) });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    } finally {
      await node.stop();
    }
  });

  it('refuses every cross-origin request and preflight by default', async () => {
    const node = await startRpcNode(tempDir('rpc-cors-off'));
    try {
      expect((await preflight(node, WALLET)).status).toBe(403);
      const res = await post(node, { origin: WALLET, authorization: basic(node) });
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('vary')).toBeNull();
    } finally {
      await node.stop();
    }
  });
});

describe('the rpc-cors option', () => {
  it('normalizes origins, repeats, and refuses what is no origin', () => {
    expect(rpcOptionsFrom({ 'rpc-cors': ['HTTP://Wallet.Example:80/', 'https://a.example:8443', '*'] }, regtest).cors).toEqual(['http://wallet.example', 'https://a.example:8443', '*']);
    expect(rpcOptionsFrom({}, regtest).cors).toEqual([]);
    for (const bad of ['wallet.example', 'http://a.example/path', 'ftp://a.example', 'http://user:pw@a.example']) {
      let err: unknown;
      try {
        rpcOptionsFrom({ 'rpc-cors': [bad] }, regtest);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).code).toBe('bad-option');
    }
  });
});
