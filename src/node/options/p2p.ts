/**
 * P2P options as the command line and tally.conf spell them, and their parser
 * into the network layer's P2POptions.
 */
import { multiaddr } from '@multiformats/multiaddr';
import { peerIdFromString } from '@libp2p/peer-id';
import type { NetworkParams } from '../../consensus/params.js';
import { defaultP2POptions, type P2POptions } from '../../network/options.js';
import { lastValue, parseBool, parseInteger, type OptionDecl, type OptionValues } from './declare.js';
import { badOption } from './errors.js';

export const P2P_OPTIONS: readonly OptionDecl[] = [
  { name: 'listen', flag: '--listen <multiaddr>', description: 'address to listen on for peers (repeatable)', kind: 'list' },
  { name: 'announce', flag: '--announce <multiaddr>', description: 'address to tell peers instead (repeatable)', kind: 'list' },
  { name: 'bootstrap', flag: '--bootstrap <multiaddr>', description: 'peer to connect to at start (repeatable)', kind: 'list' },
  { name: 'connect', flag: '--connect <multiaddr>', description: 'connect only to this peer (repeatable)', kind: 'list' },
  { name: 'mdns', flag: '--mdns', description: 'discover peers on the local network', kind: 'bool' },
  { name: 'max-peers', flag: '--max-peers <n>', description: 'former name of --maxconnections', kind: 'number' },
  { name: 'dht', flag: '--no-dht', description: 'do not discover peers through the DHT (no peers.json, no outbound target)', kind: 'bool' },
  { name: 'maxconnections', flag: '--maxconnections <n>', description: 'most connections, inbound and outbound (default 125)', kind: 'number' },
  { name: 'min-outbound', flag: '--min-outbound <n>', description: 'outbound peers to dial until reached (default 8)', kind: 'number' },
  { name: 'max-outbound', flag: '--max-outbound <n>', description: 'most outbound peers to keep (default 16)', kind: 'number' },
  { name: 'blockrelay', flag: '--blockrelay <mode>', description: 'gossip blocks as compact blocks (short ids, the default) or full blocks; both are received', kind: 'string', choices: ['compact', 'full'] },
  { name: 'p2p', flag: '--no-p2p', description: 'run without networking', kind: 'bool', commandLineOnly: 'p2p is a command-line switch only: use --no-p2p' },
];

/** What a good address of each kind looks like, for the error message. */
const example = (option: string) => (option === 'bootstrap' || option === 'connect' ? 'like /ip4/203.0.113.5/tcp/28333/p2p/12D3KooW...' : 'like /ip4/0.0.0.0/tcp/28333');

/**
 * The P2P options given, over the network's defaults. Every address is parsed
 * here, so that a bad one is refused at start with the option that holds it,
 * not later by libp2p without one.
 * @throws ConfigError bad-option for a bad peer count or an address that is not a multiaddr (or has a bad peer id) */
export function p2pOptionsFrom(values: OptionValues, network: NetworkParams): P2POptions {
  const opts = defaultP2POptions(network);
  const list = (name: string) => [...(values[name] ?? [])];
  const last = (name: string) => list(name)[list(name).length - 1];
  if (list('listen').length) opts.listen = list('listen');
  opts.announce = list('announce');
  opts.bootstrap = list('bootstrap');
  opts.connect = list('connect');
  const mdns = last('mdns');
  opts.mdns = mdns !== undefined && !['0', 'false', 'no', 'off'].includes(mdns);
  Object.assign(opts, connectionLimitsFrom(values, opts));
  opts.blockRelay = blockRelayFrom(values, opts.blockRelay);
  for (const name of ['listen', 'announce', 'bootstrap', 'connect'] as const) {
    for (const addr of name === 'listen' ? opts.listen : list(name)) checkAddress(name, addr);
  }
  return opts;
}

/**
 * The DHT switch and the connection limits. `max-peers` is the former name of
 * `maxconnections`, which wins when both are given.
 * @throws ConfigError bad-option for a count below its minimum, or min-outbound above max-outbound
 */
function connectionLimitsFrom(values: OptionValues, defaults: P2POptions): Pick<P2POptions, 'dht' | 'maxConnections' | 'minOutbound' | 'maxOutbound'> {
  const int = (name: string, min: number, fallback: number) => {
    const v = lastValue(values, name);
    return v === undefined ? fallback : parseInteger(name, v, min);
  };
  const dht = lastValue(values, 'dht');
  const maxConnections = int('maxconnections', 1, int('max-peers', 1, defaults.maxConnections));
  const minOutbound = int('min-outbound', 0, defaults.minOutbound);
  const maxOutbound = int('max-outbound', 1, Math.max(defaults.maxOutbound, minOutbound));
  if (minOutbound > maxOutbound) throw badOption('min-outbound', `must not exceed max-outbound (${maxOutbound}), got "${minOutbound}"`);
  return { dht: dht === undefined ? defaults.dht : parseBool('dht', dht), maxConnections, minOutbound, maxOutbound };
}

/** `--blockrelay`: compact (the default) or full. @throws ConfigError bad-option for anything else */
function blockRelayFrom(values: OptionValues, fallback: P2POptions['blockRelay']): P2POptions['blockRelay'] {
  const mode = lastValue(values, 'blockrelay');
  if (mode === undefined) return fallback;
  if (mode !== 'compact' && mode !== 'full') throw badOption('blockrelay', `expected compact or full, got "${mode}"`);
  return mode;
}

function checkAddress(option: string, addr: string): void {
  let id: string | undefined;
  try {
    id = multiaddr(addr).getComponents().find((c) => c.name === 'p2p')?.value;
  } catch (err) {
    throw badOption(option, `"${addr}" is not a valid multiaddr (${example(option)}): ${(err as Error).message}`, addr);
  }
  if (id === undefined) return;
  try {
    peerIdFromString(id);
  } catch {
    throw badOption(option, `"${addr}" has a bad peer id "${id}" after /p2p/ (${example(option)})`, addr);
  }
}

/** A configured peer address the node accepts but that deserves the operator's attention. */
export interface PeerAddressWarning {
  option: 'bootstrap' | 'connect';
  addr: string;
  message: string;
}

/**
 * Bootstrap and connect addresses without `/p2p/<peer id>`: the node dials
 * them, but cannot check that it reached the intended peer (anyone on that
 * address passes), and libp2p's bootstrap discovery skips them.
 */
export function peerAddressWarnings(opts: Pick<P2POptions, 'bootstrap' | 'connect'>): PeerAddressWarning[] {
  const warnings: PeerAddressWarning[] = [];
  for (const option of ['bootstrap', 'connect'] as const) {
    for (const addr of opts[option]) {
      if (multiaddr(addr).getComponents().some((c) => c.name === 'p2p')) continue;
      warnings.push({ option, addr, message: `${option} address has no /p2p/<peer id>: whoever answers there is taken for the peer; ask its operator for the full address (getnetworkinfo localmultiaddrs)` });
    }
  }
  return warnings;
}

/** {@link p2pOptionsFrom} over a node config's option lists. */
export function p2pOptionsFromConfig(config: { extra: OptionValues; network: NetworkParams }): P2POptions {
  return p2pOptionsFrom(config.extra, config.network);
}
