/**
 * Everything the node knows about its peers, in one store: the status
 * handshake, misbehaviour scores, bans, request rate limits and the cool-down
 * of peers found on another network. Scores follow Bitcoin Core's weights (an
 * invalid block or header: 100, which bans; a malformed message: 20; a small
 * nuisance: 1-10). Bans last 24 hours by default and persist in the datadir
 * (ban-list.ts), so a restart does not forgive a peer. Times in seconds are on
 * the node's clock; rates are measured on an injected monotonic ms clock.
 */
import type { LogWriter } from '../../util/logger.js';
import type { PeerStatus } from '../interface.js';
import { BAN_THRESHOLD, verdictForCode } from '../penalty.js';
import { banListPath, loadBans, saveBans, type BanEntry } from './ban-list.js';
import { TokenBucket } from './token-bucket.js';

export type { BanEntry } from './ban-list.js';

/** A peer that completed the status handshake. */
export interface PeerInfo {
  status: PeerStatus;
  direction: 'inbound' | 'outbound';
  /** Seconds since the epoch, on the node's clock. */
  connectedAt: number;
}

interface PeerState {
  score: number;
  tokens: number;
  refilledAt: number;
  /** Block bytes served to the peer (created on first use). */
  served?: TokenBucket;
}

export interface PeerStoreOptions {
  datadir?: string;
  banSeconds: number;
  requestsPerSecond: number;
  /** Block bytes served to a peer per second (a bucket holding 2 s of them); unlimited when absent. */
  serveBytesPerSecond?: number;
}

export interface PeerStoreModules {
  logger: LogWriter;
  /** Seconds since the epoch (the node's clock). */
  clock: () => number;
  /** Milliseconds on a monotonic clock, for request rates; performance.now when absent. */
  nowMs?: () => number;
  onBan: (peer: string, entry: BanEntry) => void;
}

export class PeerStore {
  private readonly peers = new Map<string, PeerState>();
  private readonly bans = new Map<string, BanEntry>();
  private readonly handshaked = new Map<string, PeerInfo>();
  /** Peers of another network, and until when (seconds) they are not dialed again. */
  private readonly coolDowns = new Map<string, number>();
  private readonly path?: string;
  private readonly nowMs: () => number;

  constructor(
    private readonly opts: PeerStoreOptions,
    private readonly modules: PeerStoreModules,
  ) {
    this.nowMs = modules.nowMs ?? (() => performance.now());
    if (opts.datadir) {
      this.path = banListPath(opts.datadir);
      for (const b of loadBans(this.path, modules.logger)) this.bans.set(b.peer, b);
    }
  }

  // ---- handshake ---------------------------------------------------------------

  /** Records a peer's status; true when the peer is new (its first handshake). */
  recordHandshake(peer: string, status: PeerStatus, direction: 'inbound' | 'outbound'): boolean {
    const known = this.handshaked.get(peer);
    this.handshaked.set(peer, { status, direction: known?.direction ?? direction, connectedAt: known?.connectedAt ?? this.modules.clock() });
    return !known;
  }

  handshake(peer: string): PeerInfo | undefined {
    return this.handshaked.get(peer);
  }

  isHandshaked(peer: string): boolean {
    return this.handshaked.has(peer);
  }

  /** Handshaked peers with what they told us. */
  handshakes(): [string, PeerInfo][] {
    return [...this.handshaked.entries()];
  }

  get handshakedCount(): number {
    return this.handshaked.size;
  }

  /** Forgets a peer's handshake; true when it had one. */
  dropHandshake(peer: string): boolean {
    return this.handshaked.delete(peer);
  }

  clearHandshakes(): void {
    this.handshaked.clear();
  }

  /** Keeps `peer` from being dialed for `seconds` (it is on another network). */
  coolDown(peer: string, seconds: number): void {
    this.coolDowns.set(peer, this.modules.clock() + seconds);
  }

  coolingDown(peer: string): boolean {
    const until = this.coolDowns.get(peer);
    return until !== undefined && until > this.modules.clock();
  }

