/**
 * A fuzzer of the node's raw HTTP and WebSocket surface, below the JSON-RPC
 * fuzzing of abuse.test.ts (which starts after HTTP parsing): request lines,
 * targets, headers and bodies, WebSocket upgrades followed by hand-made
 * frames, and mutated or random bytes, written over raw TCP to a real RPC
 * server with the notifier and the explorer attached (`npm start`'s setup),
 * with and without credentials. After each input the node must still answer
 * a JSON-RPC call, and nothing may have escaped as an uncaught exception or
 * rejection (in this process, the server's process). Seeded and bounded.
 */
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { defaultExplorerOptions, Explorer } from '../../../src/explorer/index.js';
import { checkAsyncProperty } from '../../helpers/fuzz.js';
import { waitUntil } from '../../helpers/network.js';
import { basicAuth, nestedArray, rawExchange, rawRequest, upgradeHeaders, wsFrame } from '../../helpers/raw-http.js';
import { recordTrial } from '../../helpers/reliability.js';
import { startRpcNode, type RpcTestNode } from '../../helpers/rpc.js';
import { tempDir } from '../../helpers/tmp.js';

const SEED = 20_261_206;
/** Runs asked for, and the time after which a property stops early (its runs so far are what it records): under 60 s in all on a loaded 2-core machine. */
const RUNS = { http: 250, websocket: 150, bytes: 150 };
const TIME_LIMIT_MS = 15_000;
const TEST_MS = 60_000;

type Auth = 'none' | 'cookie' | 'wrong' | 'garbage';
type Header = [string, string];

const TARGETS = ['/', '//', '///', '//[', '/[', '/ws', '//ws', '/ws/', '/ws?token=', '/ws?token=%', '/ws?token=a&token=b', '/explorer',
  '/explorer/', '/explorer/session', '/explorer/app.js', '/explorer/../ws', '/explorer/%2e%2e/index.html', '/%', '/%zz', '/%00', '/?', '/#x',
  '*', 'http://127.0.0.1/ws', 'http://[', 'ws://x/ws', 'mailto:a@b', '\\', '/\\evil', '@', ':', '/:99999', `/ws?token=${'a'.repeat(8000)}`];
/** Targets the notifier serves, however spelled. */
const WS_TARGETS = ['/ws', '/ws?x=1', '/ws#', '/explorer/../ws', '/%77s', 'http://127.0.0.1/ws', '/ws?token='];
const PIECES = ['/', '//', '[', ']', '?', '#', '%', '%2f', '..', '.', 'ws', 'explorer', 'session', 'token=', '&', '=', ':', '@', '\\', '*'];
const METHODS = ['GET', 'POST', 'HEAD'];
const RARE_METHODS = ['PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT', 'PRI', 'get', 'XYZ', ''];
const BAD_VERSIONS = ['HTTP/0.9', 'HTTP/2.0', 'HTTP/1.1x', 'http/1.1', '', 'HTTP/1.1 HTTP/1.1'];
/** Content-Length and Transfer-Encoding are the body's framing, chosen on their own (see `framing`). */
const HEADER_NAMES = ['Host', 'Authorization', 'Origin', 'Connection', 'Upgrade', 'Sec-WebSocket-Key',
  'Sec-WebSocket-Version', 'Sec-WebSocket-Extensions', 'Sec-WebSocket-Protocol', 'Expect', 'If-None-Match', 'Cookie', 'X-Forwarded-For'];
const HEADER_VALUES = ['', ' ', '0', '-1', '1e3', '99999999999999999999', 'chunked', 'gzip, chunked', 'close', 'keep-alive', 'Upgrade', 'websocket',
  'h2c', '13', '8', 'permessage-deflate', 'a, a', '100-continue', 'null', 'http://evil.example', 'http://127.0.0.1', '[', 'Basic', 'Basic !!!', 'Bearer x',
  basicAuth(':'), basicAuth('__cookie__:'), 'x'.repeat(9000)];
const CALL = '{"jsonrpc":"2.0","id":1,"method":"getblockcount","params":[]}';

