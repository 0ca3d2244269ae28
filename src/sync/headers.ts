/**
 * Headers sync: asks peers for headers, 2,000 at a time, until a batch is
 * short or adds nothing, and hands them to the node in order. Headers come
 * from a peer that claims more work than our tip (or that the gossip layer
 * points at). Low-work branches are held in memory until they show enough
 * work (low-work.ts).
 */
import type { BlockHeader } from '../primitives/block.js';
import { isTallyError } from '../primitives/errors.js';
import type { ChainEntry } from '../chain/index.js';
import type { SyncNode, SyncPeer } from '../network/interface.js';
import { verdictFor, verdictForCode } from '../network/penalty.js';
import type { SyncContext } from './context.js';
import type { SyncError } from './errors.js';
import { antiDoSThreshold, HeldHeaders } from './low-work.js';
import type { SyncOptions } from './options.js';
import type { PeerState } from './peer-state.js';
import { timedCall } from './timed-call.js';

/** What the headers sync needs from the sync manager that owns it. */
export type HeaderSyncContext = SyncContext;

/**
 * Whether `peer` claims a tip with more work than ours that we have no header for.
 * Compared with our tip, not our best header: a peer announcing headers whose blocks
 * never come must not make us deaf to honest peers with less work than those headers.
 */
export function offersHeaders(peer: SyncPeer, node: SyncNode): boolean {
  return peer.status.chainWork > node.tip.chainWork && node.getEntry(peer.status.tipHash) === undefined;
}

export class HeaderSync {
  /** Peers to ask for headers as soon as a slot frees, whatever work they claim. */
  private readonly requests = new Set<string>();
  private readonly syncs = new Map<string, AbortController>();
  /** When each running sync's current request went out (sync clock); absent between requests. */
  private readonly waitingSince = new Map<string, number>();
  /** Header batches being handed to the node right now. */
  private handing = 0;

  constructor(
    private readonly opts: SyncOptions,
    private readonly ctx: HeaderSyncContext,
  ) {}

  /** Asks `peerId` for headers at the next pass. */
  request(peerId: string): void {
    // Bounded by the peer list in practice; the cap only guards against a caller gone wrong.
    if (this.requests.size < 1024) this.requests.add(peerId);
  }

  /**
   * A header sync is under way that has sent a full batch, so more headers are coming.
   * One that has not answered yet (maybe never will) must not hold back partial ranges.
   */
  arriving(): boolean {
    for (const id of this.syncs.keys()) if (this.ctx.peers.get(id)?.headersFull) return true;
    return false;
  }

  /**
   * A batch of headers is being handed to the node. Each header queues behind the blocks the chain
   * is processing, so ranges sent meanwhile would make headers trickle in one per block connected,
   * and every later range hold a block or two: the sync manager holds download back (sync.ts).
   */
  handingOff(): boolean {
    return this.handing > 0;
  }

  /** Stops asking this peer (it left or was banned). */
  abort(peerId: string, reason: SyncError, forget = false): void {
    this.syncs.get(peerId)?.abort(reason);
    if (forget) this.requests.delete(peerId);
  }

  abortAll(reason: SyncError): void {
    for (const controller of this.syncs.values()) controller.abort(reason);
  }

  /**
   * The least chain work worth storing a branch for, now (Core's anti-DoS work threshold):
   * headers sync holds branches below it, and gossip ignores blocks below it (§9.2, §9.3).
   */
  workThreshold(): bigint {
    return antiDoSThreshold(this.ctx.node.tip, this.opts.antiDoSWorkBlocks);
  }

  /** Starts the header syncs that are asked for and have a free slot. */
  startSyncs(): void {
    const now = this.ctx.clock();
    for (const id of this.requests) {
      if (this.syncs.size >= this.opts.maxHeaderSyncs) return;
      const state = this.ctx.peers.get(id);
      if (!state || state.banned) this.requests.delete(id);
      // A busy peer keeps its request: the reply under way may predate the news.
      else if (!state.headersBusy && state.usable(now)) {
        this.requests.delete(id);
        this.startSync(state);
      }
    }
    // Unprompted, one peer at a time, as Core does in initial sync: several would send the same headers.
    // But a peer silent for the shortest timeout gets company, so that a staller cannot hold sync up.
    if (this.syncs.size >= this.opts.maxHeaderSyncs || (this.syncs.size > 0 && !this.allSilent(now))) return;
    let pick: PeerState | undefined;
    for (const p of this.ctx.peers.values()) {
      if (!p.usable(now) || p.headersBusy || now < p.headersRetryAt || !offersHeaders(p.peer, this.ctx.node)) continue;
      if (!pick || p.peer.status.chainWork > pick.peer.status.chainWork) pick = p;
    }
    if (pick) this.startSync(pick);
  }

