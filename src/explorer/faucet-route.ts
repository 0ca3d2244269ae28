/**
 * The explorer's public faucet (with `tally node --faucet <wallet> --explorer`),
 * for students without RPC credentials:
 * - GET `/faucet`: the page (static/faucet.html), with its script, style and icon public too;
 * - GET `/faucet/info`: `{ network, amount, balance, limits, payouts }` as JSON;
 * - POST `/faucet/request` with `{ "address": "..." }`: `{ txid, amount, address, time }`, or
 *   `{ error: { code, reason, message, retry_after? } }` with HTTP 400, 429 (and `Retry-After`) or 503.
 * The client IP the per-IP limit counts is the socket's remote address; the last
 * X-Forwarded-For entry only when the operator said a proxy sets it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { isTallyError } from '../primitives/errors.js';
import type { Logger } from '../util/logger.js';

export const FAUCET_PAGE = '/faucet';
export const FAUCET_INFO = '/faucet/info';
export const FAUCET_REQUEST = '/faucet/request';
/** The static files the public page loads (anything else under /explorer/ keeps needing a session). */
export const FAUCET_FILES = ['faucet.html', 'faucet.js', 'format.js', 'style.css', 'favicon.svg'];
const MAX_BODY = 1024;

interface PayoutView { txid: string; address: string; amount: bigint; time: number }

/** What the explorer uses of the faucet service (src/faucet's Faucet satisfies it; the composition root hands it in). */
export interface ExplorerFaucet {
  info(): { network: string; amount: bigint; balance: bigint; limits: { addressIntervalSeconds: number; ipLimit: number; ipWindowSeconds: number }; payouts: PayoutView[] };
  request(address: unknown, ip?: string): Promise<PayoutView>;
}

export interface FaucetRouteOptions {
  endpoint: ExplorerFaucet;
  /** Behind a reverse proxy: the client is the last X-Forwarded-For entry. */
  trustForwardedFor: boolean;
}

const coins = (sats: bigint): number => Number(sats) / 1e8;
const payoutJson = (p: PayoutView) => ({ txid: p.txid, address: p.address, amount: coins(p.amount), time: p.time });

/** The IP the per-IP limit counts for `req`. */
export function faucetClientIp(req: IncomingMessage, trustForwardedFor: boolean): string {
  const forwarded = req.headers['x-forwarded-for'];
  if (trustForwardedFor && typeof forwarded === 'string') {
    // The proxy appends the address it saw: the last entry is the one a client cannot forge.
    const last = forwarded.split(',').pop()!.trim();
    if (isIP(last)) return last;
  }
  // A socket already gone has no address: such requests share one bucket rather than escape the limit.
  return req.socket.remoteAddress ?? 'unknown';
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers });
  res.end(text);
}

function readSmallBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > MAX_BODY) {
        req.removeAllListeners('data');
        req.pause();
        resolve(undefined);
      }
    });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

/** A refusal as the page shows it: HTTP status by kind, the faucet's words and codes. */
function refusal(err: unknown): { status: number; body: unknown; headers: Record<string, string> } {
  if (!isTallyError(err)) return { status: 500, body: { error: { code: -32603, reason: 'internal', message: 'The faucet failed; try again later' } }, headers: {} };
  const { rpcCode, retryAfter } = err as { rpcCode?: number; retryAfter?: number };
  const status = retryAfter !== undefined ? 429 : rpcCode === -6 || rpcCode === -13 || rpcCode === -18 ? 503 : 400;
  const error = { code: rpcCode ?? -1, reason: err.code, message: err.message, ...(retryAfter !== undefined ? { retry_after: retryAfter } : {}) };
  return { status, body: { error }, headers: retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {} };
}

export class FaucetRoutes {
  constructor(private readonly opts: FaucetRouteOptions, private readonly log: Logger) {}

  /** True for the requests anyone may make: the page, its files, the info and the payout request. */
  isPublic(req: IncomingMessage, path: string): boolean {
    if (req.method === 'POST') return path === FAUCET_REQUEST;
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    return path === FAUCET_PAGE || path === FAUCET_INFO || FAUCET_FILES.some((f) => path === `/explorer/${f}`);
  }

  /** Answers the faucet's own paths (not its static files, which the explorer serves); false for others. */
  route(req: IncomingMessage, res: ServerResponse, path: string, page: () => boolean): boolean {
    if (path === FAUCET_PAGE && (req.method === 'GET' || req.method === 'HEAD')) return page();
    if (path === FAUCET_INFO && req.method === 'GET') return this.info(res);
    if (path === FAUCET_REQUEST && req.method === 'POST') {
      this.request(req, res).catch((err: unknown) => {
        this.log.warn({ err: (err as Error).message }, 'faucet request failed');
        if (!res.headersSent) sendJson(res, 500, { error: { code: -32603, reason: 'internal', message: 'The faucet failed; try again later' } });
      });
      return true;
    }
    return false;
  }

  private info(res: ServerResponse): boolean {
    try {
      const i = this.opts.endpoint.info();
      const limits = { address_interval: i.limits.addressIntervalSeconds, ip_limit: i.limits.ipLimit, ip_window: i.limits.ipWindowSeconds };
      sendJson(res, 200, { network: i.network, amount: coins(i.amount), balance: coins(i.balance), limits, payouts: i.payouts.map(payoutJson) });
    } catch (err) {
      const r = refusal(err);
      sendJson(res, r.status, r.body, r.headers);
    }
    return true;
  }

  private async request(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readSmallBody(req);
    let address: unknown;
    try {
      address = text === undefined ? undefined : (JSON.parse(text) as { address?: unknown }).address;
    } catch {
      address = undefined;
    }
    if (text === undefined) res.setHeader('Connection', 'close');
    try {
      const payout = await this.opts.endpoint.request(address, faucetClientIp(req, this.opts.trustForwardedFor));
      sendJson(res, 200, payoutJson(payout));
    } catch (err) {
      const r = refusal(err);
      sendJson(res, r.status, r.body, r.headers);
    }
  }
}