/** Mostly well-formed inputs with a few anomalies reach the server's own code; wholly random ones mostly test Node's parser. */
const weighted = <T>(...choices: [number, fc.Arbitrary<T>][]) => fc.oneof(...choices.map(([weight, arbitrary]) => ({ weight, arbitrary })));
const anyText = (maxLength: number) => fc.string({ unit: 'binary-ascii', maxLength });
const printable = (maxLength: number) => fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });
const target = weighted(
  [8, fc.constantFrom(...TARGETS)],
  [4, fc.array(fc.constantFrom(...PIECES), { maxLength: 6 }).map((p) => `/${p.join('')}`)],
  [1, printable(30)],
  [1, anyText(30)],
);
const method = weighted([8, fc.constantFrom(...METHODS)], [2, fc.constantFrom(...RARE_METHODS)]);
const version = weighted([10, fc.constant('HTTP/1.1')], [2, fc.constant('HTTP/1.0')], [1, fc.constantFrom(...BAD_VERSIONS)]);
const requestLine = weighted(
  [12, fc.tuple(method, target, version).map(([m, t, v]) => `${m} ${t} ${v}`)],
  [1, anyText(60)],
);
const headerValue = weighted([12, fc.constantFrom(...HEADER_VALUES)], [3, printable(40)], [1, anyText(40)]);
const header: fc.Arbitrary<Header> = weighted(
  [8, fc.tuple(fc.constantFrom(...HEADER_NAMES), headerValue)],
  [1, fc.tuple(weighted([4, fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/)], [1, anyText(20)]), headerValue)],
);
const headers = (maxLength: number, plain = 2) => weighted([plain, fc.constant<Header[]>([])], [3, fc.array(header, { minLength: 1, maxLength })]);
const body = fc.oneof(
  fc.constant(''),
  fc.constantFrom(CALL, `{"method":"getblockcount","id":${nestedArray(100_000)}}`, `[${CALL},${CALL}]`, '{', '5\r\nhello\r\n0\r\n\r\n', 'zz\r\n\r\n'),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
);
/** What a client's WebSocket frames may carry: requests with ids of every type, broken JSON, bytes. */
const framePayload = fc.oneof(
  fc.constantFrom(1, 1000, 100_000).map((d) => `{"jsonrpc":"2.0","id":${nestedArray(d)},"method":"subscribe","params":{"topics":["blocks"]}}`),
  fc.tuple(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('subscribe', 'unsubscribe', 'x', '__proto__'), fc.jsonValue({ maxDepth: 3 }))
    .map(([id, method, params]) => JSON.stringify({ jsonrpc: '2.0', id, method, params })),
  fc.constantFrom('{"id":1e400,"method":"subscribe"}', '{"id":{"a":[]},"method":"x"}', `{"method":"subscribe","params":{"topics":[${nestedArray(50_000)}]}}`, '{', ''),
  anyText(100),
).map((s) => Buffer.from(s, 'utf8'));
const frame = fc.record({
  opcode: fc.constantFrom(1, 1, 1, 2, 0, 8, 9, 10, 3, 11, 15),
  payload: fc.oneof({ weight: 4, arbitrary: framePayload }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 150 }).map((b) => Buffer.from(b)) }),
  fin: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  rsv: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 7 }) }),
  masked: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  declaredLength: fc.option(fc.constantFrom(0, 1, 126, 65_536, 300_000, 2 ** 32), { freq: 8 }),
}).map(({ declaredLength, ...spec }) => wsFrame(declaredLength === null ? spec : { ...spec, declaredLength }));
const auth = fc.constantFrom<Auth>('cookie', 'cookie', 'none', 'wrong', 'garbage');

