/**
 * Parallel block download, BitTorrent-style: the blocks the node still needs
 * (up to a window ahead of the tip) are cut into ranges, and every peer that
 * has them holds a few ranges at a time; who gets which range is decided by
 * peer-balancer.ts. A range that times out or whose peer leaves simply stops
 * being in flight and is handed out again. The queue is not stored: each pass
 * recomputes it from the chain (`blocksToDownload`) minus what is in flight,
 * so nothing can be lost or handed out twice.
 */
import type { Block } from '../primitives/block.js';
import { isTallyError } from '../primitives/errors.js';
import type { ChainEntry } from '../chain/index.js';
import { verdictForCode } from '../network/penalty.js';
import type { SyncContext } from './context.js';
import { SyncError } from './errors.js';
import type { SyncOptions } from './options.js';
import { balanceRanges, type RangeEntry } from './peer-balancer.js';
import { EntryHexCache } from './entry-hex.js';
import { canSend, owedBlocks, scheduledRate, toCandidate } from './candidates.js';
import type { BlockRequest, PeerState } from './peer-state.js';
import { planReassignments } from './reassign.js';
import { ReceivedBlocks } from './received.js';
import { BlockSubmitter } from './submitter.js';
import { blockTimeoutMs, movingAverage, priorRate } from './request-sizing.js';
import { timedCall } from './timed-call.js';

/** What the downloader needs from the sync manager that owns it. */
export type DownloadContext = SyncContext;

export class BlockDownloader {
  private readonly requests = new Set<BlockRequest>();
  private readonly inFlight = new Map<string, BlockRequest>();
  /** Received and handed to the node, not yet processed: not to be asked for again. */
  private readonly pending: ReceivedBlocks;
  /** Received blocks go to the node in groups, in the order they arrived. */
  private readonly submitter: BlockSubmitter;
  /** The hex of the entries each pass reads (see entry-hex.ts): four windows' worth. */
  private readonly hex: EntryHexCache;
  /** Moving average of the size of the blocks received: the size expected of the next ones. */
  private blockBytes: number | undefined;
  /** The largest of the last blocks received: timeouts use it, so a chain turning to big blocks does not time out. */
  private readonly recentSizes: number[] = [];

  constructor(
    private readonly opts: SyncOptions,
    private readonly ctx: DownloadContext,
  ) {
    this.pending = new ReceivedBlocks(opts);
    this.submitter = new BlockSubmitter(ctx, this.pending, opts.downloadWindow);
    this.hex = new EntryHexCache(4 * opts.downloadWindow);
  }

  /** Blocks requested and not yet received. */
  get blocksInFlight(): number {
    return this.inFlight.size;
  }

  /**
   * Hands out blocks to every peer with room in its pipeline (peer-balancer.ts decides who
   * gets what). While headers are still arriving, only full requests go out.
   */
  assign(headersArriving = false): void {
    const { node, clock } = this.ctx;
    const tip = node.tip;
    const best = node.bestHeader;
    if (best.chainWork <= tip.chainWork) return;
    const now = clock();
    const getEntry = (hash: string): ChainEntry | undefined => node.getEntry(hash);
    const usable = [...this.ctx.peers.values()].filter((p) => p.usable(now));
    const expected = this.expectedBlockBytes() ?? 1;
    const prior = priorRate(usable, this.opts.minBytesPerSecond);
    // With the queue of received blocks full, nothing new goes out; the tip's range may still be copied.
    const ready = this.pending.full ? [] : usable.filter((p) => canSend(p, prior, expected, this.opts));
    // Every pipeline full, as while replies stream in: only endgame copies can go out (and the
    // wanted list, a walk of up to a window of entries, is not worked out at every block).
    if (ready.length === 0) {
      if (!headersArriving) this.endgame([], now, best, getEntry);
      return;
    }
    const wantedFor = this.wantedLists(tip);
    // Every usable peer counts for the choice; those without a free slot or room just take nothing.
    const candidates = (this.pending.full ? [] : usable).map((peer) => {
      // The best header for most peers; another branch for a peer not on the way to it.
      const target = peer.sideTarget(best, tip, getEntry) ?? best;
      return toCandidate(peer, { prior, expected, now, wanted: wantedFor(target), has: peer.availableHeight(target, getEntry) }, this.opts);
    });
    const assignments = balanceRanges(candidates, { blockBytes: () => expected, fullRangesOnly: headersArriving });
    for (const { peer, range } of assignments) this.dispatch(peer, range.map((e) => e.hashHex));
    if (!headersArriving) this.endgame(ready.filter((p) => !assignments.some((a) => a.peer === p)), now, best, getEntry);
  }

