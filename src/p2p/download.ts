/**
 * Parallel block download, BitTorrent-style: the blocks the node still needs
 * (up to a window ahead of the tip) are cut into ranges, and every peer that
 * has them holds a few ranges at a time. Fast peers free their slots sooner
 * and pick first, so they get more work; a range that times out or whose peer
 * leaves simply stops being in flight and is handed out again. The queue is
 * not stored: each pass recomputes it from the chain (`blocksToDownload`)
 * minus what is in flight, so nothing can be lost or handed out twice.
 */
import type { Block } from '../primitives/block.js';
import { isTallyError, TallyError } from '../primitives/errors.js';
import { RuleError } from '../consensus/errors.js';
import { findFork, type ChainEntry } from '../chain/entry.js';
import type { Logger } from '../chain/logger.js';
import { BlockStatus } from '../chain/records.js';
import type { SyncNetwork, SyncNode, SyncPeer } from './interface.js';
import { verdictFor, verdictForCode } from './penalty.js';
import type { SyncOptions } from './sync-options.js';

/**
 * Why sync abandoned a request: `request-timeout`, `peer-gone`, `peer-banned`,
 * `sync-stopped`. The reasons sync passes to `penalize` are codes too:
 * `block-download-stalled`, `headers-download-stalled`, `block-hash-mismatch`,
 * `invalid-block`, `non-continuous-headers`, `too-many-headers`, and the
 * RuleError codes the chain throws (`high-hash`, `bad-txnmrklroot`, ...).
 */
export class SyncError extends TallyError {}

/**
 * Runs `call` with a signal that aborts after `timeoutMs` or with `parent`.
 * Settles as soon as the signal aborts, even if `call` ignores it, so a
 * misbehaving transport cannot leave sync waiting.
 */
export function timedCall<T>(call: (signal: AbortSignal) => Promise<T>, timeoutMs: number, parent: AbortSignal): Promise<T> {
  const controller = new AbortController();
  const { signal } = controller;
  const onParent = (): void => controller.abort(parent.reason);
  const timer = setTimeout(() => controller.abort(new SyncError('request-timeout', `no reply within ${timeoutMs} ms`)), timeoutMs);
  return new Promise<T>((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParent);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      cleanup();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    if (parent.aborted) return onParent();
    parent.addEventListener('abort', onParent, { once: true });
    let reply: Promise<T>;
    try {
      reply = call(signal);
    } catch (err) {
      cleanup();
      return reject(err);
    }
    reply.then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (err: unknown) => {
        cleanup();
        reject(err);
      },
    );
  });
}

/** What sync knows about one peer: how fast it answers, what it has, what it owes. */
export class PeerState {
  peer: SyncPeer;
  /** Moving average of the reply time (ms); undefined until the first reply. */
  latencyMs: number | undefined;
  /** Recent timeouts; each success forgives one. */
  stalls = 0;
  failures = 0;
  /** No new requests before this time (ms on the sync clock). */
  backoffUntil = 0;
  banned = false;
  headersBusy = false;
  /** Its last headers reply was a full batch: more are coming. */
  headersFull = false;
  headersRetryAt = 0;
  /** The last header this peer sent us: it has that block and its ancestors. */
  headerTip: ChainEntry | undefined;
  rangesServed = 0;
  readonly requests = new Set<BlockRequest>();
  /** Blocks it left out of a reply: not asked for again until its tip changes or `retryMs` passes. */
  readonly missing = new Set<string>();
  private missingUntil = 0;
  private readonly forkHeights = new Map<string, number>();

  /** Kept apart from `peer`: a transport may update the status object in place. */
  private tipHash: string;

  constructor(peer: SyncPeer) {
    this.peer = peer;
    this.tipHash = peer.status.tipHash;
  }

  get id(): string {
    return this.peer.id;
  }

  update(peer: SyncPeer): void {
    // A new tip may bring the blocks it lacked.
    if (peer.status.tipHash !== this.tipHash) this.missing.clear();
    this.tipHash = peer.status.tipHash;
    this.peer = peer;
  }

  usable(now: number): boolean {
    return !this.banned && now >= this.backoffUntil;
  }

  /** Scheduling cost: slow and stalling peers pick last. Unknown peers pick first, to be measured. */
  cost(): number {
    return (this.latencyMs ?? 0) * (1 + this.stalls);
  }

  /** A peer on probation after a timeout gets one request at a time. */
  maxInFlight(opts: SyncOptions): number {
    return this.stalls > 0 ? 1 : opts.maxInFlightPerPeer;
  }

  /** Adaptive: a multiple of the peer's usual latency, within the configured bounds. */
  timeoutMs(opts: SyncOptions): number {
    if (this.latencyMs === undefined) return opts.requestTimeoutMs;
    return Math.min(opts.requestTimeoutMs, Math.max(opts.minRequestTimeoutMs, opts.timeoutLatencyFactor * this.latencyMs));
  }

