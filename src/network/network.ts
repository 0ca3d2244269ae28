/**
 * The network adapter: a libp2p host speaking Tally's protocols. It handshakes
 * with every peer (network, genesis, tip, work), serves headers and blocks
 * (reqresp/), gossips blocks and transactions with validation before
 * forwarding (gossip/), and feeds the sync manager. Peer state lives in one
 * store (peers/) and every penalty is decided by penalty.ts.
 */
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import type { PeerId } from '@libp2p/interface';
import type { Block, BlockHeader } from '../primitives/block.js';
import type { Transaction } from '../primitives/tx.js';
import type { ChainEntry } from '../chain/index.js';
import type { NetworkNode } from '../node/interface.js';
import type { Logger } from '../util/logger.js';
import { SyncManager } from '../sync/sync.js';
import { P2PError } from './errors.js';
import { AfterBlock, BlockRelay, GossipProcessor, lowWork, GossipPublisher, OrphanRelay, RecentSet, TxGossip, topics, type CompactStats } from './gossip/index.js';
import type { PeerStatus, SyncNetwork, SyncPeer } from './interface.js';
import { createHost, type TallyLibp2p } from './libp2p.js';
import type { P2POptions } from './options.js';
import { loadOrCreatePeerKey } from './peer-key.js';
import { Handshake } from './peers/handshake.js';
import { PeerStore } from './peers/peer-store.js';
import type { Acceptance } from './penalty.js';
import { ReqRespClient } from './reqresp/client.js';
import { BlockServer, blocksHandler } from './reqresp/handlers/blocks.js';
import { blockTxnHandler } from './reqresp/handlers/blocktxn.js';
import { headersHandler } from './reqresp/handlers/headers.js';
import { statusHandler } from './reqresp/handlers/status.js';
import { protocolIds } from './reqresp/protocols.js';
import { registerHandlers } from './reqresp/server.js';
import { ServeBudget } from './reqresp/serve-budget.js';
import { PeerFinder } from './discovery/peer-finder.js';
import { syncNodeOf } from './sync-node.js';
import { describePeers, type PeerInfo } from './peer-info.js';
import { TrafficMeter } from './traffic.js';

export interface P2PModules {
  node: NetworkNode;
  logger: Logger;
}

