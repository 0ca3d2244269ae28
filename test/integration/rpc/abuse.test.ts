/**
 * Malformed and hostile requests against a real RPC server with small limits:
 * each gets the answer Bitcoin Core would give (JSON-RPC code and HTTP status),
 * and the server keeps serving afterwards. Ends with 2,000 random and mutated
 * requests (fast-check, fixed seed), each of which must get a JSON-RPC reply.
 *
 * Raw sockets are used where the HTTP client would hide what is tested: bodies
 * that never end, bodies larger than announced limits, many requests at once.
 */
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getGenesisBlock, regtest } from '../../../src/consensus/params.js';
import { RPC } from '../../../src/rpc/errors.js';
import type { RpcOptions } from '../../../src/rpc/options.js';
import { recordTrial } from '../../helpers/reliability.js';
import { startRpcNode, type RpcTestNode } from '../../helpers/rpc.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitUntil } from '../../helpers/wait.js';

/** Small limits to reach them quickly; a short pause before 401s (the default 250 ms is tested in security.test.ts). */
const LIMITS: Partial<RpcOptions> = { maxBodyBytes: 64 * 1024, maxBatch: 50, maxConcurrent: 4, requestTimeoutMs: 1500, authFailureDelayMs: 20 };

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A raw HTTP/1.1 connection: write bytes as you like, read the first response (or learn that none came). */
class RawClient {
  readonly socket: Socket;
  written = 0;
  closed = false;
  private data = Buffer.alloc(0);
  readonly response: Promise<RawResponse | undefined>;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('error', () => undefined);
    this.response = new Promise((resolve) => {
      this.socket.on('data', (chunk: Buffer) => {
        this.data = Buffer.concat([this.data, chunk]);
        const parsed = parseResponse(this.data);
        if (parsed) resolve(parsed);
      });
      this.socket.on('close', () => {
        this.closed = true;
        resolve(parseResponse(this.data, true));
      });
    });
  }

  write(bytes: string | Buffer): boolean {
    if (this.socket.destroyed) return false;
    this.written += Buffer.byteLength(bytes);
    return this.socket.write(bytes);
  }

  /** Writes `chunk` until the server answers or closes, or `max` bytes went out. */
  async pump(chunk: Buffer, max: number, frame: (c: Buffer) => Buffer = (c) => c): Promise<void> {
    let answered = false;
    void this.response.then(() => { answered = true; });
    while (!answered && !this.socket.destroyed && this.written < max) {
      if (!this.write(frame(chunk))) await new Promise((r) => { this.socket.once('drain', r); this.socket.once('close', r); });
      else await new Promise((r) => setImmediate(r));
    }
  }

  /** Resolves once the server closed the connection (or after `ms`). */
  async waitClosed(ms: number): Promise<boolean> {
    if (this.closed) return true;
    await Promise.race([new Promise((r) => this.socket.once('close', r)), new Promise((r) => setTimeout(r, ms))]);
    return this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function parseResponse(data: Buffer, final = false): RawResponse | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  const length = Number(headers['content-length'] ?? 0);
  const body = data.subarray(end + 4);
  if (body.length < length && !final) return undefined;
  return { status: Number(statusLine!.split(' ')[1]), headers, body: body.subarray(0, length).toString('utf8') };
}

const CHUNK = Buffer.alloc(16 * 1024, 0x61);

