/**
 * The RPC server's security properties, tried against real servers over real
 * sockets: it binds loopback unless told otherwise (through the option
 * resolution `tally node` uses), every HTTP request and WebSocket upgrade
 * needs credentials, bad credentials are answered after a pause that holds
 * no one else up and without timing differences that depend on the secret,
 * bodies are bounded, and each client address is rate-limited (HTTP 429 with
 * Retry-After; loopback exempt by default), WebSocket messages included.
 *
 * Clients from several addresses come from binding the client socket to
 * other loopback addresses (127.0.0.2, 127.0.0.3: all of 127/8 is local on Linux).
 */
import { randomBytes } from 'node:crypto';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { networkInterfaces } from 'node:os';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { resolveConfig } from '../../../src/node/config.js';
import { checkBasicAuth } from '../../../src/rpc/auth.js';
import { rpcOptionsFromConfig } from '../../../src/node/options/rpc.js';
import { RPC } from '../../../src/rpc/errors.js';
import { DEFAULT_RATE_BURST, DEFAULT_RATE_LIMIT, type RpcOptions } from '../../../src/rpc/options.js';
import { recordTrial } from '../../helpers/reliability.js';
import { startRpcNode, type RpcTestNode } from '../../helpers/rpc.js';
import { tempDir } from '../../helpers/tmp.js';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

const basic = (cred: string) => `Basic ${Buffer.from(cred).toString('base64')}`;
const CALL = JSON.stringify({ method: 'uptime', params: [], id: 1 });

/** One HTTP request; `from` binds the client socket to that local address. */
function send(port: number, opts: { method?: string; auth?: string; body?: string; from?: string; agent?: Agent; headers?: Record<string, string> } = {}): Promise<Reply> {
  const body = opts.body ?? (opts.method === undefined || opts.method === 'POST' ? CALL : undefined);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...(opts.auth ? { authorization: opts.auth } : {}), ...opts.headers };
    if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
    const req = request({
      host: '127.0.0.1', port, method: opts.method ?? 'POST', path: '/', headers,
      ...(opts.from ? { localAddress: opts.from } : {}), agent: opts.agent ?? false,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens a WebSocket to /ws: 'open' (then closed again) or the HTTP status of the refused upgrade. */
function upgrade(port: number, headers: Record<string, string>, from?: string): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers, ...(from ? { localAddress: from } : {}) });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      resolve('open');
      ws.close();
    });
    ws.once('error', (err) => reject(err));
  });
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Mean of the middle 60% (drops the slowest and fastest 20%: scheduler stalls, GC). */
function trimmedMean(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const cut = Math.floor(s.length * 0.2);
  const mid = s.slice(cut, s.length - cut);
  return mid.reduce((a, b) => a + b, 0) / mid.length;
}

/** A fixed-seed shuffle (xorshift), so runs interleave the classes the same way. */
function shuffled<T>(items: readonly T[], seed: { s: number }): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    seed.s ^= seed.s << 13;
    seed.s ^= seed.s >>> 17;
    seed.s ^= seed.s << 5;
    const j = (seed.s >>> 0) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A password differing from `secret` in its first character, its last, or its length (two shorter, two longer). */
function wrongPasswords(secret: string): Record<string, string> {
  const other = (c: string) => (c === 'a' ? 'b' : 'a');
  return {
    'first byte wrong': other(secret[0]!) + secret.slice(1),
    'last byte wrong': secret.slice(0, -1) + other(secret.at(-1)!),
    'too short': secret.slice(0, -2),
    'too long': `${secret}aa`,
  };
}

