/** Builds the libp2p host: TCP, noise, yamux, identify, ping, gossipsub, and optional bootstrap and mDNS discovery. */
import { createLibp2p, type Libp2p } from 'libp2p';
import { tcp } from '@libp2p/tcp';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify, type Identify } from '@libp2p/identify';
import { ping, type Ping } from '@libp2p/ping';
import { gossipsub, type GossipSub, type GossipSubComponents } from '@libp2p/gossipsub';
import { bootstrap } from '@libp2p/bootstrap';
import { mdns } from '@libp2p/mdns';
import type { KadDHT, KadDHTComponents } from '@libp2p/kad-dht';
import type { Metrics, PeerDiscovery, PrivateKey } from '@libp2p/interface';
import { messageId } from './gossip/topics.js';
import type { P2POptions } from './options.js';
import { STREAM_WINDOW_BYTES } from './interface.js';
import { EVICTION_HEADROOM } from './discovery/options.js';

/** The gossipsub methods we use that its exported interface leaves out (the implementation has them). */
export type TallyPubSub = GossipSub & {
  reportMessageValidationResult(msgId: string, propagationSource: string, acceptance: 'accept' | 'ignore' | 'reject'): void;
  getMeshPeers(topic: string): string[];
};
/** `dht`: Tally's Kademlia DHT (discovery/dht.ts), present unless `--no-dht` or `--connect`. */
export type TallyServices = { identify: Identify; ping: Ping; pubsub: TallyPubSub; dht?: KadDHT };
export type TallyLibp2p = Libp2p<TallyServices>;

/**
 * `metrics`: libp2p's metrics component; the network passes its traffic meter (traffic.ts) to count bytes per connection.
 * `dht`: the DHT service (discovery/dht.ts) when discovery runs; libp2p then allows a few connections beyond
 * `maxConnections`, so that the connection keeper chooses whom to evict, not libp2p's pruner.
 */
export async function createHost(opts: P2POptions, privateKey: PrivateKey, isBanned: (peer: string) => boolean, allowedTopics: string[], metrics?: (components: never) => Metrics, dht?: (components: KadDHTComponents) => KadDHT): Promise<TallyLibp2p> {
  // Each discovery module wants its own slice of libp2p's components; libp2p passes them all.
  type Discovery = (components: never) => PeerDiscovery;
  const peerDiscovery: Discovery[] = [];
  if (opts.bootstrap.length > 0 && opts.connect.length === 0) peerDiscovery.push(bootstrap({ list: opts.bootstrap }));
  if (opts.mdns && opts.connect.length === 0) peerDiscovery.push(mdns());
  const denied = async (peerId: { toString(): string }) => isBanned(peerId.toString());
  return createLibp2p({
    privateKey,
    addresses: { listen: opts.listen, announce: opts.announce },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    // A stream may run at most 2 MiB ahead of its reader: with yamux's default 16 MiB window a block
    // reply queued up to 32 MB in the sender ahead of pings, status and gossip on the same connection.
    streamMuxers: [yamux({ streamOptions: { maxStreamWindowSize: STREAM_WINDOW_BYTES.most } })],
    peerDiscovery: peerDiscovery as never[],
    ...(metrics ? { metrics } : {}),
    connectionManager: { maxConnections: opts.maxConnections + (dht ? EVICTION_HEADROOM : 0) },
    // Pings measure latency (getpeerinfo pingtime); a ping stuck behind a block reply on a slow link is
    // not a dead peer, so only one unanswered for a minute ends the connection (Core waits 20 minutes).
    // Every opts.pingIntervalSeconds rather than libp2p's 10 s: each ping is a new stream.
    connectionMonitor: { pingInterval: opts.pingIntervalSeconds * 1000, pingTimeout: { minTimeout: 60_000, maxTimeout: 120_000 } },
    connectionGater: {
      denyDialPeer: denied,
      denyInboundEncryptedConnection: denied,
      // Loopback and private addresses are where test networks and devnets live.
      denyDialMultiaddr: async () => false,
    },
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipService(opts.maxMessageSize, allowedTopics),
      ...(dht ? { dht } : {}),
    },
  });
}

/**
 * Gossipsub as Tally runs it (PROTOCOL.md §9.2): unsigned messages, ids from the message
 * bytes, validation before forwarding. Shared by the node and by test peers that must
 * speak the same gossip.
 */
export function gossipService(maxMessageSize: number, allowedTopics: string[]): (components: GossipSubComponents) => TallyPubSub {
  return gossipsub({
    globalSignaturePolicy: 'StrictNoSign',
    asyncValidation: true,
    allowPublishToZeroTopicPeers: true,
    ignoreDuplicatePublishError: true,
    emitSelf: false,
    msgIdFn: (msg) => messageId(msg.topic, msg.data),
    maxInboundDataLength: maxMessageSize,
    allowedTopics,
  }) as unknown as (components: GossipSubComponents) => TallyPubSub;
}

/**
 * Makes gossipsub forget that it has seen the message `msgId`, so that `publish` sends it
 * again instead of dropping it as a duplicate. Used only to relay a transaction that left
 * the orphan pool after its gossip verdict was given (orphan-relay.ts): gossipsub has no
 * public way to forward a message it has seen. This reaches into a private field (the
 * `seenCache`, a SimpleTimeCache over a Map, in @libp2p/gossipsub 17); it returns false
 * when the field is not what it was, and test/unit/p2p/libp2p-internals.test.ts fails then.
 */
export function forgetSeenMessage(pubsub: TallyPubSub, msgId: string): boolean {
  const seen = (pubsub as unknown as { seenCache?: { entries?: unknown } }).seenCache;
  if (!(seen?.entries instanceof Map)) return false;
  seen.entries.delete(msgId);
  return true;
}