describe('the raw HTTP and WebSocket surface', () => {
  let t: RpcTestNode;
  let port: number;
  const escaped: unknown[] = [];
  const trap = (err: unknown) => escaped.push(err);

  beforeAll(async () => {
    t = await startRpcNode(tempDir('http-surface-fuzz'), { rpc: { authFailureDelayMs: 5, requestTimeoutMs: 2_000 } });
    t.rpc.use(new Explorer(defaultExplorerOptions(), { logger: pino({ level: 'silent' }) }));
    port = t.rpc.address.port;
  });
  afterAll(async () => {
    await t?.stop();
  });
  beforeEach(() => {
    process.on('uncaughtException', trap);
    process.on('unhandledRejection', trap);
  });
  afterEach(() => {
    process.off('uncaughtException', trap);
    process.off('unhandledRejection', trap);
  });

  const authHeader = (a: Auth): Header[] => {
    if (a === 'none') return [];
    const value = a === 'cookie' ? basicAuth(t.cookie) : a === 'wrong' ? basicAuth('__cookie__:wrong') : 'Basic !!!';
    return [['Authorization', value]];
  };

  /** Sends one input, then asserts the node survived it: nothing escaped, and a JSON-RPC call is answered. */
  const survives = async (bytes: Buffer): Promise<void> => {
    // What escaped while an earlier input was handled has failed that run already; shrinking replays inputs one by one.
    escaped.length = 0;
    const answer = await rawExchange(port, bytes, { idleMs: 30, maxMs: 300 });
    if (answer.status !== undefined) expect(answer.status).toBeGreaterThanOrEqual(100);
    expect(escaped).toEqual([]);
    expect(await t.result('getblockcount')).toBe(0);
  };

  it('request lines, targets, headers and bodies, with and without credentials', { timeout: TEST_MS }, async () => {
    const request = fc.record({ line: requestLine, auth, headers: headers(4), body, framing });
    const runs = await checkAsyncProperty(fc.asyncProperty(request, async (r) => {
      const { headers: framing, body: framed } = frameBody(Buffer.from(r.body), r.framing);
      await survives(rawRequest(r.line, [['Host', '127.0.0.1'], ...authHeader(r.auth), ...framing, ...r.headers], framed));
    }), { numRuns: RUNS.http, seed: SEED, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false });
    recordTrial({ area: 'Fuzzing', attack: 'raw HTTP request lines, targets, headers and bodies over TCP, with and without credentials (explorer on)', times: runs, outcome: 'HTTP answer or close, nothing thrown, node serving after each' });
  });

  it('WebSocket upgrades and the frames that follow them, with and without credentials', { timeout: TEST_MS }, async () => {
    const upgradeTarget = weighted([2, fc.constantFrom(...WS_TARGETS)], [1, target]);
    // Mostly authorized, plain upgrades: the frames are the point here.
    const upgradeAuth = weighted([3, fc.constant<Auth>('cookie')], [1, auth]);
    const upgrade = fc.record({ target: upgradeTarget, auth: upgradeAuth, headers: headers(2, 6), frames: fc.array(frame, { maxLength: 4 }) });
    const runs = await checkAsyncProperty(fc.asyncProperty(upgrade, async (u) => {
      const request = rawRequest(`GET ${u.target} HTTP/1.1`, upgradeHeaders([...authHeader(u.auth), ...u.headers]));
      await survives(Buffer.concat([request, ...u.frames]));
    }), { numRuns: RUNS.websocket, seed: SEED, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false });
    // Every fuzzed subscriber is gone once its socket is, and /ws still serves a well-behaved one.
    await waitUntil(() => t.notifier.clientCount === 0, 'the fuzzed subscribers to be dropped', 10_000, 20);
    expect(await subscribeBlocks(port, t.cookie)).toMatchObject({ topics: ['blocks'], addresses: [], sequence: expect.any(Number), stream: expect.any(String) });
    recordTrial({ area: 'Fuzzing', attack: 'raw WebSocket upgrades (targets incl. //, //[, bad keys) and frames (bad opcodes, RSV, unmasked, lying lengths, ids nested 100,000 deep)', times: runs, outcome: 'HTTP or JSON-RPC error or close, nothing thrown, node and /ws serving' });
  });

  it('random bytes and byte-level mutations of well-formed requests and upgrades', { timeout: TEST_MS }, async () => {
    const bases = () => [
      rawRequest('POST / HTTP/1.1', [['Host', '127.0.0.1'], ...authHeader('cookie'), ['Content-Length', String(CALL.length)]], CALL),
      rawRequest('GET /explorer/session HTTP/1.1', [['Host', '127.0.0.1'], ...authHeader('cookie')]),
      Buffer.concat([rawRequest('GET /ws HTTP/1.1', upgradeHeaders(authHeader('cookie'))), wsFrame({ opcode: 1, payload: Buffer.from('{"jsonrpc":"2.0","id":1,"method":"subscribe","params":{"topics":["blocks"]}}') })]),
      rawRequest('GET /ws?token=abc HTTP/1.1', upgradeHeaders()),
    ];
    const edit = fc.record({ at: fc.nat(), op: fc.constantFrom('set', 'insert', 'delete'), byte: fc.integer({ min: 0, max: 255 }) });
    const input = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => ({ random: Buffer.from(b) })),
      fc.record({ base: fc.nat({ max: 3 }), edits: fc.array(edit, { minLength: 1, maxLength: 4 }) }),
    );
    const runs = await checkAsyncProperty(fc.asyncProperty(input, async (i) => {
      await survives('random' in i ? i.random : mutate(bases()[i.base]!, i.edits));
    }), { numRuns: RUNS.bytes, seed: SEED, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false });
    recordTrial({ area: 'Fuzzing', attack: 'random bytes and byte mutations of requests and upgrades over TCP', times: runs, outcome: 'HTTP answer or close, nothing thrown, node serving after each' });
  });
});