describe('RPC security', () => {
  const USER = 'operator';
  const PASSWORD = randomBytes(32).toString('hex');
  /** The defaults as `tally node` resolves them (a datadir without tally.conf, no options), plus --rpc-user/--rpc-password. */
  let resolved: RpcOptions;
  let plain: RpcTestNode;
  let timing: RpcTestNode;
  let limited: RpcTestNode;
  let patient: RpcTestNode;
  const port = (n: RpcTestNode) => n.rpc.address.port;

  beforeAll(async () => {
    const dir = tempDir('rpc-security');
    resolved = rpcOptionsFromConfig(resolveConfig({ network: 'regtest', datadir: `${dir}/plain`, options: { 'rpc-user': [USER], 'rpc-password': [PASSWORD] } }));
    [plain, timing, limited, patient] = await Promise.all([
      startRpcNode(`${dir}/plain`, { rpc: { ...resolved, port: 0 } }),
      // No pause before a 401: the timing test measures the credential check itself.
      startRpcNode(`${dir}/timing`, { rpc: { ...resolved, port: 0, authFailureDelayMs: 0 } }),
      startRpcNode(`${dir}/limited`, { rpc: { ...resolved, port: 0, rateLimit: 2, rateBurst: 6, rateLimitLoopback: true, authFailureDelayMs: 0 } }),
      // A long pause, so that many refusals wait at once.
      startRpcNode(`${dir}/patient`, { rpc: { ...resolved, port: 0, authFailureDelayMs: 1500 } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([plain?.stop(), timing?.stop(), limited?.stop(), patient?.stop()]);
  });

  it('binds 127.0.0.1 by default, and listens there only', async () => {
    expect(resolved.bind).toBe('127.0.0.1');
    expect(plain.rpc.address.host).toBe('127.0.0.1');
    expect((await send(port(plain), { auth: basic(plain.cookie) })).status).toBe(200);
    // Where this machine has another address, nothing answers on it.
    const external = Object.values(networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4');
    if (external) {
      const refused = await new Promise<boolean>((resolve) => {
        const s = connect(port(plain), external.address);
        s.once('connect', () => { s.destroy(); resolve(false); });
        s.once('error', () => resolve(true));
      });
      expect(refused, external.address).toBe(true);
    }
    recordTrial({ area: 'Security', attack: 'RPC default bind address (tally node option resolution)', times: 1, outcome: `listens on 127.0.0.1 only${external ? ', connection to the machine\'s other IPv4 address refused' : ''}` });
  });

  it('every HTTP request needs credentials: missing, wrong or malformed ones get 401', async () => {
    const bad = [undefined, basic(`${USER}:wrong`), basic(`${USER}:${PASSWORD}x`), basic(`nobody:${PASSWORD}`), basic('__cookie__:'), basic(plain.cookie.slice(0, -1)),
      basic(USER), 'Basic', 'Basic !!!!', `Bearer ${PASSWORD}`];
    const requests = [{ method: 'POST' }, { method: 'POST', body: JSON.stringify([{ method: 'uptime', id: 1 }, { method: 'stop', id: 2 }]) }, { method: 'GET' }, { method: 'PUT' }, { method: 'OPTIONS' }, { method: 'DELETE' }];
    let tries = 0;
    await Promise.all(requests.flatMap((r) => bad.map(async (auth) => {
      const res = await send(port(timing), { ...r, ...(auth ? { auth } : {}) });
      expect(res.status, `${r.method} ${auth}`).toBe(401);
      expect(res.headers['www-authenticate'], `${r.method} ${auth}`).toBe('Basic realm="jsonrpc"');
      expect(res.body).toBe('');
      tries++;
    })));
    // The right credentials (cookie, or --rpc-user) get through; 'stop' in the unauthorized batch did not run.
    expect((await send(port(timing), { auth: basic(timing.cookie) })).status).toBe(200);
    expect((await send(port(timing), { auth: basic(`${USER}:${PASSWORD}`) })).status).toBe(200);
    expect((await send(port(timing), { method: 'GET', auth: basic(timing.cookie) })).status).toBe(405);
    recordTrial({ area: 'Security', attack: 'RPC requests without valid credentials (6 HTTP methods and batches, 10 kinds of bad Authorization)', times: tries, outcome: 'HTTP 401, nothing executed' });
  });

  it('every WebSocket upgrade needs credentials: missing or wrong ones get 401 and no socket', async () => {
    const bad: Record<string, string>[] = [{}, { authorization: basic(`${USER}:wrong`) }, { authorization: basic(`${USER}:${PASSWORD.slice(1)}`) }, { authorization: 'Basic !!!' },
      { authorization: basic(plain.cookie), origin: 'http://evil.example' }];
    for (const headers of bad) expect(await upgrade(port(timing), headers), JSON.stringify(headers)).toBe(401);
    expect(await upgrade(port(timing), { authorization: basic(`${USER}:${PASSWORD}`) })).toBe('open');
    expect(await upgrade(port(timing), { authorization: basic(timing.cookie) })).toBe('open');
    recordTrial({ area: 'Security', attack: 'WebSocket upgrade without valid credentials (missing, wrong, malformed, cross-origin)', times: bad.length, outcome: 'HTTP 401, upgrade refused' });
  });

  it('bad credentials are answered after the pause, without holding up other clients', async () => {
    expect(resolved.authFailureDelayMs).toBe(250);
    const started = performance.now();
    const timed = async (p: Promise<unknown>) => {
      await p;
      return performance.now() - started;
    };
    const bad = Array.from({ length: 5 }, () => timed(send(port(plain), { auth: basic(`${USER}:guess`) })));
    const badUpgrade = timed(upgrade(port(plain), { authorization: basic(`${USER}:guess`) }));
    const good = await timed(send(port(plain), { auth: basic(`${USER}:${PASSWORD}`) }));
    const refusals = await Promise.all([...bad, badUpgrade]);
    // Timers fire no earlier than asked; the 5 ms margin is for the two clocks' rounding.
    for (const ms of refusals) expect(ms).toBeGreaterThanOrEqual(245);
    expect(good).toBeLessThan(Math.min(...refusals));
    recordTrial({ area: 'Security', attack: 'RPC password guessing (bad credentials over HTTP and WebSocket)', times: refusals.length, outcome: '401 only after 250 ms; a concurrent valid request answered first' });
  });

  it('a guesser opening many connections at once gets at most 256 waiting refusals; the rest are closed unanswered', async () => {
    const GUESSES = 320;
    const started = performance.now();
    const guesses = Array.from({ length: GUESSES }, (_v, i) => send(port(patient), { method: 'GET', auth: basic(`${USER}:guess${i}`) }).then((r) => r.status, () => 'closed' as const));
    // While they wait, a client with the right password is served at once.
    const good = await send(port(patient), { auth: basic(`${USER}:${PASSWORD}`) });
    const goodMs = performance.now() - started;
    const outcomes = await Promise.all(guesses);
    const refused = outcomes.filter((o) => o === 401).length;
    expect(good.status).toBe(200);
    expect(goodMs).toBeLessThan(1500);
    expect(refused + outcomes.filter((o) => o === 'closed').length).toBe(GUESSES);
    expect(refused).toBeLessThanOrEqual(256);
    expect(refused).toBeGreaterThan(0);
    recordTrial({ area: 'Security', attack: `RPC password guessing over ${GUESSES} connections at once`, times: GUESSES, outcome: `${refused} answered 401 after the pause, ${GUESSES - refused} closed unanswered; valid client served meanwhile` });
  });

  it('bad credentials are rejected without timing differences that depend on the secret', async () => {
    /*
     * A sanity check, not the guarantee. The guarantee is in auth.ts: both sides are
     * hashed with SHA-256 and the fixed-length digests compared with timingSafeEqual,
     * for every accepted credential, user and password, without early exit; so the
     * work done does not depend on where (or whether) a guess differs from the secret.
     * A difference of a few nanoseconds (a naive string compare) is far below what can
     * be measured through HTTP on a shared, loaded machine. What this catches is a
     * gross leak: an early return for a wrong length or user, or a comparison that
     * stops at the first wrong byte of a slow check. Requests of all classes are
     * interleaved in a fixed random order, so load from other processes falls on all
     * classes alike, and compared by median and trimmed mean, which ignore stalls.
     */
    const classes: Record<string, string> = {
      ...Object.fromEntries(Object.entries(wrongPasswords(PASSWORD)).map(([k, p]) => [k, basic(`${USER}:${p}`)])),
      'wrong user': basic(`${USER.slice(0, -1)}x:${PASSWORD}`),
    };
    const names = Object.keys(classes);
    const samples = new Map<string, number[]>(names.map((n) => [n, []]));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const once = async (name: string) => {
      const t0 = performance.now();
      const res = await send(port(timing), { method: 'GET', auth: classes[name]!, agent });
      const ms = performance.now() - t0;
      expect(res.status).toBe(401);
      return ms;
    };
    for (let i = 0; i < 60; i++) await once(names[i % names.length]!);
    const ROUNDS = 200;
    const seed = { s: 0x5eed };
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of shuffled(names, seed)) samples.get(name)!.push(await once(name));
    }
    agent.destroy();
    const medians = names.map((n) => median(samples.get(n)!));
    const means = names.map((n) => trimmedMean(samples.get(n)!));
    const overall = median(names.flatMap((n) => samples.get(n)!));
    // Tolerance: a quarter of a typical round trip, at least 0.15 ms; a leak worth exploiting over a network is larger.
    const tolerance = Math.max(0.15, overall / 4);
    const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
    const report = names.map((n, i) => `${n}: median ${medians[i]!.toFixed(3)} ms, trimmed mean ${means[i]!.toFixed(3)} ms`).join('; ');
    expect(spread(medians), report).toBeLessThan(tolerance);
    expect(spread(means), report).toBeLessThan(tolerance);
    recordTrial({
      area: 'Security', attack: 'timing of RPC credential rejection (first byte, last byte, length or user wrong), over HTTP', times: ROUNDS * names.length,
      outcome: `medians within ${spread(medians).toFixed(3)} ms of each other (round trip ${overall.toFixed(2)} ms)`,
    });
  });

  it('checkBasicAuth takes the same time wherever a guess differs from the secret', () => {
    // The same comparison in process, where the measurement is a thousand times finer than over HTTP.
    const accepted = [{ user: '__cookie__', password: randomBytes(32).toString('hex') }, { user: USER, password: PASSWORD }];
    const classes = Object.values(wrongPasswords(PASSWORD)).map((p) => basic(`${USER}:${p}`));
    // Short blocks, many of them, interleaved: most blocks run undisturbed, and the 10th percentile of each
    // class is such a block (other processes and GC only ever add time). The median is reported alongside.
    const BLOCK = 40;
    const ROUNDS = 150;
    const blocks: number[][] = classes.map(() => []);
    const seed = { s: 0xc0ffee };
    for (let round = 0; round < ROUNDS; round++) {
      for (const i of shuffled(classes.map((_c, k) => k), seed)) {
        const header = classes[i]!;
        const t0 = performance.now();
        for (let k = 0; k < BLOCK; k++) if (checkBasicAuth(header, accepted)) throw new Error('accepted a wrong password');
        blocks[i]!.push((performance.now() - t0) / BLOCK);
      }
    }
    const p10 = blocks.map((b) => [...b].sort((x, y) => x - y)[Math.floor(b.length / 10)]!);
    const ratio = Math.max(...p10) / Math.min(...p10);
    const report = blocks.map((b, i) => `p10 ${(p10[i]! * 1000).toFixed(2)} µs, median ${(median(b) * 1000).toFixed(2)} µs`).join('; ');
    // Within 25%: a few microseconds per call, the same hashing for each class.
    expect(ratio, report).toBeLessThan(1.25);
    expect(checkBasicAuth(basic(`${USER}:${PASSWORD}`), accepted)).toBe(true);
    recordTrial({ area: 'Security', attack: 'timing of checkBasicAuth (first byte, last byte or length wrong), in process', times: ROUNDS * BLOCK * classes.length, outcome: `per-call times (10th percentile) within ${((ratio - 1) * 100).toFixed(1)}% of each other` });
  });

  it('a body over the default limit gets 413 without being read', async () => {
    expect(resolved.maxBodyBytes).toBe(16 * 1024 * 1024);
    const res = await new Promise<Reply>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: port(plain), method: 'POST', path: '/', agent: false,
        headers: { authorization: basic(plain.cookie), 'content-length': resolved.maxBodyBytes + 1 } }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      // Announce the whole body, send 1 KiB of it: the answer comes without the rest.
      req.write(Buffer.alloc(1024, 0x20));
    });
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe('close');
    expect((await send(port(plain), { auth: basic(plain.cookie) })).status).toBe(200);
    recordTrial({ area: 'Security', attack: 'RPC body over the default 16 MiB limit', times: 1, outcome: 'HTTP 413 before the body is read, connection closed' });
  });

  it('loopback clients are not rate-limited by default', async () => {
    expect([resolved.rateLimit, resolved.rateBurst, resolved.rateLimitLoopback]).toEqual([DEFAULT_RATE_LIMIT, DEFAULT_RATE_BURST, false]);
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const n = DEFAULT_RATE_BURST + 50;
    const statuses = await Promise.all(Array.from({ length: n }, () => send(port(plain), { auth: basic(plain.cookie), agent }).then((r) => r.status)));
    agent.destroy();
    expect(statuses.filter((s) => s === 200)).toHaveLength(n);
  });

  it('a client over the rate limit gets 429 with Retry-After, others go on, and it recovers', async () => {
    const p = port(limited);
    const auth = basic(limited.cookie);
    const A = '127.0.0.2';
    const started = performance.now();
    const statuses: number[] = [];
    let refused: Reply | undefined;
    // The burst (6) passes; at 2 per second, the few more that refill while these run pass too.
    while (!refused && statuses.length < 20) {
      const res = await send(p, { auth, from: A });
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    const refill = Math.ceil(((performance.now() - started) / 1000) * 2);
    expect(statuses.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(refused, statuses.join(',')).toBeDefined();
    expect(statuses.length).toBeLessThanOrEqual(6 + refill + 1);
    expect(refused!.headers['retry-after']).toBe('1');
    expect(refused!.headers['content-type']).toBe('application/json');
    expect(refused!.headers.connection).toBe('close');
    expect(JSON.parse(refused!.body)).toEqual({ result: null, error: { code: RPC.LIMIT_EXCEEDED, message: expect.any(String) }, id: null });
    // Guessing gets no further: unauthenticated requests and upgrades count, and are refused with 429 too.
    expect((await send(p, { auth: basic(`${USER}:guess`), from: A })).status).toBe(429);
    expect(await upgrade(p, { authorization: auth }, A)).toBe(429);
    // Another address is unaffected.
    expect((await send(p, { auth, from: '127.0.0.3' })).status).toBe(200);
    expect(await upgrade(p, { authorization: auth }, '127.0.0.3')).toBe('open');
    await new Promise((r) => setTimeout(r, 1000 * Number(refused!.headers['retry-after'])));
    expect((await send(p, { auth, from: A })).status).toBe(200);
    expect(limited.rpc.requestCounts().get('- 429')).toBeGreaterThanOrEqual(3);
    recordTrial({ area: 'Security', attack: 'RPC request flood from one address (rate limit 2/s, burst 6)', times: statuses.length + 2, outcome: '429 with Retry-After and error -32005 past the burst; other addresses served; recovered after Retry-After' });
  });

  it('WebSocket messages are limited in rate and size', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port(plain)}/ws`, { headers: { authorization: basic(plain.cookie) } });
    const replies: { result?: unknown; error?: { code: number } }[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(String(d)) as (typeof replies)[number]));
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    const SENT = 20 + 100 + 80;
    for (let i = 0; i < SENT; i++) ws.send(JSON.stringify({ jsonrpc: '2.0', id: i, method: 'subscribe', params: { topics: ['blocks'] } }));
    // Past 100 refusals (forgiven at 1 per second) the server closes with 1008 (policy violation).
    expect(await closed).toBe(1008);
    const answered = replies.filter((r) => r.result !== undefined).length;
    const limitedReplies = replies.filter((r) => r.error?.code === RPC.LIMIT_EXCEEDED).length;
    // 20 at once; a token or two more may refill (10 per second) while the flood arrives.
    expect(answered).toBeGreaterThanOrEqual(20);
    expect(answered).toBeLessThan(25);
    expect(limitedReplies).toBeGreaterThanOrEqual(100);
    expect(limitedReplies).toBeLessThan(105);

    const big = new WebSocket(`ws://127.0.0.1:${port(plain)}/ws`, { headers: { authorization: basic(plain.cookie) } });
    await new Promise((resolve, reject) => { big.once('open', resolve); big.once('error', reject); });
    const bigClosed = new Promise<number>((resolve) => big.once('close', (code) => resolve(code)));
    big.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'subscribe', params: { addresses: ['x'.repeat(300 * 1024)] } }));
    expect(await bigClosed).toBe(1009);
    // The server serves on.
    expect(await upgrade(port(plain), { authorization: basic(plain.cookie) })).toBe('open');
    recordTrial({ area: 'Security', attack: 'WebSocket message flood (200 messages at once) and a 300 KiB message', times: SENT + 1, outcome: '20 answered, then error -32005, closed 1008 after 100 refusals; oversized closed 1009' });
  });
});