  /** The size expected of blocks not received yet: the largest of the last ones received. */
  private expectedBlockBytes(): number | undefined {
    return this.recentSizes.length > 0 ? Math.max(...this.recentSizes) : this.blockBytes;
  }

  /**
   * Idle peers take over requests other peers have not started serving, or copy the lowest ranges
   * much slower peers still hold (reassign.ts); the range the tip waits for may be copied by a busy peer.
   */
  private endgame(idle: PeerState[], now: number, best: ChainEntry, getEntry: (hash: string) => ChainEntry | undefined): void {
    const prior = priorRate([...this.ctx.peers.values()], this.opts.minBytesPerSecond);
    const { steals, copies } = planReassignments({
      requests: this.requests, peers: this.ctx.peers.values(), idle, now, best, getEntry,
      blockBytes: this.expectedBlockBytes(),
      rateOf: (p) => scheduledRate(p, prior),
      remainingOf: (req) => req.hashes.slice(req.next).filter((h) => this.inFlight.get(h) === req),
      mayExceed: (p) => p.usable(now) && p.requests.size <= p.maxInFlight(this.opts),
    });
    for (const { peer, original } of steals) {
      this.ctx.log.debug({ peer: peer.id, from: original.peer.id, blocks: original.hashes.length }, 'moving a queued range to a faster peer');
      this.finish(original);
      original.controller.abort(new SyncError('superseded', 'moved to peers that deliver it sooner'));
    }
    if (steals.length > 0) this.ctx.schedule(); // their blocks go out again, balanced, at the next pass
    for (const { peer, original, hashes } of copies) {
      this.ctx.log.debug({ peer: peer.id, slow: original.peer.id, blocks: hashes.length }, 'endgame: asking a faster peer too');
      this.dispatch(peer, hashes, original);
    }
  }

  /** What is still wanted on the way to each target, computed once per target and pass. */
  private wantedLists(tip: ChainEntry): (target: ChainEntry) => RangeEntry[] {
    const maxHeight = tip.height + this.opts.downloadWindow;
    const wanted = new Map<ChainEntry, RangeEntry[]>();
    return (target) => {
      let list = wanted.get(target);
      if (!list) {
        list = [];
        for (const e of this.ctx.node.blocksToDownload(this.opts.downloadWindow, target)) {
          if (e.height > maxHeight) break;
          const hashHex = this.hex.of(e);
          if (!this.inFlight.has(hashHex) && !this.pending.has(hashHex)) list.push({ hashHex, height: e.height });
        }
        wanted.set(target, list);
      }
      return list;
    };
  }

  /** Sends a request; a copy of `original` (endgame) leaves the blocks in flight under the original. */
  private dispatch(peer: PeerState, hashes: readonly string[], original?: BlockRequest): void {
    // A peer's requests share its link: a block may wait for one block of each of its other replies.
    const waitMs = (): number => blockTimeoutMs(peer, (this.expectedBlockBytes() ?? 0) * Math.max(1, peer.requests.size), this.opts);
    const timeoutMs = waitMs();
    const firstMs = blockTimeoutMs(peer, (this.expectedBlockBytes() ?? 0) * (owedBlocks(peer) + 1), this.opts);
    const now = this.ctx.clock();
    peer.meterStart(now);
    const req: BlockRequest = {
      peer, hashes, startedAt: now, timeoutMs, controller: new AbortController(), done: false,
      next: 0, received: 0, bytes: 0, answered: false,
    };
    this.requests.add(req);
    peer.requests.add(req);
    if (original) [req.twin, original.twin] = [original, req];
    else for (const hash of hashes) this.inFlight.set(hash, req);
    const call = (signal: AbortSignal, touch: () => void) => {
      req.touch = touch;
      return this.ctx.network.getBlocks(peer.id, hashes, signal, (block) => this.onBlock(req, block), () => (req.answered = true));
    };
    const task = timedCall(call, waitMs, req.controller.signal, firstMs).then(
      () => this.onEnd(req),
      (err: unknown) => this.onFailure(req, err),
    );
    this.ctx.track(task);
  }