describe('RPC server under malformed and hostile requests', () => {
  let node: RpcTestNode;
  let port: number;
  let auth: string;

  const head = (extra: string) => `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${auth}\r\n${extra}\r\n`;
  const json = async (body: string, headers: Record<string, string> = {}) => {
    const res = await node.raw(body, headers);
    return { status: res.status, body: JSON.parse(res.text) as unknown };
  };
  const stillServing = async () => expect(await node.result('uptime')).toBeTypeOf('number');

  beforeAll(async () => {
    node = await startRpcNode(tempDir('rpc-abuse'), { rpc: LIMITS });
    port = Number(new URL(node.url).port);
    auth = `Basic ${Buffer.from(node.cookie).toString('base64')}`;
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('invalid JSON gets -32700 with HTTP 500, as Core answers', async () => {
    const bodies = ['{"method":', '', '{method: "getblockcount"}', '[1,', '\u0000\u00ff', '{"method":"uptime"}}'];
    for (const body of bodies) {
      const res = await json(body);
      expect(res.status, body).toBe(500);
      expect(res.body, body).toMatchObject({ result: null, error: { code: RPC.PARSE_ERROR }, id: null });
    }
    await stillServing();
    recordTrial({ area: 'Fuzzing', attack: 'RPC bodies that are not JSON', times: bodies.length, outcome: 'error -32700 (HTTP 500), server serving' });
  });

  it('JSON that is not a request object gets -32600', async () => {
    for (const body of ['42', '"x"', 'null', 'true', '[]', '{"method":42}', '{"method":"uptime","jsonrpc":"3.0"}', '{"method":"uptime","params":"x"}']) {
      const res = await json(body);
      expect(res.status, body).toBe(400);
      expect(res.body, body).toMatchObject({ error: { code: RPC.INVALID_REQUEST } });
    }
    // In a batch, each bad element fails alone.
    const res = await json('[1, "x", {"method":"uptime","id":7}]');
    expect(res.status).toBe(200);
    const replies = res.body as { error: { code: number } | null; id: unknown }[];
    expect(replies.map((r) => r.error?.code ?? null)).toEqual([RPC.INVALID_REQUEST, RPC.INVALID_REQUEST, null]);
    expect(replies[2]!.id).toBe(7);
    recordTrial({ area: 'Fuzzing', attack: 'RPC JSON that is not a request object (alone and in a batch)', times: 9, outcome: 'error -32600, other batch elements served' });
  });

  it('wrong parameter types and values get -3, -8 and -32602 on methods that exist', async () => {
    const code = async (method: string, params: unknown) => (await node.call(method, params)).body.error?.code;
    expect(await code('getblockhash', ['abc'])).toBe(RPC.TYPE_ERROR);
    expect(await code('getblockhash', [1.5])).toBe(RPC.TYPE_ERROR);
    expect(await code('getblockhash', [-1])).toBe(RPC.INVALID_PARAMETER);
    expect(await code('getblockhash', [])).toBe(RPC.INVALID_PARAMS);
    expect(await code('getblockhash', [0, 1, 2, 3, 4, 5, 6, 7, 8])).toBe(RPC.INVALID_PARAMS);
    expect(await code('getblockhash', { nosuchparam: 1 })).toBe(RPC.INVALID_PARAMS);
    expect(await code('getblock', ['zz'])).toBe(RPC.INVALID_PARAMETER);
    expect(await code('getblock', [{}])).toBe(RPC.TYPE_ERROR);
    expect(await code('validateaddress', [42])).toBe(RPC.TYPE_ERROR);
    expect((await node.call('getblockhash', [0])).body.error).toBeNull();
    recordTrial({ area: 'Fuzzing', attack: 'RPC parameters of the wrong type, value or number', times: 9, outcome: 'errors -3, -8, -32602' });
  });

  it('unknown methods get -32601: HTTP 404 for JSON-RPC 1.0, 200 for 2.0', async () => {
    const v1 = await node.call('nosuchmethod', []);
    expect(v1.status).toBe(404);
    expect(v1.body.error?.code).toBe(RPC.METHOD_NOT_FOUND);
    const v2 = await node.call('nosuchmethod', [], { version2: true });
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ jsonrpc: '2.0', error: { code: RPC.METHOD_NOT_FOUND }, id: 1 });
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '']) {
      expect((await node.call(name)).body.error?.code, name).toBe(RPC.METHOD_NOT_FOUND);
    }
    recordTrial({ area: 'Fuzzing', attack: 'RPC unknown methods (incl. __proto__, constructor, toString)', times: 7, outcome: 'error -32601' });
  });

  it('missing, wrong or malformed credentials get 401 with WWW-Authenticate; other HTTP methods get 405', async () => {
    const body = JSON.stringify({ method: 'uptime', params: [], id: 1 });
    const cases: (string | undefined)[] = [undefined, `Basic ${Buffer.from('__cookie__:wrong').toString('base64')}`,
      `Basic ${Buffer.from(`x${node.cookie}`).toString('base64')}`, 'Basic !!!', 'Bearer abc', `Basic ${Buffer.from('nocolon').toString('base64')}`];
    for (const authorization of cases) {
      const res = await fetch(node.url, { method: 'POST', body, headers: authorization ? { authorization } : {} });
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get('www-authenticate'), authorization).toMatch(/^Basic realm=/);
      await res.text();
    }
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await fetch(node.url, { method, headers: { authorization: auth } });
      expect(res.status, method).toBe(405);
      await res.text();
    }
    // Credentials are checked before the method: an unauthenticated GET learns nothing more.
    expect((await fetch(node.url)).status).toBe(401);
    await stillServing();
    recordTrial({ area: 'Security', attack: 'RPC requests with missing, wrong or malformed credentials', times: cases.length + 1, outcome: 'HTTP 401 with WWW-Authenticate' });
  });

  it('a batch over maxBatch gets -32600; one at the limit is served', async () => {
    const batch = (n: number) => JSON.stringify(Array.from({ length: n }, (_, id) => ({ method: 'uptime', id })));
    const over = await json(batch(LIMITS.maxBatch! + 1));
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({ error: { code: RPC.INVALID_REQUEST } });
    const at = await json(batch(LIMITS.maxBatch!));
    expect(at.status).toBe(200);
    expect((at.body as unknown[]).length).toBe(LIMITS.maxBatch);
    recordTrial({ area: 'Security', attack: 'RPC batch over the batch limit', times: 1, outcome: 'error -32600 for the batch' });
  });

  it('a body over maxBodyBytes gets 413 without the server reading it all (declared or chunked)', async () => {
    const declared = new RawClient(port);
    declared.write(head('Content-Type: application/json\r\nContent-Length: 100000000\r\n'));
    await declared.pump(CHUNK, 100_000_000);
    const r1 = await declared.response;
    expect(r1?.status).toBe(413);
    expect(await declared.waitClosed(2000)).toBe(true);
    expect(declared.written).toBeLessThan(10_000_000);

    const chunked = new RawClient(port);
    chunked.write(head('Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n'));
    await chunked.pump(CHUNK, 100_000_000, (c) => Buffer.concat([Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')]));
    const r2 = await chunked.response;
    expect(r2?.status).toBe(413);
    expect(await chunked.waitClosed(2000)).toBe(true);
    expect(chunked.written).toBeLessThan(10_000_000);
    await stillServing();
    recordTrial({ area: 'Security', attack: 'RPC body of 100 MB (declared and chunked) against a 64 KiB limit', times: 2, outcome: 'HTTP 413 and close before 10 MB were sent' });
  });

  it('more than maxConcurrent requests at once: the excess get 503, the rest succeed', async () => {
    const total = LIMITS.maxConcurrent! + 3;
    const body = JSON.stringify({ method: 'uptime', params: [], id: 1 });
    const clients: RawClient[] = [];
    for (let i = 0; i < total; i++) {
      const c = new RawClient(port);
      // Headers and half the body: the server has taken the request and waits for the rest.
      c.write(head(`Content-Type: application/json\r\nContent-Length: ${body.length}\r\n`) + body.slice(0, 10));
      clients.push(c);
      await new Promise((r) => setTimeout(r, 20));
    }
    // The excess are refused at once, while the others still wait for their bodies.
    const early: (RawResponse | undefined)[] = new Array(total);
    clients.forEach((c, i) => void c.response.then((r) => (early[i] = r), () => undefined));
    const refused = () => early.filter((r) => r?.status === 503).length;
    await waitUntil(() => refused() >= total - LIMITS.maxConcurrent!, 'the excess requests to be refused', 10_000);
    expect(refused()).toBe(total - LIMITS.maxConcurrent!);
    expect(early.filter((r) => r !== undefined && r.status !== 503)).toHaveLength(0);
    for (const c of clients) c.write(body.slice(10));
    const answers = await Promise.all(clients.map((c) => c.response));
    const served = answers.filter((r) => r?.status === 200);
    expect(served).toHaveLength(LIMITS.maxConcurrent!);
    for (const r of served) expect(JSON.parse(r!.body)).toMatchObject({ error: null });
    for (const c of clients) c.destroy();
    await stillServing();
    recordTrial({ area: 'Security', attack: 'RPC requests beyond the concurrency limit', times: total, outcome: 'excess get HTTP 503, the rest succeed' });
  });

  it('a client that never finishes its body (or its headers) is cut off after requestTimeoutMs', async () => {
    const slowBody = new RawClient(port);
    slowBody.write(head('Content-Type: application/json\r\nContent-Length: 100\r\n') + '{"method":');
    const slowHeaders = new RawClient(port);
    slowHeaders.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${auth}\r\n`);
    const started = performance.now();
    // Meanwhile others are served.
    await stillServing();
    expect(await slowBody.waitClosed(LIMITS.requestTimeoutMs! + 3000)).toBe(true);
    expect(await slowHeaders.waitClosed(LIMITS.requestTimeoutMs! + 3000)).toBe(true);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThan(LIMITS.requestTimeoutMs! - 200);
    expect(elapsed).toBeLessThan(LIMITS.requestTimeoutMs! + 3000);
    expect((await slowBody.response)?.status).toBe(408);
    await stillServing();
    recordTrial({ area: 'Security', attack: 'RPC client that never finishes its headers or body (slowloris)', times: 2, outcome: 'cut off after the request timeout, others served' });
  });

  it('2,000 random and mutated requests each get a JSON-RPC reply, and the node still works afterwards', async () => {
    const genesis = getGenesisBlock(regtest);
    const known = [genesis.hash, genesis.transactions[0]!.txid, genesis.toHex()];
    const requests = fuzzBodies([...node.rpc.methods.values()].map((m) => ({ name: m.name, params: m.params.map((p) => p.name) })), known, 2000);
    const failures: string[] = [];
    const outcomes = new Map<string, number>();
    const agent = new Agent({ keepAlive: true, maxSockets: LIMITS.maxConcurrent! - 1 });
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const body = requests[next++]!;
        const problem = await checkReply(node.url, agent, auth, body, outcomes);
        if (problem) failures.push(`${problem}\n  request: ${body.slice(0, 300)}`);
      }
    };
    // Fewer loops than maxConcurrent: a 503 here would be a failure, not a finding.
    await Promise.all(Array.from({ length: LIMITS.maxConcurrent! - 1 }, worker));
    agent.destroy();
    expect(failures.slice(0, 10)).toEqual([]);
    // The generator reaches the methods, not only the parser: many results and many kinds of error.
    expect(outcomes.get('result') ?? 0).toBeGreaterThan(50);
    expect(outcomes.size).toBeGreaterThan(6);
    expect(await node.result('getblockcount')).toBeTypeOf('number');
    recordTrial({
      area: 'Fuzzing', attack: 'RPC random and mutated requests (JSON values, calls of every method, mutated calls, batches)', times: requests.length,
      outcome: `a JSON-RPC reply each (${outcomes.get('result') ?? 0} results, ${outcomes.size - 1} error codes), server serving`,
    });
  }, 45_000);
});

/** Methods that the fuzzer must not call: they could stop the node or wait for as long as a random parameter says. */
const FUZZ_SKIP = /^(stop|wait.*|setmocktime|setnetworkactive)$/;

interface MethodShape { name: string; params: string[] }

/**
 * `count` request bodies from a fixed seed: random JSON, random calls of table
 * methods (with `known` strings such as real hashes among the values, so that
 * some calls get past parameter checks), mutations of those calls, small batches.
 */
function fuzzBodies(methods: readonly MethodShape[], known: readonly string[], count: number): string[] {
  const callable = methods.filter((m) => !FUZZ_SKIP.test(m.name));
  const names = callable.map((m) => m.name);
  const paramNames = [...new Set(callable.flatMap((m) => m.params))];
  const value = fc.jsonValue({ maxDepth: 2 });
  const scalar = fc.oneof(fc.integer({ min: -5, max: 300 }), fc.double({ noNaN: true }), fc.string({ maxLength: 70 }),
    fc.constantFrom(...known, '0'.repeat(64), 'f'.repeat(64), '00', 'tlr1', '', true, false, null, -1, 0, 1, 2, 2 ** 53, 1e300));
  const call = fc.record({
    jsonrpc: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 6, arbitrary: fc.constantFrom('1.0', '2.0') }, value),
    method: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...names) }, fc.string({ maxLength: 12 }), value),
    params: fc.oneof(
      { weight: 2, arbitrary: fc.constant(undefined) },
      { weight: 8, arbitrary: fc.array(fc.oneof({ weight: 3, arbitrary: scalar }, value), { maxLength: 4 }) },
      { weight: 2, arbitrary: fc.dictionary(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...paramNames) }, fc.string({ maxLength: 8 })), scalar, { maxKeys: 3 }) },
      value,
    ),
    id: fc.oneof(fc.constant(undefined), value),
  }, { requiredKeys: ['method'] });
  const callText = call.map((c) => JSON.stringify(c));
  const mutated = fc.tuple(callText, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...'{}[]",:\\0123456789abcdefnult- '), fc.constantFrom('insert', 'replace', 'delete')), { minLength: 1, maxLength: 3 }))
    .map(([text, edits]) => edits.reduce((t, [at, ch, op]) => {
      const i = at % (t.length + 1);
      return op === 'insert' ? t.slice(0, i) + ch + t.slice(i) : op === 'replace' ? t.slice(0, i) + ch + t.slice(i + 1) : t.slice(0, i) + t.slice(i + 1);
    }, text));
  const body = fc.oneof(
    { weight: 1, arbitrary: value.map((v) => JSON.stringify(v)) },
    { weight: 5, arbitrary: callText },
    { weight: 3, arbitrary: mutated },
    { weight: 1, arbitrary: fc.array(fc.oneof(call, value), { minLength: 1, maxLength: 5 }).map((b) => JSON.stringify(b)) },
  );
  return fc.sample(body, { numRuns: count, seed: 20_241_122 });
}

/** POSTs `body` over a keep-alive agent (several times faster than fetch for thousands of small requests). */
function post(url: string, agent: Agent, auth: string, body: string): Promise<{ status: number; contentType: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { authorization: auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Why the reply to `body` is not an acceptable JSON-RPC reply, or undefined when it is. */
async function checkReply(url: string, agent: Agent, auth: string, body: string, outcomes: Map<string, number>): Promise<string | undefined> {
  let res: { status: number; contentType: string; text: string };
  try {
    res = await post(url, agent, auth, body);
  } catch (err) {
    return `connection failed: ${(err as Error).message}`;
  }
  const text = res.text;
  if (![200, 400, 404, 500].includes(res.status)) return `HTTP ${res.status}: ${text.slice(0, 100)}`;
  if (!res.contentType.startsWith('application/json')) return `HTTP ${res.status} with a non-JSON body: ${text.slice(0, 100)}`;
  let reply: unknown;
  try {
    reply = JSON.parse(text);
  } catch {
    return `unparseable reply: ${text.slice(0, 100)}`;
  }
  const replies = Array.isArray(reply) ? reply : [reply];
  if (Array.isArray(reply) && res.status !== 200) return `batch reply with HTTP ${res.status}`;
  for (const r of replies) {
    if (typeof r !== 'object' || r === null || !('id' in r)) return `not a reply object: ${JSON.stringify(r).slice(0, 100)}`;
    const error = (r as { error?: unknown }).error;
    if (error === undefined || error === null) {
      if (!('result' in r)) return 'reply without result or error';
      outcomes.set('result', (outcomes.get('result') ?? 0) + 1);
      continue;
    }
    outcomes.set(String((error as { code?: unknown }).code), (outcomes.get(String((error as { code?: unknown }).code)) ?? 0) + 1);
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (!Number.isInteger(code) || typeof message !== 'string') return `malformed error: ${JSON.stringify(error)}`;
    if (code === RPC.INTERNAL_ERROR) return `internal error (a method threw something unexpected): ${message}`;
  }
  if (!Array.isArray(reply)) {
    const error = (reply as { error?: { code: number } | null }).error;
    const v2 = (reply as { jsonrpc?: unknown }).jsonrpc === '2.0';
    const expected = !error ? 200 : error.code === RPC.PARSE_ERROR ? 500 : v2 ? 200 : error.code === RPC.INVALID_REQUEST ? 400 : error.code === RPC.METHOD_NOT_FOUND ? 404 : 500;
    if (res.status !== expected) return `HTTP ${res.status} for ${JSON.stringify(reply).slice(0, 100)} (expected ${expected})`;
  }
  return undefined;
}