  recordSuccess(ms: number): void {
    this.latencyMs = this.latencyMs === undefined ? ms : 0.7 * this.latencyMs + 0.3 * ms;
    this.stalls = Math.max(0, this.stalls - 1);
    this.failures = 0;
  }

  recordStall(timeoutMs: number, now: number, opts: SyncOptions): void {
    this.stalls++;
    this.latencyMs = Math.max(this.latencyMs ?? 0, timeoutMs);
    this.backoffUntil = now + backoff(this.stalls, opts);
  }

  recordFailure(now: number, opts: SyncOptions): void {
    this.failures++;
    this.backoffUntil = now + backoff(this.failures, opts);
  }

  noteMissing(hash: string, now: number, opts: SyncOptions): void {
    if (this.missing.size === 0) this.missingUntil = now + opts.retryMs;
    if (this.missing.size >= 2 * opts.downloadWindow) this.missing.clear();
    this.missing.add(hash);
  }

  /** Whether it said it lacks `hash`; forgets such answers after a while, in case it has caught up. */
  lacks(hash: string, now: number): boolean {
    if (this.missing.size > 0 && now >= this.missingUntil) this.missing.clear();
    return this.missing.has(hash);
  }

  /**
   * The header this peer's blocks lead to when it is not on the way to `best`: the
   * best one we know it has (its tip, or the last header it sent), when that has more
   * work than `tip`. A peer on another branch than the best header (which may belong
   * to a peer that never serves its blocks) is still worth downloading from.
   */
  sideTarget(best: ChainEntry, tip: ChainEntry, getEntry: (hash: string) => ChainEntry | undefined): ChainEntry | undefined {
    const statusTip = getEntry(this.peer.status.tipHash);
    const own = statusTip && this.headerTip && this.headerTip.chainWork > statusTip.chainWork ? this.headerTip : (statusTip ?? this.headerTip);
    if (!own || own.failed || own.chainWork <= tip.chainWork) return undefined;
    return this.forkHeight(own, best) === own.height ? undefined : own;
  }

  /**
   * Highest height on the path to `best` that the peer is believed to have: where
   * its tip (or the last header it sent) meets that path, or, while its tip is
   * unknown to us, its advertised height. A wrong guess costs one short reply.
   */
  availableHeight(best: ChainEntry, getEntry: (hash: string) => ChainEntry | undefined): number {
    const statusTip = getEntry(this.peer.status.tipHash);
    let height = statusTip ? this.forkHeight(statusTip, best) : this.peer.status.height;
    if (this.headerTip) height = Math.max(height, this.forkHeight(this.headerTip, best));
    return height;
  }

  /** Memoized: the walk is long while far behind, and the inputs change rarely. */
  private forkHeight(tip: ChainEntry, best: ChainEntry): number {
    const key = tip.hashHex + best.hashHex;
    let height = this.forkHeights.get(key);
    if (height === undefined) {
      height = safeForkHeight(tip, best);
      if (this.forkHeights.size >= 4) this.forkHeights.clear();
      this.forkHeights.set(key, height);
    }
    return height;
  }
}

function safeForkHeight(a: ChainEntry, b: ChainEntry): number {
  try {
    return findFork(a, b).height;
  } catch {
    return -1;
  }
}

/** Exponential, from the shortest timeout up to eight times the longest. */
function backoff(count: number, opts: SyncOptions): number {
  return Math.min(8 * opts.requestTimeoutMs, opts.minRequestTimeoutMs * 2 ** Math.min(count - 1, 10));
}

/** One outstanding `getBlocks` call. */
export interface BlockRequest {
  readonly peer: PeerState;
  readonly hashes: readonly string[];
  readonly startedAt: number;
  readonly timeoutMs: number;
  /** Aborted to abandon the request (peer gone or banned, sync stopped). */
  readonly controller: AbortController;
  done: boolean;
}

/** What the downloader needs from the sync manager that owns it. */
export interface DownloadContext {
  readonly network: SyncNetwork;
  readonly node: SyncNode;
  readonly log: Logger;
  readonly clock: () => number;
  readonly peers: ReadonlyMap<string, PeerState>;
  /** The one place penalties go through (it also drops a banned peer's work). */
  punish(peerId: string, score: number, reason: string): void;
  /** Asks for another scheduling pass soon. */
  schedule(): void;
  /** Registers a background task so that stop() can wait for it. */
  track(task: Promise<unknown>): void;
  isRunning(): boolean;
}

export class BlockDownloader {
  private readonly requests = new Set<BlockRequest>();
  private readonly inFlight = new Map<string, BlockRequest>();
  /** Received and handed to the node, not yet processed: not to be asked for again. */
  private readonly pending = new Set<string>();
  /**
   * Who sent each block that was stored but not connected yet. A block that
   * arrives before its parent is only checked in full when its branch
   * connects, during some other block's submission, so its verdict reaches
   * nobody: `sweep` finds it here and blames the sender.
   */
  private readonly senders = new Map<string, string>();

