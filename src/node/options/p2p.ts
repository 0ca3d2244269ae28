/**
 * P2P options as the command line and tally.conf spell them. Reading them into
 * P2POptions (which checks every multiaddr, and so loads libp2p's peer ids)
 * stays with the p2p layer, loaded only when p2p is on.
 */
import type { OptionDecl } from './declare.js';

export const P2P_OPTIONS: readonly OptionDecl[] = [
  { name: 'listen', flag: '--listen <multiaddr>', description: 'address to listen on for peers (repeatable)', kind: 'list' },
  { name: 'announce', flag: '--announce <multiaddr>', description: 'address to tell peers instead (repeatable)', kind: 'list' },
  { name: 'bootstrap', flag: '--bootstrap <multiaddr>', description: 'peer to connect to at start (repeatable)', kind: 'list' },
  { name: 'connect', flag: '--connect <multiaddr>', description: 'connect only to this peer (repeatable)', kind: 'list' },
  { name: 'mdns', flag: '--mdns', description: 'discover peers on the local network', kind: 'bool' },
  { name: 'max-peers', flag: '--max-peers <n>', description: 'most peers to keep connected', kind: 'number' },
  { name: 'p2p', flag: '--no-p2p', description: 'run without networking', kind: 'bool', commandLineOnly: 'p2p is a command-line switch only: use --no-p2p' },
];
