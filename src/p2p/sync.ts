/**
 * The sync manager: headers first, then blocks from many peers at once.
 *
 * Headers come from a peer that claims more work than our best header (or
 * that the gossip layer points at), 2,000 at a time, until a batch is short
 * or adds nothing. The chain keeps the header with the most work as its
 * target, so forks resolve themselves: sync only ever fetches what
 * `blocksToDownload` says leads to the best header. Blocks are fetched by
 * {@link BlockDownloader}. Everything is driven by events (replies, peer
 * news) and a slow tick, never by a loop that spins.
 */
import type { BlockHeader } from '../primitives/block.js';
import { isTallyError } from '../primitives/errors.js';
import { RuleError } from '../consensus/errors.js';
import type { ChainEntry } from '../chain/entry.js';
import { silentLogger, type Logger } from '../chain/logger.js';
import type { SyncNetwork, SyncNode, SyncPeer } from './interface.js';
import { BlockDownloader, PeerState, SyncError, timedCall } from './download.js';
import { antiDoSThreshold, HeldHeaders } from './low-work.js';
import { BAN_THRESHOLD, verdictFor, verdictForCode } from './penalty.js';
import { SYNC_DEFAULTS, type SyncOptions } from './sync-options.js';

export { SyncError } from './download.js';

export interface SyncModules {
  network: SyncNetwork;
  node: SyncNode;
  logger?: Logger;
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
  /** Blocks connected per second over the last progress interval. */
  blocksPerSecond: number;
}

interface Progress {
  active: boolean;
  startedAt: number;
  startHeight: number;
  lastAt: number;
  lastHeight: number;
  blocksPerSecond: number;
  logged: boolean;
}

export class SyncManager {
  private readonly opts: SyncOptions;
  private readonly network: SyncNetwork;
  private readonly node: SyncNode;
  private readonly log: Logger;
  private readonly clock: () => number;
  private readonly peers = new Map<string, PeerState>();
  private readonly downloader: BlockDownloader;
  /** Peers to ask for headers as soon as a slot frees, whatever work they claim. */
  private readonly headerRequests = new Set<string>();
  private readonly headerSyncs = new Map<string, AbortController>();
  private readonly tasks = new Set<Promise<unknown>>();
  private running = false;
  private tickTimer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private progress: Progress = { active: false, startedAt: 0, startHeight: 0, lastAt: 0, lastHeight: 0, blocksPerSecond: 0, logged: false };

  constructor(opts: Partial<SyncOptions>, modules: SyncModules) {
    this.opts = { ...SYNC_DEFAULTS, ...opts };
    this.network = modules.network;
    this.node = modules.node;
    this.log = modules.logger ?? silentLogger;
    this.clock = modules.clock ?? (() => performance.now());
    this.downloader = new BlockDownloader(this.opts, {
      network: this.network,
      node: this.node,
      log: this.log,
      clock: this.clock,
      peers: this.peers,
      punish: (peerId, score, reason) => this.punish(peerId, score, reason),
      schedule: () => this.schedule(),
      track: (task) => this.track(task),
      isRunning: () => this.running,
    });
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
    for (const controller of this.headerSyncs.values()) controller.abort(reason);
    this.downloader.abortAll(reason);
    // Submissions already handed to the node finish; nothing new starts while stopped.
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }

  /** A peer handshook or sent a new status: ask it for headers if it claims a better tip we do not know. */
  onPeerStatus(peerId: string): void {
    const peer = this.network.peers().find((p) => p.id === peerId);
    if (peer && this.offersHeaders(peer)) this.requestHeadersFrom(peerId);
    else this.schedule();
  }

