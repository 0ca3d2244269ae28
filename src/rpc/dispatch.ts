/**
 * JSON-RPC request handling independent of HTTP: single requests and batches,
 * 1.0 style (no `jsonrpc` field, `result` and `error` both present) and 2.0.
 */
import type { NetworkParams } from '../consensus/params.js';
import { RPC, RpcError, toRpcError } from './errors.js';
import { validateParams } from './params.js';
import type { RpcContext, RpcMethod } from './types.js';

export interface JsonRpcRequest {
  jsonrpc?: unknown;
  method?: unknown;
  params?: unknown;
  id?: unknown;
}

export interface Reply {
  body: unknown;
  /** The JSON-RPC error code of a single failed request (decides the HTTP status). */
  errorCode?: number;
  version2: boolean;
}

/** Bitcoin Core's rule: `null` ids and ids of any JSON type are echoed back as given. */
function idOf(req: JsonRpcRequest): unknown {
  return req.id === undefined ? null : req.id;
}

function errorBody(version2: boolean, id: unknown, err: RpcError): Record<string, unknown> {
  const error: Record<string, unknown> = { code: err.code, message: err.message };
  if (err.data !== undefined) error.data = err.data;
  return version2 ? { jsonrpc: '2.0', error, id } : { result: null, error, id };
}

/**
 * A method table and the context its handlers get: the RPC's own, or the
 * notification WebSocket's subscribe/unsubscribe (subscriptions.ts).
 */
export interface DispatchTarget<C> {
  methods: ReadonlyMap<string, RpcMethod<C>>;
  network: NetworkParams;
  ctx: C;
  /** Answer in JSON-RPC 2.0 whatever the request says (the WebSocket speaks 2.0 only). */
  version2?: boolean;
}

/** A reply carrying `err`, for a request that never reached a method. */
export function errorReply(err: RpcError, version2 = false, id: unknown = null): Reply {
  return { body: errorBody(version2, id, err), errorCode: err.code, version2 };
}

/** Answers one request object from `target`'s method table; every error becomes a JSON-RPC error via {@link toRpcError}. */
export async function dispatch<C>(req: unknown, target: DispatchTarget<C>, onStart?: (method: string) => () => void): Promise<Reply> {
  if (typeof req !== 'object' || req === null || Array.isArray(req)) {
    return errorReply(new RpcError(RPC.INVALID_REQUEST, 'Invalid Request object'), target.version2);
  }
  const r = req as JsonRpcRequest;
  const version2 = target.version2 === true || r.jsonrpc === '2.0';
  const id = idOf(r);
  try {
    if (r.jsonrpc !== undefined && r.jsonrpc !== '1.0' && r.jsonrpc !== '2.0') throw new RpcError(RPC.INVALID_REQUEST, 'jsonrpc field must be "1.0" or "2.0"');
    if (typeof r.method !== 'string') throw new RpcError(RPC.INVALID_REQUEST, 'Method must be a string');
    const method = target.methods.get(r.method);
    if (!method || (method.regtestOnly && !target.network.mineOnDemand)) throw new RpcError(RPC.METHOD_NOT_FOUND, 'Method not found');
    const args = validateParams(method, r.params, target.network);
    const done = onStart?.(method.name);
    try {
      const result = await method.handler(args, target.ctx);
      return { body: version2 ? { jsonrpc: '2.0', result: result ?? null, id } : { result: result ?? null, error: null, id }, version2 };
    } finally {
      done?.();
    }
  } catch (err) {
    return errorReply(toRpcError(err), version2, id);
  }
}

/** One request to the RPC's method table. */
export function handleOne(req: unknown, ctx: RpcContext, onStart?: (method: string) => () => void): Promise<Reply> {
  return dispatch(req, { methods: ctx.methods, network: ctx.params, ctx }, onStart);
}

/** Parses the body and answers a request or a batch; `maxBatch` bounds the work one body can ask for. */
export async function handleBody(text: string, ctx: RpcContext, maxBatch: number, onStart?: (method: string) => () => void): Promise<Reply> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return errorReply(new RpcError(RPC.PARSE_ERROR, 'Parse error'));
  }
  if (!Array.isArray(parsed)) return handleOne(parsed, ctx, onStart);
  if (parsed.length === 0) return errorReply(new RpcError(RPC.INVALID_REQUEST, 'Empty batch'));
  if (parsed.length > maxBatch) {
    return errorReply(new RpcError(RPC.INVALID_REQUEST, `Batch of ${parsed.length} exceeds the limit of ${maxBatch}`));
  }
  const replies: unknown[] = [];
  // In order, one at a time: a batch must not monopolize the node's shared resources.
  for (const item of parsed) replies.push((await handleOne(item, ctx, onStart)).body);
  return { body: replies, version2: false };
}
