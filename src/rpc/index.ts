/**
 * The JSON-RPC adapter: `new RpcServer(opts, modules)` serves Bitcoin Core's
 * method shapes over HTTP (one method table, `methods/`), and `rpc.use(notifier)`
 * adds WebSocket subscriptions on the same dispatcher. Errors become JSON-RPC
 * errors in one place, `toRpcError`.
 */
export { RpcServer, type RpcModules, type RpcNode, type ServerAttachment } from './server.js';
export { Notifier, WS_PATH, type NotifierModules, type NotifierNode } from './notifications.js';
export { buildMethodTable } from './methods/index.js';
export { defaultRpcOptions, DEFAULT_RATE_BURST, DEFAULT_RATE_LIMIT, type RpcOptions } from './options.js';
export { RPC, RpcError, toRpcError } from './errors.js';
export type { RpcCategory, RpcContext, RpcMethod, RpcNetwork, RpcParam } from './types.js';