  /**
   * Whether `peer` claims a tip with more work than ours that we have no header for.
   * Compared with our tip, not our best header: a peer announcing headers whose blocks
   * never come must not make us deaf to honest peers with less work than those headers.
   */
  private offersHeaders(peer: SyncPeer): boolean {
    return peer.status.chainWork > this.node.tip.chainWork && this.node.getEntry(peer.status.tipHash) === undefined;
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
    // Bounded by the peer list in practice; the cap only guards against a caller gone wrong.
    if (this.headerRequests.size < 1024) this.headerRequests.add(peerId);
    this.schedule();
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
    };
  }

  // ---- scheduling ----------------------------------------------------------

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
      this.startHeaderSyncs();
      this.downloader.assign(this.headersArriving());
      this.checkProgress();
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'sync pass failed');
    }
  }

  /**
   * A header sync is under way that has sent a full batch, so more headers are coming.
   * One that has not answered yet (maybe never will) must not hold back partial ranges.
   */
  private headersArriving(): boolean {
    for (const id of this.headerSyncs.keys()) if (this.peers.get(id)?.headersFull) return true;
    return false;
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
    this.headerSyncs.get(state.id)?.abort(reason);
    this.headerRequests.delete(state.id);
    this.peers.delete(state.id);
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
    this.headerSyncs.get(peerId)?.abort(abort);
  }

  /** Charges the penalty penalty.ts sets for `code` in sync. */
  private punishFor(peerId: string, code: string): void {
    this.punish(peerId, verdictForCode(code, 'sync').penalty, code);
  }

  // ---- headers ---------------------------------------------------------------

  private startHeaderSyncs(): void {
    const now = this.clock();
    for (const id of this.headerRequests) {
      if (this.headerSyncs.size >= this.opts.maxHeaderSyncs) return;
      const state = this.peers.get(id);
      if (!state || state.banned) this.headerRequests.delete(id);
      // A busy peer keeps its request: the reply under way may predate the news.
      else if (!state.headersBusy && state.usable(now)) {
        this.headerRequests.delete(id);
        this.startHeaderSync(state);
      }
    }
    // Unprompted, one peer at a time, as Core does in initial sync: several would send the same headers.
    if (this.headerSyncs.size > 0) return;
    let pick: PeerState | undefined;
    for (const p of this.peers.values()) {
      if (!p.usable(now) || p.headersBusy || now < p.headersRetryAt || !this.offersHeaders(p.peer)) continue;
      if (!pick || p.peer.status.chainWork > pick.peer.status.chainWork) pick = p;
    }
    if (pick) this.startHeaderSync(pick);
  }

  private startHeaderSync(state: PeerState): void {
    const controller = new AbortController();
    this.headerSyncs.set(state.id, controller);
    state.headersBusy = true;
    const task = this.syncHeaders(state, controller.signal).finally(() => {
      if (this.headerSyncs.get(state.id) === controller) this.headerSyncs.delete(state.id);
      state.headersBusy = false;
      state.headersFull = false;
      this.schedule();
    });
    this.track(task);
  }

  /**
   * The least chain work worth storing a branch for, now (Core's anti-DoS work threshold):
   * headers sync holds branches below it, and gossip ignores blocks below it (§9.2, §9.3).
   */
  workThreshold(): bigint {
    return antiDoSThreshold(this.node.tip, this.opts.antiDoSWorkBlocks);
  }

  /** Asks one peer for batches of headers until it has no more for us. */
  private async syncHeaders(state: PeerState, signal: AbortSignal): Promise<void> {
    let locator = this.node.locator(this.node.bestHeader);
    const held = new HeldHeaders({
      maxHeld: this.opts.maxHeldHeaders,
      threshold: () => this.workThreshold(),
      getEntry: (hash) => this.node.getEntry(hash),
      locator: (entry) => this.node.locator(entry),
    });
    for (;;) {
      let headers: BlockHeader[];
      try {
        headers = await timedCall((s) => this.network.getHeaders(state.id, locator, s), this.opts.requestTimeoutMs, signal);
      } catch (err) {
        this.onHeadersFailed(state, err);
        return;
      }
      if (!this.running || signal.aborted) return;
      if (headers.length > this.opts.headersBatchSize) {
        this.punishFor(state.id, 'too-many-headers');
        break;
      }
      const full = headers.length === this.opts.headersBatchSize;
      state.headersFull = full;
      // A chain with little work is held, not stored, until it shows enough (low-work.ts).
      const verdict = held.add(headers, full);
      if (verdict.kind === 'hold') {
        locator = verdict.locator;
        continue;
      }
      if (verdict.kind === 'drop') {
        this.log.debug({ peer: state.id, height: verdict.height, reason: verdict.reason }, 'ignoring headers of a low-work chain');
        if (verdict.reason === 'non-continuous-headers') this.punishFor(state.id, verdict.reason);
        break;
      }
      const { last, added, ok } = await this.processHeaders(state, verdict.headers);
      if (last) state.headerTip = last;
      if (added > 0) this.schedule(); // download what is known while more headers come
      if (!ok || !last || added === 0 || !full) break;
      locator = this.node.locator(last);
    }
    // Claims more work than it showed us: do not ask it again straight away.
    if (this.offersHeaders(state.peer)) state.headersRetryAt = this.clock() + this.opts.retryMs;
  }

  /** Hands a reply's headers (after any held ones) to the node in order; stops at the first one refused. */
  private async processHeaders(state: PeerState, headers: readonly BlockHeader[]): Promise<{ last?: ChainEntry; added: number; ok: boolean }> {
    let last: ChainEntry | undefined;
    let added = 0;
    for (const [i, header] of headers.entries()) {
      if (!this.running || state.banned) return { last, added, ok: false };
      if (i > 0 && header.prevHash !== headers[i - 1]!.hash) {
        this.punishFor(state.id, 'non-continuous-headers');
        return { last, added, ok: false };
      }
      const known = this.node.getEntry(header.hash) !== undefined;
      try {
        last = await this.node.processHeader(header);
      } catch (err) {
        if (!(err instanceof RuleError)) throw err;
        // No penalty (an unknown parent, a time too far ahead) may be honest: just stop here.
        this.log.debug({ peer: state.id, hash: header.hash, code: err.code }, 'header refused');
        const { penalty } = verdictFor(err, 'sync');
        if (penalty > 0) this.punish(state.id, penalty, err.code);
        return { last, added, ok: false };
      }
      if (!known) added++;
    }
    return { last, added, ok: true };
  }

  private onHeadersFailed(state: PeerState, err: unknown): void {
    if (!this.running) return;
    const now = this.clock();
    if (isTallyError(err, 'request-timeout')) {
      state.recordStall(this.opts.requestTimeoutMs, now, this.opts);
      this.punish(state.id, this.opts.stallPenalty, 'headers-download-stalled');
    } else if (!isTallyError(err, 'peer-gone') && !isTallyError(err, 'peer-banned')) {
      state.recordFailure(now, this.opts);
    }
    state.headersRetryAt = now + this.opts.retryMs;
    this.log.debug({ peer: state.id, err: (err as Error).message }, 'headers request failed');
  }

  // ---- progress --------------------------------------------------------------

  private checkProgress(): void {
    const now = this.clock();
    const tip = this.node.tip;
    const best = this.node.bestHeader;
    const p = this.progress;
    if (best.chainWork > tip.chainWork) {
      if (!p.active) this.progress = { active: true, startedAt: now, startHeight: tip.height, lastAt: now, lastHeight: tip.height, blocksPerSecond: 0, logged: false };
      else if (now - p.lastAt >= this.opts.progressIntervalMs) this.logProgress(now, tip, best);
      return;
    }
    if (!p.active) return;
    p.active = false;
    p.blocksPerSecond = 0;
    // A one-block catch-up after a gossip gap is routine; a real sync is worth a line.
    const level = p.logged || tip.height - p.startHeight > 1 ? 'info' : 'debug';
    this.log[level]({ height: tip.height, tip: tip.hashHex, seconds: Math.round((now - p.startedAt) / 1000) }, 'sync complete');
  }

  private logProgress(now: number, tip: ChainEntry, best: ChainEntry): void {
    const p = this.progress;
    p.blocksPerSecond = Math.max(0, ((tip.height - p.lastHeight) * 1000) / (now - p.lastAt));
    p.lastAt = now;
    p.lastHeight = tip.height;
    p.logged = true;
    const left = best.height - tip.height;
    const secondsLeft = p.blocksPerSecond > 0 ? Math.round(left / p.blocksPerSecond) : null;
    const blocksPerSecond = Math.round(p.blocksPerSecond * 10) / 10;
    this.log.info({ height: tip.height, bestHeight: best.height, blocksPerSecond, secondsLeft }, 'sync progress');
  }
}
