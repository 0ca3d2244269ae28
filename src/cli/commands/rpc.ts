/**
 * `tally rpc <method> [params...]`: a JSON-RPC client like bitcoin-cli. It
 * reads the node's cookie from the datadir unless given --rpc-user and
 * --rpc-password. Parameters are JSON where they parse as JSON, strings
 * otherwise; with --named they are `name=value` pairs. A result string prints
 * raw, anything else as indented JSON; an RPC error prints Core's
 * "error code / error message" lines and exits non-zero.
 */
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { defaultDatadir } from '../../node/config.js';
import { getNetwork, type NetworkParams } from '../../consensus/params.js';
import { COOKIE_FILE } from '../../rpc/auth.js';
import { CliError, EXIT_FAILURE, type CliIo } from '../io.js';

export interface ConnectionOptions {
  network: string;
  datadir?: string;
  rpcHost: string;
  rpcPort?: string;
  rpcUser?: string;
  rpcPassword?: string;
  rpcTimeout: string;
}

/** An error the server returned for a call. */
export class RpcCallError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = 'RpcCallError';
  }
}

export interface RpcReply {
  result?: unknown;
  error?: { code: number; message: string } | null;
}

/** A JSON-RPC 2.0 client over HTTP with Basic auth. */
export class RpcClient {
  private nextId = 1;

  /** `wallet`: calls go to Core's `/wallet/<name>` endpoint (bitcoin-cli's -rpcwallet). */
  constructor(readonly opts: { host: string; port: number; user: string; password: string; timeoutMs: number; wallet?: string }) {}

  get url(): string {
    return `http://${this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host}:${this.opts.port}${this.path}`;
  }

  private get path(): string {
    return this.opts.wallet === undefined ? '/' : `/wallet/${encodeURIComponent(this.opts.wallet)}`;
  }

  /** Calls a method; resolves to its result. @throws RpcCallError from the server, CliError when it cannot be reached. */
  async call<T = unknown>(method: string, params: unknown = []): Promise<T> {
    const reply = (await this.post({ jsonrpc: '2.0', id: this.nextId++, method, params })) as RpcReply;
    if (reply.error) throw new RpcCallError(reply.error.code, reply.error.message);
    return reply.result as T;
  }

  /** Several calls in one request; each reply in order. */
  async batch(calls: readonly { method: string; params: unknown }[]): Promise<RpcReply[]> {
    if (calls.length === 0) return [];
    const first = this.nextId;
    this.nextId += calls.length;
    const replies = (await this.post(calls.map((c, i) => ({ jsonrpc: '2.0', id: first + i, method: c.method, params: c.params })))) as (RpcReply & { id: number })[];
    if (!Array.isArray(replies)) throw new CliError(`unexpected reply to a batch from ${this.url}`, EXIT_FAILURE);
    return calls.map((_c, i) => replies.find((r) => r.id === first + i) ?? { error: { code: -32603, message: 'no reply' } });
  }

  private post(body: unknown): Promise<unknown> {
    const text = JSON.stringify(body);
    const auth = Buffer.from(`${this.opts.user}:${this.opts.password}`).toString('base64');
    return new Promise((resolve, reject) => {
      const req = request({
        host: this.opts.host, port: this.opts.port, method: 'POST', path: this.path, timeout: this.opts.timeoutMs,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), Authorization: `Basic ${auth}` },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => reject(new CliError(`reading the reply from ${this.url} failed: ${err.message}`, EXIT_FAILURE)));
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 401) return reject(new CliError(`authorization failed: incorrect RPC credentials for ${this.url} (check --rpc-user/--rpc-password, or --datadir for the cookie)`, EXIT_FAILURE));
          try {
            resolve(JSON.parse(raw));
          } catch {
            reject(new CliError(`server at ${this.url} answered HTTP ${res.statusCode}: ${raw.slice(0, 200) || '(empty body)'}`, EXIT_FAILURE));
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (err: NodeJS.ErrnoException) => {
        const why = err.code === 'ECONNREFUSED'
          ? 'connection refused (is "tally node" running, with RPC on this host and port? see --rpc-port)'
          : err.message;
        reject(new CliError(`could not connect to the server at ${this.url}: ${why}`, EXIT_FAILURE));
      });
      req.end(text);
    });
  }
}

/** Adds the options every command that talks to a node shares. */
export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-n, --network <name>', 'network').choices(['regtest', 'testnet']).default('regtest'))
    .option('-d, --datadir <path>', 'the node\'s data folder, for its RPC cookie (default ~/.tally/<network>)')
    .option('--rpc-host <host>', 'RPC server host', '127.0.0.1')
    .option('--rpc-port <port>', 'RPC server port (default per network)')
    .option('--rpc-user <user>', 'RPC user (instead of the cookie)')
    .option('--rpc-password <password>', 'RPC password for --rpc-user')
    .option('--rpc-timeout <seconds>', 'seconds to wait for a reply', '900');
}

