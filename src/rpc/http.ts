/** HTTP helpers of the RPC server: request targets, bodies, client addresses, origins, refusals of WebSocket upgrades. */
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { Duplex } from 'node:stream';

/** The client's IP address, IPv4-mapped IPv6 written as IPv4. */
export function clientIp(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** True for 127.0.0.0/8 and ::1. */
export function isLoopback(ip: string): boolean {
  return LOOPBACK.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}

/** A request's target, parsed once by the server for every attachment: its path and its query. */
export interface RequestTarget {
  path: string;
  query: URLSearchParams;
}

/** Schemes a client may name in an absolute-form target (RFC 9112 §3.2.2: what proxies send). */
const ABSOLUTE_FORM_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:']);

/**
 * Parses a request target, or undefined for one that names no resource here
 * (`*`, an unparseable absolute URL). An origin-form target (`/a?b`) is appended
 * to a fixed origin rather than resolved against it: resolved, `//x` reads as a
 * host and `//` or `//[` throw. Never throws: this is the first thing a server
 * does with a raw request line.
 */
export function requestTarget(url: string | undefined): RequestTarget | undefined {
  const target = url ?? '';
  try {
    const parsed = target.startsWith('/') ? new URL(`http://localhost${target}`) : new URL(target);
    if (!target.startsWith('/') && !ABSOLUTE_FORM_SCHEMES.has(parsed.protocol)) return undefined;
    return { path: parsed.pathname, query: parsed.searchParams };
  } catch {
    return undefined;
  }
}

/**
 * The body as text, or undefined when it exceeds `maxBytes` (the rest is not
 * read; the caller answers 413 with Connection: close).
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Stop reading but keep the socket: destroying it here would lose the 413 (sent with Connection: close).
        req.removeAllListeners('data');
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** True when the request announces a body (a length above 0, or chunks). */
export function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** Retry-After takes whole seconds; never 0, which would invite an immediate retry. */
export function retryAfterSeconds(wait: number): number {
  return Math.max(1, Math.ceil(wait));
}

/** Answers an upgrade request with a plain HTTP error and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, text: string, headers: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${text}\r\n${extra}Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
}

/**
 * False for a request a browser sent from another site: browsers add `Origin` to
 * cross-site POSTs and WebSocket upgrades, and attach any Basic credentials they
 * cached for this server (an operator who opened the explorer), so without this
 * any web page could call the RPC. Clients that send no Origin (curl, libraries) pass.
 */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === (req.headers.host ?? '').toLowerCase();
  } catch {
    return false;
  }
}

/** Adds an `rpc-allow-ip` entry (an address or a CIDR range) to `list`. */
export function addAllowed(list: BlockList, entry: string): void {
  const [ip, bits] = entry.split('/');
  const family = isIP(ip ?? '');
  if (family === 0) throw new RangeError(`rpc-allow-ip: "${entry}" is not an IP address or CIDR range`);
  const type = family === 6 ? 'ipv6' : 'ipv4';
  if (bits === undefined) list.addAddress(ip!, type);
  else list.addSubnet(ip!, Number(bits), type);
}
