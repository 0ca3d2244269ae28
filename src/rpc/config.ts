/** RPC options from the node's configuration (command line and tally.conf). */
import { ConfigError, type NodeConfig } from '../node/config.js';
import { defaultRpcOptions, type RpcOptions } from './options.js';

export function rpcOptionsFromConfig(config: NodeConfig): RpcOptions {
  const opts = defaultRpcOptions(config.network);
  const list = (name: string) => config.extra[name] ?? [];
  const last = (name: string) => list(name)[list(name).length - 1];
  if (last('rpc-bind') !== undefined) opts.bind = last('rpc-bind')!;
  const port = last('rpc-port');
  if (port !== undefined) {
    const n = Number(port);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError('bad-option', `rpc-port: expected a port number, got "${port}"`);
    opts.port = n;
  }
  opts.allowIp = list('rpc-allow-ip');
  const user = last('rpc-user');
  const password = last('rpc-password');
  if ((user === undefined) !== (password === undefined)) throw new ConfigError('bad-option', 'rpc-user and rpc-password go together');
  if (user !== undefined) {
    if (user.includes(':')) throw new ConfigError('bad-option', 'rpc-user must not contain ":"');
    opts.user = user;
    opts.password = password!;
  }
  return opts;
}
