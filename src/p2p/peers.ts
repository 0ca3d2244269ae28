/**
 * Misbehaviour scores, bans and request rate limits per peer. Scores follow
 * Bitcoin Core's weights (an invalid block or header: 100, which bans; a
 * malformed message: 20; a small nuisance: 1-10). Bans last 24 hours by
 * default and persist in the datadir (`banlist.json`), so a restart does not
 * forgive a peer.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../chain/logger.js';
import { TokenBucket } from './token-bucket.js';
import { BAN_THRESHOLD, verdictForCode } from './penalty.js';

export { BAN_THRESHOLD } from './penalty.js';

export interface BanEntry {
  /** libp2p peer id. */
  peer: string;
  /** Seconds since the epoch. */
  bannedAt: number;
  until: number;
  reason: string;
}

interface PeerState {
  score: number;
  tokens: number;
  refilledAt: number;
  /** Block bytes served to the peer (created on first use). */
  served?: TokenBucket;
}

export interface PeerManagerOptions {
  datadir?: string;
  banSeconds: number;
  requestsPerSecond: number;
  /** Block bytes served to a peer per second (a bucket holding 2 s of them); unlimited when absent. */
  serveBytesPerSecond?: number;
}

export class PeerManager {
  private readonly peers = new Map<string, PeerState>();
  private readonly bans = new Map<string, BanEntry>();
  private readonly path?: string;

  constructor(
    private readonly opts: PeerManagerOptions,
    private readonly modules: { logger: Logger; clock: () => number; onBan: (peer: string, entry: BanEntry) => void },
  ) {
    if (opts.datadir) {
      this.path = join(opts.datadir, 'banlist.json');
      this.loadBans();
    }
  }

  private state(peer: string): PeerState {
    let s = this.peers.get(peer);
    if (!s) {
      s = { score: 0, tokens: this.opts.requestsPerSecond * 2, refilledAt: Date.now() };
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

  /** Takes one request token; false (and a small penalty) when the peer exceeds its rate. */
  allowRequest(peer: string): boolean {
    const s = this.state(peer);
    const now = Date.now();
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

  /** Forgets a disconnected peer's score (bans stay). */
  forget(peer: string): void {
    this.peers.delete(peer);
  }

  private loadBans(): void {
    if (!this.path || !existsSync(this.path)) return;
    try {
      const list = JSON.parse(readFileSync(this.path, 'utf8')) as BanEntry[];
      for (const b of list) if (typeof b.peer === 'string' && typeof b.until === 'number') this.bans.set(b.peer, b);
    } catch (err) {
      this.modules.logger.warn({ path: this.path, err: (err as Error).message }, 'ignoring an unreadable ban list');
    }
  }

  private saveBans(): void {
    if (!this.path) return;
    const tmp = `${this.path}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify([...this.bans.values()], null, 1));
      renameSync(tmp, this.path);
    } catch (err) {
      this.modules.logger.warn({ path: this.path, err: (err as Error).message }, 'could not save the ban list');
    }
  }
}
