/**
 * Requests that used to end the node, each sent over raw TCP to a real server
 * in this process: an exception escaping a listener would surface here as an
 * unhandled error, and the request itself would go unanswered. Each case
 * asserts the answer it now gets, then that the server still serves.
 *
 * - an upgrade to `//`, `///` or `//[` without credentials, explorer on (`Explorer.authorizeUpgrade` threw in the `upgrade` listener)
 * - an authenticated `GET //`, explorer on (`Explorer.route` threw outside the request's try, in a promise started with `void`)
 * - an authenticated upgrade to `//`, explorer off (`Notifier.upgrade` threw)
 * - a WebSocket message whose id is nested 100,000 deep (`JSON.stringify` overflowed the stack in the error path)
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { defaultExplorerOptions, Explorer } from '../../../src/explorer/index.js';
import { RPC } from '../../../src/rpc/errors.js';
import { waitUntil } from '../../helpers/network.js';
import { basicAuth, nestedArray, rawExchange, rawRequest, upgradeHeaders } from '../../helpers/raw-http.js';
import { recordTrial } from '../../helpers/reliability.js';
import { startRpcNode, type RpcTestNode } from '../../helpers/rpc.js';
import { tempDir } from '../../helpers/tmp.js';

/** Long enough for an answer on a loaded machine; an unanswered request fails the test at this bound. */
const ANSWER_MS = 10_000;

const port = (t: RpcTestNode) => t.rpc.address.port;

async function expectServing(t: RpcTestNode): Promise<void> {
  expect(await t.result('getblockcount')).toBe(0);
}

describe('no request ends the node', () => {
  let withExplorer: RpcTestNode;
  let withoutExplorer: RpcTestNode;

  beforeAll(async () => {
    withExplorer = await startRpcNode(tempDir('crash-explorer'), { rpc: { authFailureDelayMs: 20 } });
    withExplorer.rpc.use(new Explorer(defaultExplorerOptions(), { logger: pino({ level: 'silent' }) }));
    withoutExplorer = await startRpcNode(tempDir('crash-plain'), { rpc: { authFailureDelayMs: 20 } });
  });
  afterAll(async () => {
    await withExplorer?.stop();
    await withoutExplorer?.stop();
  });

  it.each(['//', '///', '//['])('an upgrade to %s without credentials, explorer on, gets 401', async (target) => {
    const answer = await rawExchange(port(withExplorer), rawRequest(`GET ${target} HTTP/1.1`, upgradeHeaders()), { maxMs: ANSWER_MS });
    expect(answer.status).toBe(401);
    await expectServing(withExplorer);
    recordTrial({ area: 'Security', attack: `WebSocket upgrade to ${target} without credentials, explorer on`, times: 1, outcome: 'HTTP 401, node serving' });
  });

  it('an authenticated GET // with the explorer on gets 405, and the connection serves the next request', async () => {
    const auth: [string, string] = ['Authorization', basicAuth(withExplorer.cookie)];
    const get = rawRequest('GET // HTTP/1.1', [['Host', '127.0.0.1'], auth]);
    const page = rawRequest('GET / HTTP/1.1', [['Host', '127.0.0.1'], auth, ['Connection', 'close']]);
    const answer = await rawExchange(port(withExplorer), Buffer.concat([get, page]), { maxMs: ANSWER_MS, idleMs: ANSWER_MS });
    expect(answer.status).toBe(405);
    expect(answer.closedByServer).toBe(true);
    expect(answer.response.toString('latin1')).toMatch(/\r\n\r\nJSONRPC server handles only POST requestsHTTP\/1\.1 200 OK\r\n/);
    await expectServing(withExplorer);
    recordTrial({ area: 'Security', attack: 'GET // with credentials, explorer on', times: 1, outcome: 'HTTP 405, keep-alive connection and node serving' });
  });

  it('an authenticated upgrade to // with the explorer off gets 404', async () => {
    const headers = upgradeHeaders([['Authorization', basicAuth(withoutExplorer.cookie)]]);
    const answer = await rawExchange(port(withoutExplorer), rawRequest('GET // HTTP/1.1', headers), { maxMs: ANSWER_MS });
    expect(answer.status).toBe(404);
    await expectServing(withoutExplorer);
    recordTrial({ area: 'Security', attack: 'WebSocket upgrade to // with credentials, explorer off', times: 1, outcome: 'HTTP 404, node serving' });
  });

  it('targets that name no resource get 400, as requests and as upgrades', async () => {
    const auth: [string, string] = ['Authorization', basicAuth(withExplorer.cookie)];
    for (const target of ['*', 'http://[', 'mailto:x@y']) {
      const get = await rawExchange(port(withExplorer), rawRequest(`GET ${target} HTTP/1.1`, [['Host', '127.0.0.1'], auth, ['Connection', 'close']]), { maxMs: ANSWER_MS });
      expect(get.status, `GET ${target}`).toBe(400);
      const up = await rawExchange(port(withExplorer), rawRequest(`GET ${target} HTTP/1.1`, upgradeHeaders([auth])), { maxMs: ANSWER_MS });
      expect(up.status, `upgrade ${target}`).toBe(400);
    }
    await expectServing(withExplorer);
    recordTrial({ area: 'Security', attack: 'requests and upgrades whose target is *, an unparseable URL or another scheme', times: 6, outcome: 'HTTP 400, node serving' });
  });

  it('a WebSocket message whose id is nested 100,000 deep gets -32600, and the subscriber is still served', async () => {
    const t = withoutExplorer;
    const ws = new WebSocket(`ws://127.0.0.1:${port(t)}/ws`, { headers: { authorization: basicAuth(t.cookie) } });
    const replies: { id?: unknown; result?: unknown; error?: { code: number } }[] = [];
    ws.on('message', (data) => replies.push(JSON.parse(String(data)) as (typeof replies)[number]));
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      ws.send(`{"jsonrpc":"2.0","id":${nestedArray(100_000)},"method":"subscribe","params":{"topics":["blocks"]}}`);
      ws.send('{"jsonrpc":"2.0","id":2,"method":"subscribe","params":{"topics":["blocks"]}}');
      await waitUntil(() => replies.length >= 2, 'both replies', ANSWER_MS, 10);
      expect(replies[0]).toMatchObject({ id: null, error: { code: RPC.INVALID_REQUEST } });
      expect(replies[1]).toMatchObject({ id: 2, result: { topics: ['blocks'] } });
      expect(ws.readyState).toBe(WebSocket.OPEN);
    } finally {
      ws.terminate();
    }
    await expectServing(t);
    recordTrial({ area: 'Security', attack: 'WebSocket message with an id nested 100,000 deep', times: 1, outcome: 'error -32600 with id null, subscriber and node serving' });
  });
});