  constructor(
    private readonly opts: SyncOptions,
    private readonly ctx: DownloadContext,
  ) {}

  /** Blocks requested and not yet received. */
  get blocksInFlight(): number {
    return this.inFlight.size;
  }

  /**
   * Hands out ranges to every peer with a free slot, cheapest peer first.
   * While headers are still arriving, only full ranges go out: otherwise each
   * new header would become a one-block request and trip peers' rate limits.
   */
  assign(headersArriving = false): void {
    const { node, clock } = this.ctx;
    const tip = node.tip;
    const best = node.bestHeader;
    if (best.chainWork <= tip.chainWork || this.pending.size >= this.opts.maxQueuedBlocks) return;
    const now = clock();
    const ready = [...this.ctx.peers.values()].filter((p) => p.usable(now) && p.requests.size < p.maxInFlight(this.opts));
    if (ready.length === 0) return;
    const maxHeight = tip.height + this.opts.downloadWindow;
    // What is still wanted on the way to each target: the best header for most peers.
    const wanted = new Map<ChainEntry, ChainEntry[]>();
    const wantedFor = (target: ChainEntry): ChainEntry[] => {
      let list = wanted.get(target);
      if (!list) {
        list = node
          .blocksToDownload(this.opts.downloadWindow, target)
          .filter((e) => e.height <= maxHeight && !this.inFlight.has(e.hashHex) && !this.pending.has(e.hashHex));
        wanted.set(target, list);
      }
      return list;
    };
    ready.sort((a, b) => a.cost() - b.cost());
    const taken = new Set<string>();
    // One range per peer per round: a burst of free slots is spread over all peers
    // (that is the parallelism), and the cheapest peer gets the lowest blocks, the
    // ones the tip waits for. Each round dispatches at least one request or ends.
    for (let dispatched = true; dispatched; ) {
      dispatched = false;
      for (const peer of ready) {
        if (peer.requests.size >= peer.maxInFlight(this.opts)) continue;
        const target = peer.sideTarget(best, tip, (hash) => node.getEntry(hash)) ?? best;
        const range = this.pickRange(peer, wantedFor(target), taken, target);
        if (range.length === 0) continue;
        if (headersArriving && range.length < this.opts.rangeSize) {
          for (const e of range) taken.delete(e.hashHex);
          continue;
        }
        this.dispatch(peer, range);
        dispatched = true;
      }
    }
  }

  /** The next blocks this peer is believed to have, oldest first. */
  private pickRange(peer: PeerState, wanted: readonly ChainEntry[], taken: Set<string>, best: ChainEntry): ChainEntry[] {
    const has = peer.availableHeight(best, (hash) => this.ctx.node.getEntry(hash));
    const now = this.ctx.clock();
    const range: ChainEntry[] = [];
    for (const entry of wanted) {
      if (entry.height > has || range.length >= this.opts.rangeSize) break;
      if (taken.has(entry.hashHex) || peer.lacks(entry.hashHex, now)) continue;
      range.push(entry);
      taken.add(entry.hashHex);
    }
    return range;
  }

  private dispatch(peer: PeerState, entries: readonly ChainEntry[]): void {
    const hashes = entries.map((e) => e.hashHex);
    const timeoutMs = peer.timeoutMs(this.opts);
    const req: BlockRequest = { peer, hashes, startedAt: this.ctx.clock(), timeoutMs, controller: new AbortController(), done: false };
    this.requests.add(req);
    peer.requests.add(req);
    for (const hash of hashes) this.inFlight.set(hash, req);
    const task = timedCall((signal) => this.ctx.network.getBlocks(peer.id, hashes, signal), timeoutMs, req.controller.signal).then(
      (blocks) => this.onReply(req, blocks),
      (err: unknown) => this.onFailure(req, err),
    );
    this.ctx.track(task);
  }

  /** Takes `req` out of flight; false when something else already did. */
  private finish(req: BlockRequest): boolean {
    if (req.done) return false;
    req.done = true;
    this.requests.delete(req);
    req.peer.requests.delete(req);
    for (const hash of req.hashes) if (this.inFlight.get(hash) === req) this.inFlight.delete(hash);
    return true;
  }

  private onFailure(req: BlockRequest, err: unknown): void {
    if (!this.finish(req) || !this.ctx.isRunning()) return;
    const { peer } = req;
    const now = this.ctx.clock();
    if (isTallyError(err, 'request-timeout')) {
      peer.recordStall(req.timeoutMs, now, this.opts);
      this.ctx.log.debug({ peer: peer.id, blocks: req.hashes.length, timeoutMs: req.timeoutMs }, 'block request timed out; reassigning');
      this.ctx.punish(peer.id, this.opts.stallPenalty, 'block-download-stalled');
    } else {
      peer.recordFailure(now, this.opts);
      this.ctx.log.debug({ peer: peer.id, err: (err as Error).message }, 'block request failed; reassigning');
    }
    this.ctx.schedule();
  }

