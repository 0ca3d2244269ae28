/** The RPC server's HTTP answers: plain-text refusals, the rate-limit answer and JSON-RPC replies with Core's statuses. */
import type { ServerResponse } from 'node:http';
import type { Reply } from './dispatch.js';
import { RPC } from './errors.js';
import { retryAfterSeconds } from './http.js';

export function sendPlain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text), ...(status === 413 ? { Connection: 'close' } : {}) });
  res.end(text);
}

/** HTTP 429 with a JSON-RPC error body (so JSON-RPC clients show a coded error) and Retry-After. */
export function sendRateLimited(res: ServerResponse, waitSeconds: number): void {
  const seconds = retryAfterSeconds(waitSeconds);
  const text = JSON.stringify({ result: null, error: { code: RPC.LIMIT_EXCEEDED, message: `Rate limit exceeded: retry after ${seconds} s` }, id: null });
  // Close: the unread body is not worth reading, and a flooder must reconnect.
  res.writeHead(429, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Retry-After': String(seconds), Connection: 'close' });
  res.end(text);
}

/**
 * Writes a JSON-RPC reply to `body` and returns what metrics count it as.
 * Throws when the reply cannot be serialized (an id nested too deep for
 * `JSON.stringify`); the caller's guard answers that with 500.
 */
export function sendReply(res: ServerResponse, body: string, reply: Reply): { method: string; status: number } {
  const status = reply.errorCode === undefined || reply.version2 ? (reply.errorCode === RPC.PARSE_ERROR ? 500 : 200) : httpStatusFor(reply.errorCode);
  const method = Array.isArray(reply.body) ? 'batch' : String(safeMethod(body) ?? '-');
  const text = JSON.stringify(reply.body, bigintReplacer);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
  return { method, status };
}

/** An error's message for the log, whatever was thrown. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Core's legacy (JSON-RPC 1.0) HTTP statuses for a failed single request. */
function httpStatusFor(code: number): number {
  if (code === RPC.INVALID_REQUEST) return 400;
  if (code === RPC.METHOD_NOT_FOUND) return 404;
  return 500;
}

function safeMethod(body: string): unknown {
  try {
    return (JSON.parse(body) as { method?: unknown }).method;
  } catch {
    return undefined;
  }
}

/** Amounts and work are bigints internally; JSON gets numbers (or strings when too large to be exact). */
export function bigintReplacer(_key: string, value: unknown): unknown {
  if (typeof value !== 'bigint') return value;
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}