  /** Every running sync has waited longer than the shortest request timeout for its current reply. */
  private allSilent(now: number): boolean {
    for (const id of this.syncs.keys()) {
      const since = this.waitingSince.get(id);
      if (since === undefined || now - since < this.opts.minRequestTimeoutMs) return false;
    }
    return true;
  }

  private startSync(state: PeerState): void {
    const controller = new AbortController();
    this.syncs.set(state.id, controller);
    state.headersBusy = true;
    const task = this.syncHeaders(state, controller.signal).finally(() => {
      if (this.syncs.get(state.id) === controller) this.syncs.delete(state.id);
      this.waitingSince.delete(state.id);
      state.headersBusy = false;
      state.headersFull = false;
      this.ctx.schedule();
    });
    this.ctx.track(task);
  }

  /** Charges the penalty network/penalty.ts sets for `code` in sync. */
  private punishFor(peerId: string, code: string): void {
    this.ctx.punish(peerId, verdictForCode(code, 'sync').penalty, code);
  }

  /** Asks one peer for batches of headers until it has no more for us. */
  private async syncHeaders(state: PeerState, signal: AbortSignal): Promise<void> {
    const { node, network } = this.ctx;
    let locator = node.locator(node.bestHeader);
    const held = new HeldHeaders({
      maxHeld: this.opts.maxHeldHeaders,
      threshold: () => this.workThreshold(),
      getEntry: (hash) => node.getEntry(hash),
      locator: (entry) => node.locator(entry),
    });
    for (;;) {
      let headers: BlockHeader[];
      this.waitingSince.set(state.id, this.ctx.clock());
      try {
        headers = await timedCall((s) => network.getHeaders(state.id, locator, s), this.opts.requestTimeoutMs, signal);
      } catch (err) {
        this.onHeadersFailed(state, err);
        return;
      } finally {
        this.waitingSince.delete(state.id);
      }
      if (!this.ctx.isRunning() || signal.aborted) return;
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
        this.ctx.log.debug({ peer: state.id, height: verdict.height, reason: verdict.reason }, 'ignoring headers of a low-work chain');
        if (verdict.reason === 'non-continuous-headers') this.punishFor(state.id, verdict.reason);
        break;
      }
      this.handing++;
      const { last, added, ok } = await this.processHeaders(state, verdict.headers).finally(() => this.handing--);
      if (last) state.headerTip = last;
      if (added > 0) this.ctx.schedule(); // download what is known while more headers come
      if (!ok || !last || added === 0 || !full) break;
      locator = node.locator(last);
    }
    // Claims more work than it showed us: do not ask it again straight away.
    if (offersHeaders(state.peer, node)) state.headersRetryAt = this.ctx.clock() + this.opts.retryMs;
  }

  /**
   * Hands a reply's headers (after any held ones) to the node in one call, up to the first
   * that does not follow its predecessor; stops at the first one refused.
   */
  private async processHeaders(state: PeerState, headers: readonly BlockHeader[]): Promise<{ last?: ChainEntry; added: number; ok: boolean }> {
    if (!this.ctx.isRunning() || state.banned) return { added: 0, ok: false };
    const run = continuousPrefix(headers);
    const { last, added, error } = await this.ctx.node.processHeaders(headers.slice(0, run));
    if (error) {
      // No penalty (an unknown parent, a time too far ahead) may be honest: just stop here.
      const refused = last ? headers.findIndex((h) => h.hash === last.hashHex) + 1 : 0;
      this.ctx.log.debug({ peer: state.id, hash: headers[refused]?.hash, code: error.code }, 'header refused');
      const { penalty } = verdictFor(error, 'sync');
      if (penalty > 0) this.ctx.punish(state.id, penalty, error.code);
      return { last, added, ok: false };
    }
    if (run < headers.length) {
      this.punishFor(state.id, 'non-continuous-headers');
      return { last, added, ok: false };
    }
    return { last, added, ok: true };
  }

  private onHeadersFailed(state: PeerState, err: unknown): void {
    if (!this.ctx.isRunning()) return;
    const now = this.ctx.clock();
    if (isTallyError(err, 'request-timeout')) {
      state.recordStall(this.opts.requestTimeoutMs, now, this.opts);
      this.ctx.punish(state.id, verdictForCode('headers-download-stalled', 'sync').penalty, 'headers-download-stalled');
    } else if (!isTallyError(err, 'peer-gone') && !isTallyError(err, 'peer-banned')) {
      state.recordFailure(now, this.opts);
    }
    state.headersRetryAt = now + this.opts.retryMs;
    this.ctx.log.debug({ peer: state.id, err: (err as Error).message }, 'headers request failed');
  }
}

/** How many of `headers`, from the first, each follow the one before. */
function continuousPrefix(headers: readonly BlockHeader[]): number {
  let i = 1;
  while (i < headers.length && headers[i]!.prevHash === headers[i - 1]!.hash) i++;
  return Math.min(i, headers.length);
}