  private async onReply(req: BlockRequest, blocks: readonly Block[]): Promise<void> {
    if (!this.finish(req) || !this.ctx.isRunning()) return;
    const { peer } = req;
    peer.recordSuccess(this.ctx.clock() - req.startedAt);
    this.ctx.schedule(); // the slot is free now: the next request overlaps with processing this one
    const matched = matchReply(req.hashes, blocks);
    if (!matched) {
      // The hash commits to the header and the header to the transactions: a block we did
      // not ask for is a lie, not an accident.
      this.ctx.punish(peer.id, verdictForCode('block-hash-mismatch', 'sync').penalty, 'block-hash-mismatch');
      return;
    }
    const got = new Set(matched.map((b) => b.hash));
    const now = this.ctx.clock();
    for (const hash of req.hashes) if (!got.has(hash)) peer.noteMissing(hash, now, this.opts);
    if (matched.length > 0) peer.rangesServed++;
    await this.submitAll(peer, matched);
  }

  private async submitAll(peer: PeerState, blocks: readonly Block[]): Promise<void> {
    for (const block of blocks) this.pending.add(block.hash);
    try {
      for (const block of blocks) {
        // After a ban the rest of the reply is left for honest peers to send again.
        if (!this.ctx.isRunning() || peer.banned) break;
        await this.submit(peer, block);
        this.pending.delete(block.hash);
      }
    } finally {
      for (const block of blocks) this.pending.delete(block.hash);
      this.ctx.schedule();
    }
  }

  private async submit(peer: PeerState, block: Block): Promise<void> {
    try {
      const result = await this.ctx.node.submitBlock(block);
      if (result.status === 'side') this.rememberSender(block.hash, peer.id);
    } catch (err) {
      if (!(err instanceof RuleError)) {
        this.ctx.log.warn({ hash: block.hash, err: (err as Error).message }, 'block submission failed');
        return;
      }
      this.ctx.log.debug({ peer: peer.id, hash: block.hash, code: err.code, corruptionPossible: err.corruptionPossible }, 'peer sent an invalid block');
      // The error's own score even when `corruptionPossible`: as in Core, a mutated copy
      // of a valid block is the sender's doing. The header stays valid, so the real block
      // is simply fetched again from someone else.
      const { penalty } = verdictFor(err, 'sync');
      if (penalty > 0) this.ctx.punish(peer.id, penalty, err.code);
    }
  }

  private rememberSender(hash: string, peerId: string): void {
    // Bounded: the oldest entries are the least likely to still matter.
    if (this.senders.size >= 2 * this.opts.downloadWindow) this.senders.delete(this.senders.keys().next().value!);
    this.senders.set(hash, peerId);
  }

  /** Blames the senders of stored blocks that failed when their branch connected. */
  sweep(): void {
    const tip = this.ctx.node.tip;
    for (const [hash, peerId] of this.senders) {
      const entry = this.ctx.node.getEntry(hash);
      if (!entry || entry.valid) {
        this.senders.delete(hash);
      } else if ((entry.status & BlockStatus.FAILED) !== 0) {
        this.senders.delete(hash);
        this.ctx.punish(peerId, verdictForCode('invalid-block', 'sync').penalty, 'invalid-block');
      } else if (entry.failed || entry.height + this.opts.downloadWindow < tip.height) {
        // Failed because of an ancestor (its sender is blamed for that one), or a side
        // branch left far behind that may never connect.
        this.senders.delete(hash);
      }
    }
  }

  /** Abandons a peer's requests so that their blocks are handed out again. */
  dropPeer(peer: PeerState, reason: SyncError): void {
    for (const req of [...peer.requests]) {
      this.finish(req);
      req.controller.abort(reason);
    }
  }

  abortAll(reason: SyncError): void {
    for (const req of [...this.requests]) {
      this.finish(req);
      req.controller.abort(reason);
    }
  }
}

/**
 * The reply's blocks when each is one of the requested hashes, in request order
 * (a peer may leave some out); undefined when any block was not asked for.
 */
export function matchReply(hashes: readonly string[], blocks: readonly Block[]): Block[] | undefined {
  if (blocks.length > hashes.length) return undefined;
  const out: Block[] = [];
  let next = 0;
  for (const block of blocks) {
    const hash = block.hash;
    while (next < hashes.length && hashes[next] !== hash) next++;
    if (next === hashes.length) return undefined;
    out.push(block);
    next++;
  }
  return out;
}
