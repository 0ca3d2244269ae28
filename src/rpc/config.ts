/** RPC options from the node's configuration (command line and tally.conf). */
import { badOption, type NodeConfig } from '../node/config.js';
import { defaultRpcOptions, type RpcOptions } from './options.js';

export function rpcOptionsFromConfig(config: NodeConfig): RpcOptions {
  const opts = defaultRpcOptions(config.network);
  const list = (name: string) => config.extra[name] ?? [];
  const last = (name: string) => list(name)[list(name).length - 1];
  if (last('rpc-bind') !== undefined) opts.bind = last('rpc-bind')!;
  const port = last('rpc-port');
  if (port !== undefined) {
    const n = Number(port);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw badOption('rpc-port', `expected a port number, got "${port}"`);
    opts.port = n;
  }
  opts.allowIp = list('rpc-allow-ip');
  const user = last('rpc-user');
  const password = last('rpc-password');
  if ((user === undefined) !== (password === undefined)) throw badOption(user === undefined ? 'rpc-password' : 'rpc-user', 'rpc-user and rpc-password go together: give both or neither');
  if (user !== undefined) {
    if (user.includes(':')) throw badOption('rpc-user', 'must not contain ":"');
    opts.user = user;
    opts.password = password!;
  }
  readRateLimit(opts, last);
  return opts;
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
  if (loopback !== undefined) {
    if (!['1', 'true', 'yes', 'on', '', '0', 'false', 'no', 'off'].includes(loopback)) {
      throw badOption('rpc-rate-limit-loopback', `expected true or false, got "${loopback}"`);
    }
    opts.rateLimitLoopback = ['1', 'true', 'yes', 'on', ''].includes(loopback);
  }
}