/** How a body is delimited: honestly (most often), not at all, by a length that lies, by chunks, by both. */
const FRAMINGS = ['length', 'chunked', 'none', 'short', 'long', 'negative', 'both', 'bad-chunks'] as const;
const framing = weighted([10, fc.constant(FRAMINGS[0])], [3, fc.constant(FRAMINGS[1])], [2, fc.constant(FRAMINGS[2])], [1, fc.constantFrom(...FRAMINGS.slice(3))]);

function frameBody(body: Buffer, framing: (typeof FRAMINGS)[number]): { headers: Header[]; body: Buffer } {
  const length = (n: number | string): Header[] => [['Content-Length', String(n)]];
  const chunked: Header[] = [['Transfer-Encoding', 'chunked']];
  const chunks = Buffer.concat([body.length > 0 ? Buffer.from(`${body.length.toString(16)}\r\n`) : Buffer.alloc(0), body, Buffer.from(body.length > 0 ? '\r\n0\r\n\r\n' : '0\r\n\r\n')]);
  switch (framing) {
    case 'length': return { headers: length(body.length), body };
    case 'none': return { headers: [], body };
    case 'short': return { headers: length(Math.max(0, body.length - 3)), body };
    case 'long': return { headers: length(body.length + 10), body };
    case 'negative': return { headers: length(-1), body };
    case 'chunked': return { headers: chunked, body: chunks };
    case 'both': return { headers: [...length(body.length), ...chunked], body: chunks };
    case 'bad-chunks': return { headers: chunked, body: Buffer.concat([Buffer.from('zz\r\n'), body]) };
  }
}

function mutate(base: Buffer, edits: readonly { at: number; op: string; byte: number }[]): Buffer {
  const bytes = [...base];
  for (const e of edits) {
    const at = e.at % (bytes.length + 1);
    if (e.op === 'insert') bytes.splice(at, 0, e.byte);
    else if (e.op === 'delete') bytes.splice(at, 1);
    else if (at < bytes.length) bytes[at] = e.byte;
  }
  return Buffer.from(bytes);
}

/** Subscribes to blocks over /ws with the cookie and returns the subscription the server reports. */
async function subscribeBlocks(port: number, cookie: string): Promise<unknown> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { authorization: basicAuth(cookie) } });
  try {
    return await new Promise((resolve, reject) => {
      ws.once('error', reject);
      ws.once('message', (data) => resolve((JSON.parse(String(data)) as { result?: unknown }).result));
      ws.once('open', () => ws.send('{"jsonrpc":"2.0","id":1,"method":"subscribe","params":{"topics":["blocks"]}}'));
    });
  } finally {
    ws.terminate();
  }
}