export class Network implements SyncNetwork {
  readonly opts: P2POptions;
  /** The peer store (named for the RPC and tests that read bans and scores through it). */
  readonly peerManager: PeerStore;
  private readonly node: NetworkNode;
  private readonly log: Logger;
  private readonly rootLog: Logger;
  private readonly ids: ReturnType<typeof protocolIds>;
  private readonly topics: ReturnType<typeof topics>;
  /** Objects that came from the network: never re-published by us, except orphans (the orphan relay). */
  private readonly fromNetwork = new RecentSet(10_000);
  /** Gossiped orphans, relayed once their parent arrives. */
  private readonly orphanRelay: OrphanRelay;
  /** Gossiped transactions from peers ahead of us, tried again when our tip moves. */
  private readonly afterBlock = new AfterBlock({ max: 100, blocks: 6 });
  private host?: TallyLibp2p;
  private sync?: SyncManager;
  private timers: NodeJS.Timeout[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  private readonly stats = { gossip: { accept: 0, ignore: 0, reject: 0 } };
  private readonly traffic: TrafficMeter;
  private readonly serveBudget: ServeBudget;
  private readonly blockServer: BlockServer;
  private readonly client: ReqRespClient;
  private readonly handshake: Handshake;
  private readonly publisher: GossipPublisher;
  private readonly txGossip: TxGossip;
  private readonly gossip: GossipProcessor;
  private readonly blockRelay: BlockRelay;
  private readonly dialer: PeerFinder;

  constructor(opts: P2POptions, modules: P2PModules) {
    this.opts = opts;
    this.node = modules.node;
    this.log = modules.logger.child({ module: 'p2p' });
    this.rootLog = modules.logger;
    const network = this.node.config.network;
    this.ids = protocolIds(network.name);
    this.topics = topics(network.name);
    const nowMs = () => performance.now();
    this.traffic = new TrafficMeter(this.node.clock);
    this.peerManager = new PeerStore(
      { datadir: this.node.config.datadir, banSeconds: opts.banSeconds, requestsPerSecond: opts.requestsPerSecond, serveBytesPerSecond: opts.serveBytesPerSecond },
      { logger: this.log, clock: this.node.clock, nowMs, onBan: (peer) => void this.disconnect(peer) },
    );
    // Gossipsub drops an unvalidated message after mcacheLength (5) heartbeats of 1 s: hold less.
    this.serveBudget = new ServeBudget({ perPeer: opts.serveBytesInFlightPerPeer, total: opts.serveBytesInFlight });
    this.blockServer = new BlockServer({ maxMessageSize: opts.maxMessageSize }, {
      chain: this.node.chain, budget: this.serveBudget, rate: this.peerManager, nowMs,
      logger: this.log,
    });
    this.orphanRelay = new OrphanRelay({ holdMs: 3_000, max: 1_000 }, { report: (msgId, from, acceptance) => this.report(msgId, from, acceptance) });
    this.client = new ReqRespClient({ requestTimeoutMs: opts.requestTimeoutMs, maxMessageSize: opts.maxMessageSize, ids: this.ids }, {
      dial: (peer, protocol, signal) => this.libp2p.dialProtocol(peerIdFromString(peer), protocol, { signal }),
      peers: this.peerManager,
    });
    this.handshake = new Handshake({
      store: this.peerManager, network, logger: this.log, ourStatus: () => this.ourStatus(),
      request: (peer, ours) => this.client.status(peer, ours),
      disconnect: (peer) => this.disconnect(peer),
      onUpdated: (peer) => this.sync?.peerUpdated(peer),
    });
    this.publisher = new GossipPublisher({ pubsub: () => this.host?.services.pubsub, logger: this.log });
    this.txGossip = new TxGossip({
      sendTransaction: (tx, o) => this.node.sendTransaction(tx, o), fromNetwork: (id) => this.fromNetwork.add(id),
      afterBlock: this.afterBlock, orphanRelay: this.orphanRelay, penalize: (peer, score, reason) => this.penalize(peer, score, reason),
      republish: (msgId, data) => void this.publisher.republish(this.topics.txs, msgId, data),
    });
    // Blocks come in both forms (compact and full, a topic each) and leave in opts.blockRelay's (gossip/compact/relay.ts).
    this.blockRelay = new BlockRelay({ mode: opts.blockRelay, topics: this.topics, blockTxnTimeoutMs: Math.min(3_000, opts.requestTimeoutMs), lateMs: 4_000 }, {
      submitBlock: (block) => this.node.submitBlock(block), fromNetwork: (hash) => this.fromNetwork.add(hash),
      lowWork: (block) => this.sync !== undefined && lowWork(this.node.chain, this.sync.workThreshold(), block), requestHeadersFrom: (peer) => this.sync?.requestHeadersFrom(peer),
      handshake: (peer) => this.peerManager.handshake(peer), chain: this.node.chain, pool: () => this.node.mempool.entries().map((e) => e.tx),
      getBlockTxn: (peer, req, signal) => this.client.getBlockTxn(peer, req, signal), publisher: this.publisher,
      getBlock: async (peer, hash) => (await this.client.getBlocks(peer, [hash]))[0],
    });
    this.gossip = new GossipProcessor(new Map([
      ...this.blockRelay.topics(),
      [this.topics.txs, { context: 'gossip-tx', handler: this.txGossip.handle }],
    ]), { peers: this.peerManager, report: (msgId, from, acceptance) => this.report(msgId, from, acceptance), onAccepted: (from, topic) => this.traffic.delivered(from, topic === this.topics.txs ? 'tx' : 'block') });
    this.dialer = new PeerFinder(opts, { host: () => this.libp2p, peers: this.peerManager, logger: this.log, clock: this.node.clock, network: network.name, datadir: this.node.config.datadir });
  }

  get libp2p(): TallyLibp2p {
    if (!this.host) throw new P2PError('not-started', 'p2p is not started');
    return this.host;
  }

  get peerId(): string {
    return this.libp2p.peerId.toString();
  }

  /** Full multiaddrs (with /p2p/<id>) others can use as bootstrap addresses. */
  localAddresses(): string[] {
    return this.host ? this.host.getMultiaddrs().map(String) : [];
  }

  async start(): Promise<void> {
    const key = await loadOrCreatePeerKey(this.node.config.datadir);
    // The gater also turns away peers of another network while they cool down: libp2p's bootstrap
    // module dials its list by itself, past the checks in dialConfigured and onDiscovery.
    this.host = await createHost(this.opts, key, (peer) => this.peerManager.denied(peer), this.gossip.topics(), this.traffic.component(), this.dialer.dhtService());
    const host = this.host;
    const requestTimeoutMs = this.opts.requestTimeoutMs;
    const isHandshaked = (peer: string) => this.peerManager.isHandshaked(peer);
    await registerHandlers(host, {
      [this.ids.status]: statusHandler({ requestTimeoutMs, ourStatus: () => this.ourStatus(), recordStatus: (peer, s, d) => this.handshake.record(peer, s, d) }),
      [this.ids.headers]: headersHandler({ requestTimeoutMs, chain: this.node.chain, isHandshaked }),
      [this.ids.blocks]: blocksHandler({ requestTimeoutMs, server: this.blockServer, isHandshaked }),
      [this.ids.blocktxn]: blockTxnHandler({ requestTimeoutMs, chain: this.node.chain, isHandshaked }),
    }, this.opts.maxMessageSize, { peers: this.peerManager, logger: this.log });
    host.addEventListener('peer:connect', (evt) => void this.onConnect(evt.detail));
    host.addEventListener('peer:disconnect', (evt) => this.onDisconnect(evt.detail.toString()));
    host.addEventListener('peer:discovery', (evt) => void this.dialer.onDiscovery(evt.detail.id, evt.detail.multiaddrs.map(String)));
    host.services.pubsub.addEventListener('gossipsub:message', (evt) => {
      const { msgId, propagationSource, msg } = evt.detail;
      void this.gossip.onMessage({ msgId, from: propagationSource.toString(), topic: msg.topic, data: msg.data });
    });
    for (const topic of this.gossip.topics()) host.services.pubsub.subscribe(topic);
    this.watchNode();
    this.sync = new SyncManager(this.node.config.sync ?? {}, { network: this, node: syncNodeOf(this.node, (block) => this.fromNetwork.add(block.hash)), logger: this.rootLog.child({ module: 'sync' }) });
    await this.sync.start();
    this.log.info({ peerId: this.peerId, addresses: this.localAddresses() }, 'p2p listening');
    await this.dialer.start();
    this.timers.push(setInterval(() => void this.handshake.refreshAll(), this.opts.statusIntervalSeconds * 1000).unref());
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const off of this.unsubscribe.splice(0)) off();
    this.orphanRelay.clear();
    this.afterBlock.clear();
    await this.dialer.stop();
    await this.sync?.stop();
    await this.host?.stop();
    this.peerManager.clearHandshakes();
  }

