/**
 * The sync manager: headers first, then blocks from many peers at once.
 *
 * Headers come from {@link HeaderSync}; the chain keeps the header with the
 * most work as its target, so forks resolve themselves: sync only ever fetches
 * what `blocksToDownload` says leads to the best header. Blocks are fetched by
 * {@link BlockDownloader}. Everything is driven by events (replies, peer news)
 * and a slow tick, never by a loop that spins.
 */
import { silentLogger, type LogWriter } from '../util/logger.js';
import type { SyncNetwork, SyncNode } from '../network/interface.js';
import { BAN_THRESHOLD } from '../network/penalty.js';
import { BlockDownloader } from './download.js';
import { SyncError } from './errors.js';
import { HeaderSync, offersHeaders } from './headers.js';
import { SYNC_DEFAULTS, type SyncOptions } from './options.js';
import { PeerState } from './peer-state.js';
import { SyncProgress, type ProgressSnapshot } from './progress.js';

export interface SyncModules {
  network: SyncNetwork;
  node: SyncNode;
  logger?: LogWriter;
  /** Milliseconds on a monotonic clock; injected so tests control time. */
  clock?: () => number;
}

/** For RPC and metrics. */
export interface SyncStatus {
  /** The best known header has more work than the tip. */
  syncing: boolean;
  height: number;
  bestHeight: number;
  /** Usable peers (handshaken, not banned). */
  peers: number;
  /** Blocks requested and not yet received. */
  inFlight: number;
  /** Blocks connected per second over the last 10 s (progress.ts RATE_WINDOW_MS). */
  blocksPerSecond: number;
  /** Rates, ETA and serving peers while catching up (undefined otherwise): what a progress line shows. */
  progress?: ProgressSnapshot;
}

export class SyncManager {
  private readonly opts: SyncOptions;
  private readonly network: SyncNetwork;
  private readonly node: SyncNode;
  private readonly log: LogWriter;
  private readonly clock: () => number;
  private readonly peers = new Map<string, PeerState>();
  private readonly downloader: BlockDownloader;
  private readonly headers: HeaderSync;
  private readonly progress: SyncProgress;
  private readonly tasks = new Set<Promise<unknown>>();
  private running = false;
  private tickTimer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;

  constructor(opts: Partial<SyncOptions>, modules: SyncModules) {
    this.opts = { ...SYNC_DEFAULTS, ...opts };
    this.network = modules.network;
    this.node = modules.node;
    this.log = modules.logger ?? silentLogger;
    this.clock = modules.clock ?? (() => performance.now());
    const ctx = {
      network: this.network,
      node: this.node,
      log: this.log,
      clock: this.clock,
      peers: this.peers,
      punish: (peerId: string, score: number, reason: string) => this.punish(peerId, score, reason),
      schedule: () => this.schedule(),
      track: (task: Promise<unknown>) => this.track(task),
      delivered: (peerId: string, bytes: number) => this.progress.delivered(peerId, bytes, this.clock()),
      isRunning: () => this.running,
    };
    this.downloader = new BlockDownloader(this.opts, ctx);
    this.headers = new HeaderSync(this.opts, ctx);
    this.progress = new SyncProgress(this.opts.progressIntervalMs, this.log);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.tickTimer = setInterval(() => this.tick(), this.opts.tickMs);
    this.schedule();
  }

  /** Aborts every request, clears the timers and waits for the work already started to settle. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.tickTimer);
    if (this.immediate) clearImmediate(this.immediate);
    this.tickTimer = this.immediate = undefined;
    const reason = new SyncError('sync-stopped', 'sync stopped');
    this.headers.abortAll(reason);
    this.downloader.abortAll(reason);
    // Submissions already handed to the node finish; nothing new starts while stopped.
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }

  /** A peer handshook or sent a new status: ask it for headers if it claims a better tip we do not know. */
  onPeerStatus(peerId: string): void {
    const peer = this.network.peers().find((p) => p.id === peerId);
    if (peer && offersHeaders(peer, this.node)) this.requestHeadersFrom(peerId);
    else this.schedule();
  }

