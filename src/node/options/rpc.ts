/** JSON-RPC server options: address, credentials, allowed clients and rate limits. */
import type { NetworkParams } from '../../consensus/params.js';
import { defaultRpcOptions, type RpcOptions } from '../../rpc/options.js';
import { normalizeOrigin } from '../../rpc/cors.js';
import { lastValue, parseBool, type OptionDecl, type OptionValues } from './declare.js';
import { badOption } from './errors.js';

export const RPC_OPTIONS: readonly OptionDecl[] = [
  { name: 'rpc-bind', flag: '--rpc-bind <address>', description: 'address the JSON-RPC server binds (default 127.0.0.1)', kind: 'string' },
  { name: 'rpc-port', flag: '--rpc-port <port>', description: 'JSON-RPC port (default per network; 0 picks a free one)', kind: 'number' },
  { name: 'rpc-user', flag: '--rpc-user <user>', description: 'JSON-RPC user besides the cookie', kind: 'string' },
  { name: 'rpc-password', flag: '--rpc-password <password>', description: 'JSON-RPC password for --rpc-user', kind: 'string' },
  { name: 'rpc-allow-ip', flag: '--rpc-allow-ip <ip/cidr>', description: 'allow RPC clients from these addresses besides loopback (repeatable)', kind: 'list' },
  { name: 'rpc-rate-limit', flag: '--rpc-rate-limit <n>', description: 'requests per second each RPC client address may make; 0 for no limit (default 100)', kind: 'number' },
  { name: 'rpc-rate-burst', flag: '--rpc-rate-burst <n>', description: 'requests an RPC client may make at once before the rate limit applies (default 200)', kind: 'number' },
  { name: 'rpc-cors', flag: '--rpc-cors <origin>', description: 'let browser pages from this origin (scheme://host[:port], or * for any, without credentials) call the RPC; repeatable, off by default', kind: 'list' },
  { name: 'rpc-rate-limit-loopback', flag: '--rpc-rate-limit-loopback', description: 'rate-limit loopback RPC clients too (behind a local reverse proxy)', kind: 'bool' },
  { name: 'rpc', flag: '--no-rpc', description: 'run without the JSON-RPC server', kind: 'bool', commandLineOnly: 'rpc is a command-line switch only: use --no-rpc' },
];

/**
 * The RPC server's options over its defaults.
 * @throws ConfigError bad-option for a bad port, half a credential pair or a bad rate limit
 */
export function rpcOptionsFrom(values: OptionValues, network: NetworkParams): RpcOptions {
  const opts = defaultRpcOptions(network);
  const last = (name: string) => lastValue(values, name);
  if (last('rpc-bind') !== undefined) opts.bind = last('rpc-bind')!;
  const port = last('rpc-port');
  if (port !== undefined) {
    const n = Number(port);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw badOption('rpc-port', `expected a port number, got "${port}"`);
    opts.port = n;
  }
  opts.allowIp = [...(values['rpc-allow-ip'] ?? [])];
  opts.cors = readCors(values['rpc-cors'] ?? []);
  readCredentials(opts, last('rpc-user'), last('rpc-password'));
  readRateLimit(opts, last);
  return opts;
}

function readCredentials(opts: RpcOptions, user: string | undefined, password: string | undefined): void {
  if ((user === undefined) !== (password === undefined)) throw badOption(user === undefined ? 'rpc-password' : 'rpc-user', 'rpc-user and rpc-password go together: give both or neither');
  if (user === undefined) return;
  if (user.includes(':')) throw badOption('rpc-user', 'must not contain ":"');
  opts.user = user;
  opts.password = password!;
}

/** `rpc-cors` origins, normalized. @throws ConfigError bad-option for anything but an origin or `*` */
function readCors(values: readonly string[]): string[] {
  return values.map((value) => {
    try {
      return normalizeOrigin(value.trim());
    } catch (err) {
      throw badOption('rpc-cors', (err as Error).message);
    }
  });
}

/** `rpc-rate-limit` (requests per second per client, 0 for none), `rpc-rate-burst` and `rpc-rate-limit-loopback`. */
function readRateLimit(opts: RpcOptions, last: (name: string) => string | undefined): void {
  const rate = last('rpc-rate-limit');
  if (rate !== undefined) {
    const n = Number(rate);
    if (rate.trim() === '' || !Number.isFinite(n) || n < 0) throw badOption('rpc-rate-limit', `expected requests per second >= 0 (0: no limit), got "${rate}"`);
    opts.rateLimit = n;
  }
  const burst = last('rpc-rate-burst');
  if (burst !== undefined) {
    const n = Number(burst);
    if (!Number.isInteger(n) || n < 1) throw badOption('rpc-rate-burst', `expected a whole number >= 1, got "${burst}"`);
    opts.rateBurst = n;
  }
  const loopback = last('rpc-rate-limit-loopback');
  if (loopback !== undefined) opts.rateLimitLoopback = parseBool('rpc-rate-limit-loopback', loopback);
}

/** {@link rpcOptionsFrom} over a resolved NodeConfig's values. */
export function rpcOptionsFromConfig(config: { extra: OptionValues; network: NetworkParams }): RpcOptions {
  return rpcOptionsFrom(config.extra, config.network);
}