  // ---- connections ------------------------------------------------------------

  private ourStatus(): PeerStatus {
    const tip = this.node.chain.tip;
    return { network: this.node.config.network.name, genesis: this.node.config.network.genesisHash, tipHash: tip.hashHex, height: tip.height, chainWork: tip.chainWork };
  }

  private async onConnect(peerId: PeerId): Promise<void> {
    const id = peerId.toString();
    if (this.peerManager.isBanned(id)) return this.disconnect(id);
    const outbound = this.libp2p.getConnections(peerId).some((c) => c.direction === 'outbound');
    // The dialing side asks; the other side learns the dialer's status from the request.
    if (outbound) await this.handshake.request(id).catch((err: Error) => this.log.debug({ peer: id, err: err.message }, 'handshake failed'));
  }

  private onDisconnect(id: string): void {
    if (this.peerManager.dropHandshake(id)) this.log.info({ peer: id, peers: this.peerManager.handshakedCount }, 'peer disconnected');
    this.peerManager.forget(id);
    this.traffic.forgetPeer(id);
    this.sync?.peerDisconnected(id);
    // Its orphans were only worth keeping while it could send their parents (Core's EraseForPeer).
    void this.node.mempool.removeOrphansFrom(id).catch(() => undefined);
  }

  private async disconnect(id: string): Promise<void> {
    this.peerManager.dropHandshake(id);
    await this.host?.hangUp(peerIdFromString(id)).catch(() => undefined);
  }