  /** Alias of {@link onPeerStatus}, under the name the p2p service calls. */
  peerUpdated(peerId: string): void {
    this.onPeerStatus(peerId);
  }

  /** The peer left: its requests are abandoned and their blocks handed to others now, not at the next tick. */
  peerDisconnected(peerId: string): void {
    const state = this.peers.get(peerId);
    if (state) this.forgetPeer(state);
    this.schedule();
  }

  /** Asks `peerId` for headers soon (the gossip layer got a block from it whose parent we lack). */
  requestHeadersFrom(peerId: string): void {
    if (!this.running) return;
    this.headers.request(peerId);
    this.schedule();
  }

  /**
   * The least chain work worth storing a branch for, now (Core's anti-DoS work threshold):
   * headers sync holds branches below it, and gossip ignores blocks below it (§9.2, §9.3).
   */
  workThreshold(): bigint {
    return this.headers.workThreshold();
  }

  status(): SyncStatus {
    const tip = this.node.tip;
    const best = this.node.bestHeader;
    let peers = 0;
    for (const p of this.peers.values()) if (!p.banned) peers++;
    return {
      syncing: best.chainWork > tip.chainWork,
      height: tip.height,
      bestHeight: best.height,
      peers,
      inFlight: this.downloader.blocksInFlight,
      blocksPerSecond: this.progress.blocksPerSecond,
      progress: this.progress.snapshot(),
    };
  }

  /** Coalesces bursts of events into one pass on the next turn of the event loop. */
  private schedule(): void {
    if (!this.running || this.immediate) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.pump();
    });
  }

  private tick(): void {
    if (!this.running) return;
    this.downloader.sweep();
    this.pump();
  }

  private pump(): void {
    if (!this.running) return;
    try {
      this.refreshPeers();
      this.headers.startSyncs();
      if (this.downloadReady()) this.downloader.assign(this.headers.arriving());
      this.progress.check(this.clock(), this.node.tip, this.node.bestHeader);
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'sync pass failed');
    }
  }

  /**
   * No ranges go out while headers are being handed to the node with less than a window of them
   * known ahead of the tip: they would be cut from the few headers in yet (see HeaderSync.handingOff).
   */
  private downloadReady(): boolean {
    return !this.headers.handingOff() || this.node.bestHeader.height - this.node.tip.height >= this.opts.downloadWindow;
  }

  private track(task: Promise<unknown>): void {
    const settled: Promise<unknown> = task
      .catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'sync task failed'))
      .finally(() => this.tasks.delete(settled));
    this.tasks.add(settled);
  }

  private refreshPeers(): void {
    const seen = new Set<string>();
    for (const peer of this.network.peers()) {
      seen.add(peer.id);
      const state = this.peers.get(peer.id);
      if (state) state.update(peer);
      else this.peers.set(peer.id, new PeerState(peer));
    }
    for (const [id, state] of this.peers) if (!seen.has(id)) this.forgetPeer(state);
  }

  private forgetPeer(state: PeerState): void {
    const reason = new SyncError('peer-gone', `peer ${state.id} left`);
    this.downloader.dropPeer(state, reason);
    this.headers.abort(state.id, reason, true);
    this.peers.delete(state.id);
    this.progress.forget(state.id);
  }

  /** The single place where sync charges a peer; a ban also takes its work back at once. */
  private punish(peerId: string, score: number, reason: string): void {
    const state = this.peers.get(peerId);
    // Replies already being processed can keep failing after a ban: one verdict is enough.
    if (state?.banned) return;
    this.log.debug({ peer: peerId, score, reason }, 'penalizing peer');
    this.network.penalize(peerId, score, reason);
    if (score < BAN_THRESHOLD || !state) return;
    state.banned = true;
    const abort = new SyncError('peer-banned', `peer ${peerId} banned: ${reason}`);
    this.downloader.dropPeer(state, abort);
    this.headers.abort(peerId, abort);
  }
}
