/** P2P options from the node's configuration (command line and tally.conf). */
import type { NodeConfig } from '../node/config.js';
import { ConfigError } from '../node/config.js';
import { defaultP2POptions, type P2POptions } from './options.js';

export function p2pOptionsFromConfig(config: NodeConfig): P2POptions {
  const opts = defaultP2POptions(config.network);
  const list = (name: string) => config.extra[name] ?? [];
  const last = (name: string) => list(name)[list(name).length - 1];
  if (list('listen').length) opts.listen = list('listen');
  opts.announce = list('announce');
  opts.bootstrap = list('bootstrap');
  opts.connect = list('connect');
  const mdns = last('mdns');
  opts.mdns = mdns !== undefined && !['0', 'false', 'no', 'off'].includes(mdns);
  const maxPeers = last('max-peers');
  if (maxPeers !== undefined) {
    const n = Number(maxPeers);
    if (!Number.isInteger(n) || n < 1) throw new ConfigError('bad-option', `max-peers: expected a whole number >= 1, got "${maxPeers}"`);
    opts.maxPeers = n;
  }
  for (const addr of [...opts.listen, ...opts.announce, ...opts.bootstrap, ...opts.connect]) {
    if (!addr.startsWith('/')) throw new ConfigError('bad-option', `"${addr}" is not a multiaddr (like /ip4/127.0.0.1/tcp/28444/p2p/12D3Koo...)`);
  }
  return opts;
}
