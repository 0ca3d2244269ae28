/**
 * The method table's shape. One table is the single source for dispatch,
 * parameter validation, `help`, `rpc.discover` (OpenRPC) and docs/RPC.md.
 */
import type { NetworkParams } from '../consensus/params.js';
import type { ChainReader, MempoolReader, NodeControl } from '../node/interface.js';
import type { WalletAccess } from './wallet-access.js';
import type { Faucet } from '../faucet/index.js';

/** What the faucet methods use of the faucet (`--faucet`). */
export type RpcFaucet = Pick<Faucet, 'request' | 'info'>;

/** A connected peer as the p2p adapter reports it (src/network/peer-info.ts). */
export interface RpcPeer {
  id: string;
  direction: string;
  /** Core's connection_type: 'inbound', 'manual' (asked for: addnode, --connect, --bootstrap) or 'outbound-full-relay'. */
  connectionType: string;
  status: { height: number; tipHash: string; chainWork: bigint };
  /** Node-clock seconds of the handshake. */
  connectedAt: number;
  score: number;
  /** Remote multiaddrs of its connections. */
  addresses: string[];
  bytesSent: number;
  bytesRecv: number;
  /** Node-clock seconds of the last bytes each way (0: none). */
  lastSend: number;
  lastRecv: number;
  /** Node-clock seconds of the last new valid block and transaction the peer gossiped (0: none). */
  lastBlock: number;
  lastTransaction: number;
  /** Latest and lowest round trip, milliseconds. */
  pingMs?: number;
  minPingMs?: number;
}

/**
 * What RPC needs of the p2p adapter. Adapters do not import each other; the
 * CLI hands the P2P service in, and it satisfies this shape.
 */
export interface RpcNetwork {
  readonly peerId: string;
  readonly opts: { bootstrap: string[] };
  localAddresses(): string[];
  peerInfo(): RpcPeer[];
  /** Bytes on the wire since start, every connection included. */
  totals(): { bytesIn: number; bytesOut: number; gossip: { accept: number; ignore: number; reject: number } };
  connect(addr: string): Promise<void>;
  disconnectPeer(id: string): Promise<void>;
  /** Round-trip time to a peer in milliseconds. */
  ping(id: string): Promise<number>;
  readonly peerManager: {
    listBans(): { peer: string; bannedAt: number; until: number; reason: string }[];
    ban(peer: string, seconds: number, reason: string): void;
    unban(peer: string): boolean;
    clearBans(): void;
    isBanned(peer: string): boolean;
  };
}

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

export type RpcCategory = 'blockchain' | 'rawtransactions' | 'mempool' | 'mining' | 'network' | 'addresses' | 'util' | 'control' | 'wallet' | 'faucet';

export interface RpcContext {
  chain: ChainReader;
  mempool: MempoolReader;
  /** The node's state changes: block submission, transactions, templates. */
  control: NodeControl;
  /** Seconds since the epoch: the node's clock, which block times are judged by. */
  clock: () => number;
  p2p?: RpcNetwork;
  params: NetworkParams;
  /** Whole seconds since the server started, from a monotonic clock (`uptime`). */
  uptime: () => number;
  /** Requests being served now (getrpcinfo). */
  activeCommands: () => { method: string; duration: number }[];
  /** Asks the process to shut down (the `stop` method). */
  requestStop: () => void;
  /** The method table (help, rpc.discover). */
  methods: ReadonlyMap<string, RpcMethod>;
  /** The node's wallets; absent with --disablewallet. */
  wallet?: WalletAccess;
  /** The faucet; absent without --faucet. */
  faucet?: RpcFaucet;
}

/** A JSON value's type, as the comparison with Core's documented results names them. */
export type JsonType = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'null';

/**
 * How a method's result compares with Bitcoin Core's, field by field, from
 * Core's RPC help text. A path is dotted (`fees.base`); `[]` steps into every
 * element of an array (`vin[].sequence`, `[]` alone: the result's elements);
 * a trailing `?` on a step marks a field that is there only sometimes (in
 * Core as in Tally); `''` is the result itself. Docs and a per-method test
 * (test/integration/rpc/core-shape.test.ts) are generated from it.
 */
export interface CoreComparison {
  /** Core's fields that Tally gives with Core's meaning, and their JSON types. */
  same: Record<string, JsonType | JsonType[]>;
  /** Core's fields that Tally gives with another meaning or value range: their types, and why. */
  different?: Record<string, { type: JsonType | JsonType[]; why: string }>;
  /** Fields Core does not have, and why Tally adds them. */
  added?: Record<string, string>;
  /** Core's fields that Tally leaves out, and why. */
  missing?: Record<string, string>;
  /** Set for a method Core does not have: where it comes from. */
  notInCore?: string;
}

/** A method of a table whose handlers get `C` (the RPC's context unless said otherwise). */
export interface RpcMethod<C = RpcContext> {
  name: string;
  category: RpcCategory;
  description: string;
  params: RpcParam[];
  /** What the result is, for help and docs. */
  result: string;
  /** Only on networks that mine on demand (regtest). */
  regtestOnly?: boolean;
  /** The field-by-field comparison with Core's result (set by the method table from methods/core-*.ts). */
  core?: CoreComparison;
  handler: (args: Record<string, unknown>, ctx: C) => unknown;
}

/** Defines a method with its types checked at the definition. */
export function defineMethod(method: RpcMethod): RpcMethod {
  return method;
}
