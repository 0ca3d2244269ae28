/**
 * The p2p adapter: a libp2p host speaking Tally's protocols. It handshakes
 * with every peer (network, genesis, tip, work), serves headers and blocks,
 * gossips blocks and transactions with validation before forwarding, and
 * feeds the sync manager. Misbehaviour is scored in one place (PeerManager).
 */
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import type { Connection, PeerId, Stream } from '@libp2p/interface';
import { Block, type BlockHeader } from '../primitives/block.js';
import { Transaction } from '../primitives/tx.js';
import type { ChainEntry } from '../chain/entry.js';
import type { TallyNode } from '../node/node.js';
import type { NodeLogger } from '../node/logging.js';
import { P2PError } from './errors.js';
import { AfterBlock } from './after-block.js';
import { topics } from './gossip.js';
import type { PeerStatus, SyncNetwork, SyncPeer } from './interface.js';
import { createHost, forgetSeenMessage, type TallyLibp2p } from './libp2p.js';
import { belowThreshold } from './low-work.js';
import {
  decodeBlockRequest, decodeCount, decodeHeaders, decodeLocator, decodeStatus, encodeHashes, encodeHeaders, encodeStatus,
} from './messages.js';
import { MAX_BLOCKS_PER_REQUEST, MAX_HEADERS_PER_REPLY, type P2POptions } from './options.js';
import { loadOrCreatePeerKey } from './peer-key.js';
import { OrphanRelay } from './orphan-relay.js';
import { PeerManager } from './peers.js';
import { verdictFor, type PenaltyContext, type Verdict } from './penalty.js';
import { Framed, protocolIds, timeoutSignal } from './protocols.js';
import { BlockServer } from './block-server.js';
import { ServeBudget } from './serve-budget.js';
import { RecentSet } from './recent.js';
import { SyncManager } from './sync.js';

/** How long a peer of another network is not dialed again. */
const WRONG_NETWORK_COOLDOWN_SECONDS = 10 * 60;

export interface P2PModules {
  node: TallyNode;
  logger: NodeLogger;
}

interface PeerInfo {
  status: PeerStatus;
  direction: 'inbound' | 'outbound';
  /** Seconds since the epoch, on the node's clock. */
  connectedAt: number;
}

export class P2PService implements SyncNetwork {
  readonly opts: P2POptions;
  readonly peerManager: PeerManager;
  private readonly node: TallyNode;
  private readonly log: NodeLogger;
  private readonly rootLog: NodeLogger;
  private readonly ids: ReturnType<typeof protocolIds>;
  private readonly topics: ReturnType<typeof topics>;
  private readonly handshaked = new Map<string, PeerInfo>();
  /** Objects that came from the network: never re-published by us, except orphans (the orphan relay). */
  private readonly fromNetwork = new RecentSet(10_000);
  /** Gossiped orphans, relayed once their parent arrives. */
  private readonly orphanRelay: OrphanRelay;
  /** Gossiped transactions from peers ahead of us, tried again when our tip moves. */
  private readonly afterBlock = new AfterBlock({ max: 100, blocks: 6 });
  private readonly wrongNetwork = new Map<string, number>();
  private host?: TallyLibp2p;
  private sync?: SyncManager;
  private timers: NodeJS.Timeout[] = [];
  /** Configured peers (bootstrap, connect) whose last dial failed. */
  private readonly unreachable = new Set<string>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly stats = { bytesIn: 0, bytesOut: 0, gossip: { accept: 0, ignore: 0, reject: 0 } };
  private readonly serveBudget: ServeBudget;
  private readonly blockServer: BlockServer;