  /** One block of a reply, as it arrives: matched to the request, then handed to the node in order. */
  private onBlock(req: BlockRequest, block: Block): void {
    if (req.done || !this.ctx.isRunning()) return;
    const { peer } = req;
    const at = req.hashes.indexOf(block.hash, req.next);
    if (at < 0) {
      // The hash commits to the header and the header to the transactions: a block we did
      // not ask for (or out of order) is a lie, not an accident.
      this.finish(req);
      req.controller.abort(new SyncError('bad-reply', 'a block that was not asked for'));
      this.ctx.punish(peer.id, verdictForCode('block-hash-mismatch', 'sync').penalty, 'block-hash-mismatch');
      return;
    }
    // The link is alive: every reply of this peer may wait for this one, so none of them is stalled.
    for (const r of peer.requests) r.touch?.();
    if (req.received === 0) peer.recordSuccess(this.ctx.clock() - req.startedAt);
    req.next = at + 1;
    req.received++;
    req.bytes += block.size;
    peer.meterBytes(block.size, this.ctx.clock());
    this.blockBytes = movingAverage(this.blockBytes, block.size);
    if (this.recentSizes.push(block.size) > 16) this.recentSizes.shift();
    this.ctx.delivered(peer.id, block.size);
    const owner = this.inFlight.get(block.hash);
    if (owner === req || (owner && owner === req.twin)) this.inFlight.delete(block.hash);
    // The other copy of an endgame pair was first: this one is dropped.
    if (!this.pending.has(block.hash) && !this.ctx.node.getEntry(block.hash)?.haveData) {
      this.pending.add(block.hash, block.size);
      this.submitter.push(peer, block);
    }
    this.cancelTwinIfServed(req);
    this.ctx.schedule();
  }

  /** Once one copy of an endgame pair has everything the other still owes, the other is cancelled. */
  private cancelTwinIfServed(req: BlockRequest): void {
    const twin = req.twin;
    if (!twin || twin.done) return;
    const have = (h: string): boolean => this.pending.has(h) || this.ctx.node.getEntry(h)?.haveData === true;
    if (!twin.hashes.slice(twin.next).every(have)) return;
    this.finish(twin);
    twin.controller.abort(new SyncError('superseded', 'the other copy of the range arrived first'));
  }

  /** Takes `req` out of flight; false when something else already did. */
  private finish(req: BlockRequest): boolean {
    if (req.done) return false;
    req.done = true;
    this.requests.delete(req);
    req.peer.requests.delete(req);
    if (req.peer.requests.size === 0) req.peer.meterStop(this.ctx.clock());
    // What an endgame copy still fetches stays in flight under the copy.
    const twin = req.twin && !req.twin.done ? req.twin : undefined;
    for (const hash of req.hashes) {
      if (this.inFlight.get(hash) !== req) continue;
      if (twin?.hashes.includes(hash)) this.inFlight.set(hash, twin);
      else this.inFlight.delete(hash);
    }
    return true;
  }

  private onFailure(req: BlockRequest, err: unknown): void {
    if (!this.finish(req) || !this.ctx.isRunning()) return;
    const { peer } = req;
    const now = this.ctx.clock();
    if (isTallyError(err, 'superseded')) return;
    if (isTallyError(err, 'request-timeout')) {
      peer.recordStall(req.timeoutMs, now, this.opts);
      this.ctx.log.debug({ peer: peer.id, blocks: req.hashes.length, timeoutMs: req.timeoutMs }, 'block request timed out; reassigning');
      this.ctx.punish(peer.id, verdictForCode('block-download-stalled', 'sync').penalty, 'block-download-stalled');
    } else {
      peer.recordFailure(now, this.opts);
      this.ctx.log.debug({ peer: peer.id, err: (err as Error).message }, 'block request failed; reassigning');
    }
    this.ctx.schedule();
  }

  /** The reply ended: what it left out is noted, and the peer's throughput measured. */
  private onEnd(req: BlockRequest): void {
    if (!this.finish(req) || !this.ctx.isRunning()) return;
    const { peer } = req;
    const now = this.ctx.clock();
    if (req.received === 0) peer.recordSuccess(now - req.startedAt);
    else peer.rangesServed++;
    for (const hash of req.hashes) if (!this.pending.has(hash) && !this.ctx.node.getEntry(hash)?.haveData) peer.noteMissing(hash, now, this.opts);
    this.cancelTwinIfServed(req);
    this.ctx.schedule(); // the slot is free now
  }

  /** Blames the senders of stored blocks that failed when their branch connected. */
  sweep(): void {
    this.submitter.sweep();
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