  // ---- requests (SyncNetwork) -------------------------------------------------

  peers(): SyncPeer[] {
    return this.peerManager.handshakes().filter(([id]) => !this.peerManager.isBanned(id)).map(([id, info]) => ({ id, status: info.status }));
  }

  getHeaders(peer: string, locator: readonly string[], signal?: AbortSignal): Promise<BlockHeader[]> {
    return this.client.getHeaders(peer, locator, signal);
  }

  getBlocks(peer: string, hashes: readonly string[], signal?: AbortSignal, onBlock?: (block: Block) => void, onStart?: (count: number) => void): Promise<Block[]> {
    return this.client.getBlocks(peer, hashes, signal, onBlock, onStart);
  }

  penalize(peer: string, score: number, reason: string): void {
    this.peerManager.penalize(peer, score, reason);
  }

  // ---- gossip -----------------------------------------------------------------

  private report(msgId: string, from: string, acceptance: Acceptance): void {
    this.stats.gossip[acceptance]++;
    this.host?.services.pubsub.reportMessageValidationResult(msgId, from, acceptance);
  }

  /** Publishes what this node produced itself (mined blocks, RPC transactions) and relays resolved orphans. */
  private watchNode(): void {
    const onBlock = (block: Block, entry: ChainEntry) => {
      if (this.node.chain.tip !== entry) return;
      if (!this.fromNetwork.has(block.hash)) void this.blockRelay.publish(block);
      if (this.afterBlock.size > 0) void this.txGossip.retryAfterBlock();
    };
    const onTx = (entry: { tx: Transaction }) => {
      const orphan = this.orphanRelay.resolved(entry.tx.wtxid);
      if (orphan.kind === 'late') void this.publisher.republish(this.topics.txs, orphan.msgId, entry.tx.toBytes());
      if (orphan.kind !== 'none' || this.fromNetwork.has(entry.tx.wtxid)) return;
      void this.publisher.publish(this.topics.txs, entry.tx.toBytes());
    };
    this.node.on('block', onBlock);
    this.node.on('tx', onTx);
    this.unsubscribe.push(() => this.node.off('block', onBlock), () => this.node.off('tx', onTx));
  }

  // ---- information (RPC, metrics) ------------------------------------------------

  peerInfo(): PeerInfo[] {
    return describePeers({ host: this.host, store: this.peerManager, traffic: this.traffic, configured: () => [...this.opts.connect, ...this.opts.bootstrap] });
  }

  /** Block bytes read for peers and not yet sent, and block requests waiting for room (serve-budget.ts) or for their turn. */
  servingLoad(): { inFlightBytes: number; waiting: number } {
    return { inFlightBytes: this.serveBudget.inFlight, waiting: this.serveBudget.waiting + this.blockServer.waitingTurns };
  }

  /** Bytes on the wire since start (every connection, closed ones included), gossip verdicts and compact relay's counters. */
  totals(): { bytesIn: number; bytesOut: number; gossip: { accept: number; ignore: number; reject: number }; compact: CompactStats } {
    const { bytesRecv: bytesIn, bytesSent: bytesOut } = this.traffic.totals();
    return { bytesIn, bytesOut, gossip: { ...this.stats.gossip }, compact: this.blockRelay.stats };
  }

  syncStatus() {
    return this.sync?.status();
  }

  /** Dials a peer by multiaddr (RPC addnode). */
  async connect(addr: string): Promise<void> {
    this.dialer.markManual(addr);
    await this.libp2p.dial(multiaddr(addr), { signal: AbortSignal.timeout(10_000) });
  }

  /** Round-trip time to a peer in milliseconds (libp2p ping). */
  async ping(id: string): Promise<number> {
    return this.traffic.recordPing(id, await this.libp2p.services.ping.ping(peerIdFromString(id), { signal: AbortSignal.timeout(10_000) }));
  }

  async disconnectPeer(id: string): Promise<void> {
    await this.disconnect(id);
  }
}

/** The former name, kept for callers and tests. */
export { Network as P2PService };
export type { P2PModules as NetworkModules };
