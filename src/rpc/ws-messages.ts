/**
 * JSON-RPC 2.0 framing of the notification WebSocket: a client's message in,
 * a response out. Neither step throws on any input: a message that is not a
 * request is a {@link ProtocolError}, and a response that cannot be
 * serialized becomes an internal error.
 */
import type { RawData } from 'ws';
import { RPC } from './errors.js';

/** A refusal of one message, with its JSON-RPC error code. */
export class ProtocolError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** JSON-RPC 2.0 §4: an id is a string, a number or null. */
export type RequestId = string | number | null;

export interface WsRequest {
  id: RequestId;
  method: unknown;
  params: unknown;
}

/** Parses one message; a message that is not a request object with a valid id throws a ProtocolError (its id unknown: null). */
export function parseRequest(data: RawData, isBinary: boolean): WsRequest {
  let req: unknown;
  try {
    req = JSON.parse(isBinary ? '' : rawText(data));
  } catch {
    throw new ProtocolError(RPC.PARSE_ERROR, 'Parse error');
  }
  if (typeof req !== 'object' || req === null || Array.isArray(req)) throw new ProtocolError(RPC.INVALID_REQUEST, 'Invalid Request object');
  const { id = null, method, params } = req as { id?: unknown; method?: unknown; params?: unknown };
  // The id is echoed in the response: an array or object id nested 100,000 deep would overflow the stack in JSON.stringify.
  if (id !== null && typeof id !== 'string' && typeof id !== 'number') throw new ProtocolError(RPC.INVALID_REQUEST, 'id must be a string, a number or null');
  return { id, method, params };
}

/** The response to a request: its result or its error, under its id. */
export function responseText(id: RequestId, outcome: { result: unknown } | { error: ProtocolError }): string {
  const body = 'error' in outcome ? { error: { code: outcome.error.code, message: outcome.error.message } } : { result: outcome.result };
  try {
    return JSON.stringify({ jsonrpc: '2.0', id, ...body });
  } catch {
    return JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: RPC.INTERNAL_ERROR, message: 'Internal error' } });
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}
