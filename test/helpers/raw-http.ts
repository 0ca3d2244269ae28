/**
 * HTTP and WebSocket spoken byte by byte over raw TCP, for tests of what a
 * server does with requests no HTTP client would send (targets such as `//`,
 * broken request lines and headers, hand-made WebSocket frames). Every wait is
 * bounded.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

export interface RawExchange {
  /** Everything the server sent. */
  response: Buffer;
  /** The status code of the first response line, when there was one. */
  status?: number;
  /** Whether the server closed the connection (rather than the client giving up waiting). */
  closedByServer: boolean;
}

export interface RawExchangeOptions {
  /** Once something has arrived, how long a silence ends the exchange. */
  idleMs?: number;
  /** The longest the exchange may take. */
  maxMs?: number;
}

/** Writes `bytes` to 127.0.0.1:`port` and collects the answer until the server closes, falls silent or `maxMs` passes. */
export function rawExchange(port: number, bytes: Buffer | string, opts: RawExchangeOptions = {}): Promise<RawExchange> {
  const idleMs = opts.idleMs ?? 100;
  const maxMs = opts.maxMs ?? 2_000;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    let idle: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (closedByServer: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      clearTimeout(overall);
      socket.destroy();
      const response = Buffer.concat(chunks);
      const status = statusOf(response);
      resolve({ response, closedByServer, ...(status === undefined ? {} : { status }) });
    };
    const overall = setTimeout(() => finish(false), maxMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      clearTimeout(idle);
      idle = setTimeout(() => finish(false), idleMs);
    });
    socket.on('close', () => finish(true));
    // A reset after the server refused the request is an answer too: 'close' follows.
    socket.on('error', () => undefined);
  });
}

/** The status code of an HTTP response's first line. */
export function statusOf(response: Buffer): number | undefined {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(response.subarray(0, 32).toString('latin1'));
  return m ? Number(m[1]) : undefined;
}

export const basicAuth = (credentials: string): string => `Basic ${Buffer.from(credentials).toString('base64')}`;

/** A request line and headers (and a body), written exactly as given. */
export function rawRequest(requestLine: string, headers: readonly (readonly [string, string])[], body: Buffer | string = ''): Buffer {
  const head = `${requestLine}\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')]);
}

/** The headers of a well-formed WebSocket upgrade (RFC 6455 §4.1). */
export function upgradeHeaders(extra: readonly (readonly [string, string])[] = []): (readonly [string, string])[] {
  return [
    ['Host', '127.0.0.1'],
    ['Connection', 'Upgrade'],
    ['Upgrade', 'websocket'],
    ['Sec-WebSocket-Version', '13'],
    ['Sec-WebSocket-Key', randomBytes(16).toString('base64')],
    ...extra,
  ];
}

export interface FrameSpec {
  opcode: number;
  payload: Buffer;
  fin?: boolean;
  /** RSV1-3 bits (0-7); anything but 0 is a protocol error without an extension. */
  rsv?: number;
  /** Clients must mask (RFC 6455 §5.3); false sends an unmasked frame. */
  masked?: boolean;
  /** A length to declare instead of the payload's own. */
  declaredLength?: number;
}

/** One WebSocket frame as a client sends it (RFC 6455 §5.2). */
export function wsFrame(spec: FrameSpec): Buffer {
  const { opcode, payload, fin = true, rsv = 0, masked = true } = spec;
  const length = spec.declaredLength ?? payload.length;
  const head: number[] = [(fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f)];
  const maskBit = masked ? 0x80 : 0;
  if (length < 126) head.push(maskBit | length);
  else if (length < 0x10000) head.push(maskBit | 126, length >> 8, length & 0xff);
  else {
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(BigInt(length));
    head.push(maskBit | 127, ...big);
  }
  if (!masked) return Buffer.concat([Buffer.from(head), payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ key[i % 4]!));
  return Buffer.concat([Buffer.from(head), key, body]);
}

/** A JSON array nested `depth` deep: `[[[...]]]`. */
export function nestedArray(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}