export function networkOf(opts: ConnectionOptions): NetworkParams {
  return getNetwork(opts.network);
}

export function datadirOf(opts: ConnectionOptions): string {
  return opts.datadir ?? defaultDatadir(opts.network);
}

/** A client for the node the options name, with the cookie's or the given credentials. */
export function clientFromOptions(opts: ConnectionOptions): RpcClient {
  const network = networkOf(opts);
  const port = opts.rpcPort === undefined ? network.defaultRpcPort : Number(opts.rpcPort);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new CliError(`--rpc-port: expected a port number, got "${opts.rpcPort}"`);
  const timeout = Number(opts.rpcTimeout);
  if (!(timeout > 0)) throw new CliError(`--rpc-timeout: expected a positive number of seconds, got "${opts.rpcTimeout}"`);
  if ((opts.rpcUser === undefined) !== (opts.rpcPassword === undefined)) throw new CliError('--rpc-user and --rpc-password go together');
  let user = opts.rpcUser;
  let password = opts.rpcPassword;
  if (user === undefined) {
    const path = join(datadirOf(opts), COOKIE_FILE);
    let cookie: string;
    try {
      cookie = readFileSync(path, 'utf8').trim();
    } catch {
      throw new CliError(`could not read the RPC cookie ${path}: is the node running with this --datadir and --network? (or pass --rpc-user and --rpc-password)`, EXIT_FAILURE);
    }
    const colon = cookie.indexOf(':');
    if (colon < 0) throw new CliError(`${path} is not an RPC cookie`, EXIT_FAILURE);
    user = cookie.slice(0, colon);
    password = cookie.slice(colon + 1);
  }
  return new RpcClient({ host: opts.rpcHost, port, user, password: password!, timeoutMs: timeout * 1000 });
}

/** A client for the options' node, sending to `/wallet/<rpcwallet>` when one is named (bitcoin-cli's -rpcwallet). */
export function walletClientFromOptions(opts: ConnectionOptions & { rpcwallet?: string }): RpcClient {
  const base = clientFromOptions(opts);
  return opts.rpcwallet === undefined ? base : new RpcClient({ ...base.opts, wallet: opts.rpcwallet });
}

/**
 * A command-line parameter as JSON when it parses (and a number only when it
 * reads back the same, so a long all-digit string stays a string), else a string.
 */
export function parseParam(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'number' && String(value) !== text.trim()) return text;
    return value;
  } catch {
    return text;
  }
}

/** Positional parameters, or `name=value` pairs with --named. */
export function parseParams(args: readonly string[], named: boolean): unknown {
  if (!named) return args.map(parseParam);
  const out: Record<string, unknown> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new CliError(`--named: expected name=value, got "${arg}"`);
    const name = arg.slice(0, eq);
    if (name in out) throw new CliError(`--named: parameter "${name}" given twice`);
    out[name] = parseParam(arg.slice(eq + 1));
  }
  return out;
}

/** bitcoin-cli's output: nothing for null, strings raw, anything else as indented JSON. */
export function formatResult(result: unknown): string | undefined {
  if (result === null || result === undefined) return undefined;
  if (typeof result === 'string') return result;
  return JSON.stringify(result, null, 2);
}

/** Turns an RPC error into Core's two-line report and bitcoin-cli's exit status (|code| mod 256, never 0). */
export function rpcErrorToCli(err: RpcCallError): CliError {
  return new CliError(`error code: ${err.code}\nerror message:\n${err.message}`, (Math.abs(err.code) & 0xff) || EXIT_FAILURE, true);
}

export function registerRpcCommand(program: Command, io: CliIo): void {
  addConnectionOptions(program.command('rpc'))
    .description('call a JSON-RPC method of a running node (like bitcoin-cli); options go before the method')
    .argument('<method>', 'the method (try "help")')
    .argument('[params...]', 'parameters: JSON where they parse as JSON, strings otherwise')
    .option('--named', 'parameters are name=value pairs')
    .option('--rpcwallet <name>', 'send wallet calls to this loaded wallet (/wallet/<name>, like bitcoin-cli -rpcwallet)')
    .action(async (method: string, params: string[], opts: ConnectionOptions & { named?: boolean; rpcwallet?: string }) => {
      const client = walletClientFromOptions(opts);
      try {
        const text = formatResult(await client.call(method, parseParams(params, opts.named ?? false)));
        if (text !== undefined) io.out(text);
      } catch (err) {
        if (err instanceof RpcCallError) throw rpcErrorToCli(err);
        throw err;
      }
    });
}
