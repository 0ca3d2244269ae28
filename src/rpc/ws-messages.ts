/**
 * What the notification WebSocket adds to the JSON-RPC dispatcher: reading a
 * frame into a request, and writing a reply. Neither throws on any input: a
 * frame that is not JSON, or whose id is not one JSON-RPC 2.0 allows, becomes
 * an error reply; a reply that cannot be serialized becomes an internal error.
 */
import type { RawData } from 'ws';
import { RPC, RpcError } from './errors.js';

/** Parses one frame: the request object for the dispatcher, or the error to answer with (its id unknown: null). */
export function parseMessage(data: RawData, isBinary: boolean): { request: unknown } | { error: RpcError } {
  let req: unknown;
  try {
    req = JSON.parse(isBinary ? '' : rawText(data));
  } catch {
    return { error: new RpcError(RPC.PARSE_ERROR, 'Parse error') };
  }
  if (typeof req !== 'object' || req === null || Array.isArray(req)) return { error: new RpcError(RPC.INVALID_REQUEST, 'Invalid Request object') };
  const { id = null } = req as { id?: unknown };
  // The id is echoed in the reply: an array or object id nested 100,000 deep would overflow the stack in JSON.stringify.
  if (id !== null && typeof id !== 'string' && typeof id !== 'number') return { error: new RpcError(RPC.INVALID_REQUEST, 'id must be a string, a number or null') };
  return { request: req };
}

/** A reply body as text; one that cannot be serialized is an internal error. */
export function replyText(body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch {
    return JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: RPC.INTERNAL_ERROR, message: 'Internal error' } });
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}
