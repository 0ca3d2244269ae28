/**
 * The method table's shape. One table is the single source for dispatch,
 * parameter validation, `help`, `rpc.discover` (OpenRPC) and docs/RPC.md.
 */
import type { NetworkParams } from '../consensus/params.js';
import type { TallyNode } from '../node/node.js';
import type { P2PService } from '../p2p/p2p.js';

export type ParamType =
  | 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'any'
  /** Hex of any even length. */
  | 'hex'
  /** 64 hex digits (a block hash or txid in display order). */
  | 'hash'
  /** An address of this node's network. */
  | 'address'
  /** A coin amount as a JSON number (8 decimals), returned in satoshis. */
  | 'amount';

export interface RpcParam {
  name: string;
  type: ParamType | ParamType[];
  description: string;
  required?: boolean;
  default?: unknown;
  /** Inclusive bounds for numbers. */
  min?: number;
  max?: number;
}

export type RpcCategory = 'blockchain' | 'rawtransactions' | 'mempool' | 'mining' | 'network' | 'addresses' | 'util' | 'control';

export interface RpcContext {
  node: TallyNode;
  p2p?: P2PService;
  params: NetworkParams;
  /** Seconds since the epoch when the server started. */
  startedAt: number;
  /** Requests being served now (getrpcinfo). */
  activeCommands: () => { method: string; duration: number }[];
  /** Asks the process to shut down (the `stop` method). */
  requestStop: () => void;
  /** The method table (help, rpc.discover). */
  methods: ReadonlyMap<string, RpcMethod>;
}

export interface RpcMethod {
  name: string;
  category: RpcCategory;
  description: string;
  params: RpcParam[];
  /** What the result is, for help and docs. */
  result: string;
  /** Only on networks that mine on demand (regtest). */
  regtestOnly?: boolean;
  handler: (args: Record<string, unknown>, ctx: RpcContext) => unknown;
}

/** Defines a method with its types checked at the definition. */
export function defineMethod(method: RpcMethod): RpcMethod {
  return method;
}