  constructor(opts: P2POptions, modules: P2PModules) {
    this.opts = opts;
    this.node = modules.node;
    this.log = modules.logger.child({ module: 'p2p' });
    this.rootLog = modules.logger;
    const network = this.node.config.network.name;
    this.ids = protocolIds(network);
    this.topics = topics(network);
    this.peerManager = new PeerManager(
      { datadir: this.node.config.datadir, banSeconds: opts.banSeconds, requestsPerSecond: opts.requestsPerSecond, serveBytesPerSecond: opts.serveBytesPerSecond },
      { logger: this.log, clock: this.node.clock, onBan: (peer) => void this.disconnect(peer) },
    );
    // Gossipsub drops an unvalidated message after mcacheLength (5) heartbeats of 1 s: hold less.
    this.serveBudget = new ServeBudget({ perPeer: opts.serveBytesInFlightPerPeer, total: opts.serveBytesInFlight });
    this.blockServer = new BlockServer({ maxMessageSize: opts.maxMessageSize }, {
      chain: this.node.chain,
      budget: this.serveBudget,
      rate: this.peerManager,
      nowMs: () => performance.now(),
      onSent: (bytes) => (this.stats.bytesOut += bytes),
      logger: this.log,
    });
    this.orphanRelay = new OrphanRelay({ holdMs: 3_000, max: 1_000 }, { report: (msgId, from, acceptance) => this.report(msgId, from, acceptance) });
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
    const denied = (peer: string) => this.peerManager.isBanned(peer) || this.coolingDown(peer);
    this.host = await createHost(this.opts, key, denied, [this.topics.blocks, this.topics.txs]);
    const host = this.host;
    const streamOpts = { maxInboundStreams: 32, maxOutboundStreams: 64 };
    await host.handle(this.ids.status, (stream, conn) => this.serve(stream, conn, (f, peer) => this.serveStatus(f, peer)), streamOpts);
    await host.handle(this.ids.headers, (stream, conn) => this.serve(stream, conn, (f, peer) => this.serveHeaders(f, peer)), streamOpts);
    await host.handle(this.ids.blocks, (stream, conn) => this.serve(stream, conn, (f, peer) => this.serveBlocks(f, peer)), streamOpts);
    host.addEventListener('peer:connect', (evt) => void this.onConnect(evt.detail));
    host.addEventListener('peer:disconnect', (evt) => this.onDisconnect(evt.detail.toString()));
    host.addEventListener('peer:discovery', (evt) => void this.onDiscovery(evt.detail.id, evt.detail.multiaddrs.map(String)));
    host.services.pubsub.addEventListener('gossipsub:message', (evt) => void this.onGossip(evt.detail));
    host.services.pubsub.subscribe(this.topics.blocks);
    host.services.pubsub.subscribe(this.topics.txs);
    this.watchNode();
    this.sync = new SyncManager({}, { network: this, node: this.syncNode(), logger: this.rootLog.child({ module: 'sync' }) });
    await this.sync.start();
    this.log.info({ peerId: this.peerId, addresses: this.localAddresses() }, 'p2p listening');
    await this.dialConfigured();
    this.timers.push(setInterval(() => void this.dialConfigured(), 10_000).unref());
    this.timers.push(setInterval(() => void this.refreshStatuses(), this.opts.statusIntervalSeconds * 1000).unref());
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const off of this.unsubscribe.splice(0)) off();
    this.orphanRelay.clear();
    this.afterBlock.clear();
    await this.sync?.stop();
    await this.host?.stop();
    this.handshaked.clear();
  }

  private syncNode() {
    const chain = this.node.chain;
    return {
      get tip() { return chain.tip; },
      get bestHeader() { return chain.bestHeader; },
      locator: (from?: ChainEntry) => chain.locator(from),
      getEntry: (hash: string) => chain.getEntry(hash),
      processHeader: (header: BlockHeader) => chain.processHeader(header),
      blocksToDownload: (limit: number, target?: ChainEntry) => chain.blocksToDownload(limit, target),
      submitBlock: (block: Block) => {
        this.fromNetwork.add(block.hash);
        return this.node.submitBlock(block);
      },
    };
  }

  // ---- connections and handshake --------------------------------------------

  private async dialConfigured(): Promise<void> {
    const targets = this.opts.connect.length > 0 ? this.opts.connect : this.opts.bootstrap;
    for (const addr of targets) {
      let ma;
      try {
        ma = multiaddr(addr);
      } catch {
        this.log.warn({ addr }, 'ignoring an invalid peer address');
        continue;
      }
      const id = ma.getComponents().find((c) => c.name === 'p2p')?.value;
      if (id && (this.handshaked.has(id) || this.peerManager.isBanned(id) || this.coolingDown(id))) continue;
      if (id && this.libp2p.getConnections(peerIdFromString(id)).length > 0) continue;
      await this.libp2p.dial(ma, { signal: AbortSignal.timeout(10_000) }).then(() => this.unreachable.delete(addr), (err: Error) => {
        // The operator asked for this peer: say so at the default level, once until it is reached, not every 10 s.
        const first = !this.unreachable.has(addr);
        this.unreachable.add(addr);
        this.log[first ? 'warn' : 'debug']({ addr, option: this.opts.connect.length > 0 ? 'connect' : 'bootstrap', err: err.message }, 'cannot reach a configured peer; retrying every 10 s');
      });
    }
  }

  private async onDiscovery(peerId: PeerId, addrs: string[]): Promise<void> {
    const id = peerId.toString();
    if (this.opts.connect.length > 0 || this.handshaked.has(id) || this.peerManager.isBanned(id) || this.coolingDown(id)) return;
    if (this.libp2p.getConnections().length >= this.opts.maxPeers) return;
    this.log.debug({ peer: id, addrs }, 'peer discovered');
    await this.libp2p.dial(peerId, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
  }

  private coolingDown(id: string): boolean {
    const until = this.wrongNetwork.get(id);
    return until !== undefined && until > this.node.clock();
  }

  private ourStatus(): PeerStatus {
    const tip = this.node.chain.tip;
    return { network: this.node.config.network.name, genesis: this.node.config.network.genesisHash, tipHash: tip.hashHex, height: tip.height, chainWork: tip.chainWork };
  }

  private async onConnect(peerId: PeerId): Promise<void> {
    const id = peerId.toString();
    if (this.peerManager.isBanned(id)) return this.disconnect(id);
    const outbound = this.libp2p.getConnections(peerId).some((c) => c.direction === 'outbound');
    // The dialing side asks; the other side learns the dialer's status from the request.
    if (outbound) await this.requestStatus(id).catch((err: Error) => this.log.debug({ peer: id, err: err.message }, 'handshake failed'));
  }

  private onDisconnect(id: string): void {
    if (this.handshaked.delete(id)) this.log.info({ peer: id, peers: this.handshaked.size }, 'peer disconnected');
    this.peerManager.forget(id);
    this.sync?.peerDisconnected(id);
    // Its orphans were only worth keeping while it could send their parents (Core's EraseForPeer).
    void this.node.mempool.removeOrphansFrom(id).catch(() => undefined);
  }

  private async requestStatus(id: string): Promise<void> {
    const framed = await this.open(id, this.ids.status);
    try {
      const signal = timeoutSignal(this.opts.requestTimeoutMs);
      await framed.write(encodeStatus(this.ourStatus()), signal);
      this.recordStatus(id, decodeStatus(await framed.read(signal)), 'outbound');
    } catch (err) {
      framed.abort('status request failed');
      throw err;
    }
    await framed.close();
  }

  /** Accepts a peer's status, or drops the peer when it is on another network. */
  private recordStatus(id: string, status: PeerStatus, direction: 'inbound' | 'outbound'): boolean {
    const ours = this.node.config.network;
    if (status.network !== ours.name || status.genesis !== ours.genesisHash) {
      this.log.info({ peer: id, network: status.network, genesis: status.genesis }, 'peer is on another network; disconnecting');
      this.wrongNetwork.set(id, this.node.clock() + WRONG_NETWORK_COOLDOWN_SECONDS);
      void this.disconnect(id);
      return false;
    }
    const known = this.handshaked.get(id);
    this.handshaked.set(id, { status, direction: known?.direction ?? direction, connectedAt: known?.connectedAt ?? this.node.clock() });
    if (!known) this.log.info({ peer: id, height: status.height, direction, peers: this.handshaked.size }, 'peer connected');
    this.sync?.peerUpdated(id);
    return true;
  }

  private async refreshStatuses(): Promise<void> {
    for (const id of [...this.handshaked.keys()]) {
      await this.requestStatus(id).catch(() => undefined);
    }
  }

  private async disconnect(id: string): Promise<void> {
    this.handshaked.delete(id);
    await this.host?.hangUp(peerIdFromString(id)).catch(() => undefined);
  }

  // ---- serving requests -----------------------------------------------------

  private async serve(stream: Stream, conn: Connection, handler: (f: Framed, peer: string) => Promise<void>): Promise<void> {
    const peer = conn.remotePeer.toString();
    const framed = new Framed(stream, this.opts.maxMessageSize);
    if (this.peerManager.isBanned(peer) || !this.peerManager.allowRequest(peer)) {
      framed.abort('refused');
      return;
    }
    try {
      await handler(framed, peer);
      await framed.close();
    } catch (err) {
      this.penalizeProtocolError(peer, err);
      this.log.debug({ peer, err: (err as Error).message }, 'request failed');
      framed.abort('error');
    }
  }

  private async serveStatus(framed: Framed, peer: string): Promise<void> {
    const signal = timeoutSignal(this.opts.requestTimeoutMs);
    const theirs = decodeStatus(await framed.read(signal));
    await framed.write(encodeStatus(this.ourStatus()), signal);
    this.recordStatus(peer, theirs, 'inbound');
  }

  private async serveHeaders(framed: Framed, peer: string): Promise<void> {
    const signal = timeoutSignal(this.opts.requestTimeoutMs);
    const locator = decodeLocator(await framed.read(signal));
    if (!this.handshaked.has(peer)) throw new P2PError('no-handshake', 'headers requested before the status handshake');
    const chain = this.node.chain;
    let start = chain.getEntryAtHeight(0)!;
    for (const hash of locator) {
      const entry = chain.getEntry(hash);
      if (entry && chain.isMain(entry)) {
        start = entry;
        break;
      }
    }
    const headers: BlockHeader[] = [];
    for (let h = start.height + 1; h <= chain.height && headers.length < MAX_HEADERS_PER_REPLY; h++) headers.push(chain.getEntryAtHeight(h)!.header);
    await framed.write(encodeHeaders(headers), signal);
  }

  private async serveBlocks(framed: Framed, peer: string): Promise<void> {
    const signal = timeoutSignal(this.opts.requestTimeoutMs);
    const hashes = decodeBlockRequest(await framed.read(signal));
    if (!this.handshaked.has(peer)) throw new P2PError('no-handshake', 'blocks requested before the status handshake');
    await this.blockServer.serve(framed, peer, hashes, signal);
  }

  // ---- requests (SyncNetwork) -------------------------------------------------

  peers(): SyncPeer[] {
    return [...this.handshaked.entries()].filter(([id]) => !this.peerManager.isBanned(id)).map(([id, info]) => ({ id, status: info.status }));
  }

  /**
   * A new request stream. The requests close it after a reply and reset it when they
   * fail: closing only our side would leave it half-open for as long as a stalling peer
   * likes, holding a stream slot and buffering whatever it sends later.
   */
  private async open(peer: string, protocol: string, signal?: AbortSignal): Promise<Framed> {
    const stream = await this.libp2p.dialProtocol(peerIdFromString(peer), protocol, { signal: timeoutSignal(this.opts.requestTimeoutMs, signal) });
    return new Framed(stream, this.opts.maxMessageSize);
  }

  async getHeaders(peer: string, locator: readonly string[], signal?: AbortSignal): Promise<BlockHeader[]> {
    const framed = await this.open(peer, this.ids.headers, signal);
    let headers: BlockHeader[];
    try {
      const s = timeoutSignal(this.opts.requestTimeoutMs, signal);
      await framed.write(encodeHashes(locator), s);
      const bytes = await framed.read(s);
      this.stats.bytesIn += bytes.length;
      headers = decodeHeaders(bytes);
    } catch (err) {
      framed.abort('request failed');
      this.penalizeProtocolError(peer, err);
      throw err;
    }
    await framed.close();
    return headers;
  }

  async getBlocks(peer: string, hashes: readonly string[], signal?: AbortSignal): Promise<Block[]> {
    if (hashes.length > MAX_BLOCKS_PER_REQUEST) throw new RangeError(`at most ${MAX_BLOCKS_PER_REQUEST} blocks per request`);
    const framed = await this.open(peer, this.ids.blocks, signal);
    const blocks: Block[] = [];
    try {
      const s = timeoutSignal(this.opts.requestTimeoutMs, signal);
      await framed.write(encodeHashes(hashes), s);
      const count = decodeCount(await framed.read(s), hashes.length);
      for (let i = 0; i < count; i++) {
        const bytes = await framed.read(s);
        this.stats.bytesIn += bytes.length;
        try {
          blocks.push(Block.fromBytes(bytes));
        } catch (err) {
          throw new P2PError('malformed-message', `undecodable block: ${(err as Error).message}`);
        }
      }
    } catch (err) {
      framed.abort('request failed');
      this.penalizeProtocolError(peer, err);
      throw err;
    }
    await framed.close();
    return blocks;
  }

  penalize(peer: string, score: number, reason: string): void {
    this.peerManager.penalize(peer, score, reason);
  }

  /** Charges a peer for a request or reply that fails in framing or decoding (penalty.ts, context `request`). */
  private penalizeProtocolError(peer: string, err: unknown): void {
    const verdict = verdictFor(err, 'request');
    if (verdict.penalty > 0) this.peerManager.penalize(peer, verdict.penalty, verdict.reason ?? 'malformed-message');
  }

  // ---- gossip -----------------------------------------------------------------

  private async onGossip(detail: { msgId: string; propagationSource: PeerId; msg: { topic: string; data: Uint8Array } }): Promise<void> {
    const { msgId, propagationSource, msg } = detail;
    const from = propagationSource.toString();
    let verdict: Verdict | undefined;
    if (this.peerManager.isBanned(from)) {
      verdict = { acceptance: 'reject', penalty: 0 };
    } else {
      try {
        verdict = msg.topic === this.topics.blocks ? await this.onGossipBlock(from, msg.data) : await this.onGossipTx(from, msgId, msg.data);
      } catch (err) {
        const context: PenaltyContext = msg.topic === this.topics.blocks ? 'gossip-block' : 'gossip-tx';
        verdict = verdictFor(err, context);
      }
    }
    // An orphan transaction's verdict is held by the orphan relay.
    if (!verdict) return;
    this.report(msgId, from, verdict.acceptance);
    if (verdict.penalty > 0) this.peerManager.penalize(from, verdict.penalty, `gossip: ${verdict.reason ?? 'invalid'}`);
  }

  private report(msgId: string, from: string, acceptance: Verdict['acceptance']): void {
    this.stats.gossip[acceptance]++;
    this.host?.services.pubsub.reportMessageValidationResult(msgId, from, acceptance);
  }

  private async onGossipBlock(from: string, data: Uint8Array): Promise<Verdict> {
    const block = Block.fromBytes(data);
    this.fromNetwork.add(block.hash);
    if (this.lowWork(block)) return { acceptance: 'ignore', penalty: 0, reason: 'low-work' };
    const result = await this.node.submitBlock(block);
    if (result.status === 'orphan') {
      // We lack its ancestors: fetch headers from whoever sent it.
      this.sync?.requestHeadersFrom(from);
      return { acceptance: 'ignore', penalty: 0, reason: 'orphan' };
    }
    if (result.status !== 'connected') return { acceptance: 'ignore', penalty: 0, reason: result.status };
    const info = this.handshaked.get(from);
    const entry = result.entry!;
    if (info && entry.chainWork > info.status.chainWork) {
      info.status = { ...info.status, tipHash: entry.hashHex, height: entry.height, chainWork: entry.chainWork };
    }
    return { acceptance: 'accept', penalty: 0 };
  }

  /**
   * An unrequested block is stored only when its branch reaches sync's anti-DoS work threshold
   * (§9.2): otherwise a peer could grow the header index with cheap old branches, paying only
   * their proof of work. A block whose header is already stored passed the rule (or came by sync).
   */
  private lowWork(block: Block): boolean {
    const chain = this.node.chain;
    if (!this.sync || chain.getEntry(block.hash)) return false;
    const parent = chain.getEntry(block.header.prevHash);
    return parent !== undefined && !parent.failed && belowThreshold(parent, block.header, this.sync.workThreshold());
  }

  /** The verdict on a gossiped transaction; none yet for an orphan, whose verdict the orphan relay holds. */
  private async onGossipTx(from: string, msgId: string, data: Uint8Array): Promise<Verdict | undefined> {
    const tx = Transaction.fromBytes(data);
    this.fromNetwork.add(tx.wtxid);
    let result;
    try {
      result = await this.node.sendTransaction(tx, { allowOrphan: true, peer: from });
    } catch (err) {
      const verdict = verdictFor(err, 'gossip-tx');
      if (verdict.retryAfterBlock) this.afterBlock.hold(tx, msgId, from);
      return verdict;
    }
    if (result.status === 'accepted') return { acceptance: 'accept', penalty: 0 };
    this.orphanRelay.hold(tx.wtxid, msgId, from);
    return undefined;
  }

  /**
   * Tries again the transactions that were early at our last tip (after-block.ts). One accepted
   * now is published: peers as far behind as we were ignored it too, and gossipsub forwards a
   * message only once.
   */
  private async retryAfterBlock(): Promise<void> {
    for (const w of this.afterBlock.take()) {
      let verdict: Verdict;
      try {
        const result = await this.node.sendTransaction(w.tx, { peer: w.from });
        if (result.status === 'accepted') void this.republish(this.topics.txs, w.msgId, w.tx.toBytes());
        continue;
      } catch (err) {
        verdict = verdictFor(err, 'gossip-tx');
      }
      if (verdict.retryAfterBlock) this.afterBlock.hold(w.tx, w.msgId, w.from, w.triesLeft - 1);
      if (verdict.penalty > 0) this.peerManager.penalize(w.from, verdict.penalty, `gossip: ${verdict.reason ?? 'invalid'}`);
    }
  }

  /** Publishes what this node produced itself (mined blocks, RPC transactions) and relays resolved orphans. */
  private watchNode(): void {
    const onBlock = (block: Block, entry: ChainEntry) => {
      if (this.node.chain.tip !== entry) return;
      if (!this.fromNetwork.has(block.hash)) void this.publish(this.topics.blocks, block.toBytes());
      if (this.afterBlock.size > 0) void this.retryAfterBlock();
    };
    const onTx = (entry: { tx: Transaction }) => {
      const orphan = this.orphanRelay.resolved(entry.tx.wtxid);
      if (orphan.kind === 'late') void this.republish(this.topics.txs, orphan.msgId, entry.tx.toBytes());
      if (orphan.kind !== 'none' || this.fromNetwork.has(entry.tx.wtxid)) return;
      void this.publish(this.topics.txs, entry.tx.toBytes());
    };
    this.node.on('block', onBlock);
    this.node.on('tx', onTx);
    this.unsubscribe.push(() => this.node.off('block', onBlock), () => this.node.off('tx', onTx));
  }

  private async publish(topic: string, data: Uint8Array): Promise<void> {
    try {
      await this.host?.services.pubsub.publish(topic, data);
    } catch (err) {
      this.log.debug({ topic, err: (err as Error).message }, 'publish failed');
    }
  }

  /** Publishes a message gossipsub has already seen (a late-resolved orphan). */
  private async republish(topic: string, msgId: string, data: Uint8Array): Promise<void> {
    const pubsub = this.host?.services.pubsub;
    if (pubsub && !forgetSeenMessage(pubsub, msgId)) this.log.warn({ topic }, 'cannot re-publish a seen message: gossipsub internals changed');
    await this.publish(topic, data);
  }

  // ---- information (RPC, metrics) ------------------------------------------------

  peerInfo(): { id: string; direction: string; status: PeerStatus; connectedAt: number; score: number; addresses: string[] }[] {
    return [...this.handshaked.entries()].map(([id, info]) => ({
      id,
      direction: info.direction,
      status: info.status,
      connectedAt: info.connectedAt,
      score: this.peerManager.score(id),
      addresses: this.host ? this.host.getConnections(peerIdFromString(id)).map((c) => c.remoteAddr.toString()) : [],
    }));
  }

  /** Block bytes read for peers and not yet sent, and block requests waiting for room (serve-budget.ts). */
  servingLoad(): { inFlightBytes: number; waiting: number } {
    return { inFlightBytes: this.serveBudget.inFlight, waiting: this.serveBudget.waiting };
  }

  totals(): { bytesIn: number; bytesOut: number; gossip: { accept: number; ignore: number; reject: number } } {
    return { bytesIn: this.stats.bytesIn, bytesOut: this.stats.bytesOut, gossip: { ...this.stats.gossip } };
  }

  syncStatus() {
    return this.sync?.status();
  }

  /** Dials a peer by multiaddr (RPC addnode). */
  async connect(addr: string): Promise<void> {
    await this.libp2p.dial(multiaddr(addr), { signal: AbortSignal.timeout(10_000) });
  }

  /** Round-trip time to a peer in milliseconds (libp2p ping). */
  async ping(id: string): Promise<number> {
    return this.libp2p.services.ping.ping(peerIdFromString(id), { signal: AbortSignal.timeout(10_000) });
  }

  async disconnectPeer(id: string): Promise<void> {
    await this.disconnect(id);
  }
}