  /** Not to be dialed or served: banned, or cooling down. */
  denied(peer: string): boolean {
    return this.isBanned(peer) || this.coolingDown(peer);
  }

  // ---- scores and bans -----------------------------------------------------------

  private state(peer: string): PeerState {
    let s = this.peers.get(peer);
    if (!s) {
      s = { score: 0, tokens: this.opts.requestsPerSecond * 2, refilledAt: this.nowMs() };
      this.peers.set(peer, s);
    }
    return s;
  }

  /** Adds `score` to the peer's misbehaviour; at 100 the peer is banned. Returns true when it was banned now. */
  penalize(peer: string, score: number, reason: string): boolean {
    if (score <= 0 || this.isBanned(peer)) return false;
    const s = this.state(peer);
    s.score += score;
    this.modules.logger.debug({ peer, score, total: s.score, reason }, 'peer penalized');
    if (s.score < BAN_THRESHOLD) return false;
    this.ban(peer, this.opts.banSeconds, reason);
    return true;
  }

  score(peer: string): number {
    return this.peers.get(peer)?.score ?? 0;
  }

  ban(peer: string, seconds: number, reason: string): void {
    const now = this.modules.clock();
    const entry = { peer, bannedAt: now, until: now + seconds, reason };
    this.bans.set(peer, entry);
    this.peers.delete(peer);
    this.saveBans();
    this.modules.logger.warn({ peer, reason, until: entry.until }, 'peer banned');
    this.modules.onBan(peer, entry);
  }

  unban(peer: string): boolean {
    const had = this.bans.delete(peer);
    if (had) this.saveBans();
    return had;
  }

  clearBans(): void {
    this.bans.clear();
    this.saveBans();
  }

  isBanned(peer: string): boolean {
    const ban = this.bans.get(peer);
    if (!ban) return false;
    if (ban.until > this.modules.clock()) return true;
    this.bans.delete(peer);
    this.saveBans();
    return false;
  }

  listBans(): BanEntry[] {
    const now = this.modules.clock();
    return [...this.bans.values()].filter((b) => b.until > now);
  }

  // ---- rates ---------------------------------------------------------------------

  /** Takes one request token; false (and a small penalty) when the peer exceeds its rate. */
  allowRequest(peer: string): boolean {
    const s = this.state(peer);
    const now = this.nowMs();
    const rate = this.opts.requestsPerSecond;
    s.tokens = Math.min(rate * 2, s.tokens + ((now - s.refilledAt) / 1000) * rate);
    s.refilledAt = now;
    if (s.tokens >= 1) {
      s.tokens -= 1;
      return true;
    }
    this.penalize(peer, verdictForCode('request-rate-exceeded', 'request').penalty, 'request rate exceeded');
    return false;
  }

  /**
   * Counts `bytes` of blocks served to `peer` against its byte rate. A reply is not refused for
   * its size, since an honest peer syncing from us asks for large ones; instead the next block
   * waits (see {@link serveDelayMs}). `nowMs` is on the caller's monotonic clock.
   */
  chargeServed(peer: string, bytes: number, nowMs: number): void {
    this.servedBucket(peer, nowMs)?.charge(bytes, nowMs);
  }

  /** Milliseconds until `peer` may be sent another block: until what it was sent beyond its rate is paid off. */
  serveDelayMs(peer: string, nowMs: number): number {
    return this.servedBucket(peer, nowMs)?.debtMs(nowMs) ?? 0;
  }

  private servedBucket(peer: string, nowMs: number): TokenBucket | undefined {
    const rate = this.opts.serveBytesPerSecond;
    if (rate === undefined) return undefined;
    const s = this.state(peer);
    s.served ??= new TokenBucket(rate, rate * 2, nowMs);
    return s.served;
  }

  /** Forgets a disconnected peer's score (bans and cool-downs stay). */
  forget(peer: string): void {
    this.peers.delete(peer);
  }

  private saveBans(): void {
    if (this.path) saveBans(this.path, [...this.bans.values()], this.modules.logger);
  }
}
