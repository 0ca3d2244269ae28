/**
 * The connection keeper: a loop that keeps the node between its outbound
 * target and its limits. Each tick it lets go of the peers that
 * `chooseEvictions` names, dials what `chooseDials` picks from the address
 * book while outbound peers are fewer than `minOutbound`, and asks the DHT
 * search for more addresses when the book runs dry. Ticks come every second
 * while there is work, then further apart (up to `idleTickMs`) while there is
 * none, so an idle node does next to nothing.
 */
import { KEEP_ALIVE, type Connection } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import type { LogWriter } from '../../util/logger.js';
import type { TallyLibp2p } from '../libp2p.js';
import type { AddressBook } from './address-book.js';
import { chooseDials, chooseEvictions, type ConnectedPeer, type ConnectionLimits } from './choose.js';
import { netGroup } from './netgroup.js';

export interface KeeperOptions extends ConnectionLimits {
  minOutbound: number;
  /** Longest gap between ticks, in ms, when there is nothing to do. */
  idleTickMs: number;
  /** Gap between ticks while dialing or short of peers with candidates left, in ms. */
  busyTickMs: number;
  dialTimeoutMs: number;
}

export interface KeeperModules {
  host(): TallyLibp2p;
  book: AddressBook;
  /** Banned or cooling down: not dialed. */
  denied(peer: string): boolean;
  /** Configured peers (--bootstrap, --connect, addnode): never evicted. */
  isManual(peer: string): boolean;
  /** Asked when the book has too few candidates to reach the outbound target. */
  wantMore(): void;
  logger: LogWriter;
  /** Seconds on the node's clock (the book's times). */
  clock(): number;
}

/** Age (ms, libp2p's connection clock) before an outbound connection counts against `maxOutbound`: longer than a DHT query. */
export const OUTBOUND_GRACE_MS = 20_000;

export class ConnectionKeeper {
  private timer?: NodeJS.Timeout;
  private nextTickAt = Infinity;
  private gapMs: number;
  private readonly dialing = new Set<string>();
  private stopped = true;

  constructor(
    private readonly opts: KeeperOptions,
    private readonly modules: KeeperModules,
  ) {
    this.gapMs = opts.busyTickMs;
  }

  start(): void {
    this.stopped = false;
    this.poke();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Something changed (a peer came or went): tick soon. */
  poke(): void {
    this.gapMs = this.opts.busyTickMs;
    this.schedule(0);
  }

  /** Connected peers as the choices see them: one per peer, outbound if any of its connections is. */
  connected(): ConnectedPeer[] {
    const byPeer = new Map<string, Connection[]>();
    for (const c of this.modules.host().getConnections()) {
      const id = c.remotePeer.toString();
      byPeer.set(id, [...(byPeer.get(id) ?? []), c]);
    }
    return [...byPeer].map(([id, conns]) => {
      const outbound = conns.find((c) => c.direction === 'outbound');
      const first = outbound ?? conns[0]!;
      const rtt = conns.find((c) => c.rtt !== undefined)?.rtt;
      const source = this.modules.book.get(id)?.source;
      return {
        id, direction: outbound ? 'outbound' : 'inbound', group: netGroup(first.remoteAddr.toString()),
        openedAt: Math.min(...conns.map((c) => c.timeline.open)), manual: this.modules.isManual(id),
        ...(rtt !== undefined ? { pingMs: rtt } : {}), ...(source !== undefined ? { source } : {}),
      };
    });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    const at = Date.now() + delayMs;
    if (at >= this.nextTickAt) return;
    clearTimeout(this.timer);
    this.nextTickAt = at;
    this.timer = setTimeout(() => {
      this.nextTickAt = Infinity;
      void this.tick().catch((err: Error) => this.modules.logger.warn({ err: err.message }, 'discovery: keeper tick failed'));
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const all = this.connected();
    const victims = await this.evict(all);
    const peers = all.filter((p) => !victims.includes(p.id));
    const outbound = peers.filter((p) => p.direction === 'outbound');
    const short = this.opts.minOutbound - outbound.length - this.dialing.size;
    const dialed = short > 0 ? this.dialMore(peers, outbound, short) : 0;
    if (short > dialed) this.modules.wantMore();
    // Busy while dialing or short of peers with a book that still has candidates; otherwise back off.
    this.gapMs = dialed > 0 || this.dialing.size > 0 ? this.opts.busyTickMs : Math.min(this.opts.idleTickMs, this.gapMs * 2);
    this.schedule(this.gapMs);
  }

  /**
   * Disconnects the peers chooseEvictions names; returns their ids. Outbound connections younger
   * than {@link OUTBOUND_GRACE_MS} are left out of the choice: a DHT query (a search, or advertising
   * this node) dials a dozen peers at once, and evicting them mid-query made it dial a dozen more.
   */
  private async evict(all: ConnectedPeer[]): Promise<string[]> {
    const now = Date.now();
    const peers = all.filter((p) => p.direction === 'inbound' || now - p.openedAt >= OUTBOUND_GRACE_MS);
    const victims = chooseEvictions(peers, this.opts);
    const host = this.modules.host();
    for (const id of victims) {
      const peer = peers.find((p) => p.id === id)!;
      this.modules.logger.info({ peer: id, direction: peer.direction, group: peer.group, connections: peers.length }, 'discovery: evicting a peer to keep within the connection limits');
      const peerId = peerIdFromString(id);
      // kad-dht marks its closest peers keep-alive, and libp2p would dial them straight back.
      const known = await host.peerStore.get(peerId).catch(() => undefined);
      const tags = Object.fromEntries([...(known?.tags.keys() ?? [])].filter((t) => t.startsWith(KEEP_ALIVE)).map((t) => [t, undefined]));
      if (Object.keys(tags).length > 0) await host.peerStore.merge(peerId, { tags }).catch(() => undefined);
      await host.hangUp(peerId).catch(() => undefined);
    }
    return victims;
  }

  /** Starts dials to up to `want` new peers of fresh groups; returns how many it started. */
  private dialMore(peers: ConnectedPeer[], outbound: ConnectedPeer[], want: number): number {
    const now = this.modules.clock();
    const connected = new Set(peers.map((p) => p.id));
    const skip = (id: string) => connected.has(id) || this.dialing.has(id) || this.modules.denied(id);
    const candidates = this.modules.book.dialable(now, skip).map((e) => ({ id: e.id, group: netGroup(e.addrs[0]!), source: e.source }));
    const picks = chooseDials(candidates, outbound, want);
    for (const pick of picks) void this.dial(pick.id, now);
    return picks.length;
  }

  private async dial(id: string, now: number): Promise<void> {
    const entry = this.modules.book.get(id);
    if (!entry) return;
    this.dialing.add(id);
    this.modules.book.attempted(id, now);
    const addrs = entry.addrs.map((a) => multiaddr(`${a}/p2p/${id}`));
    try {
      await this.modules.host().dial(addrs, { signal: AbortSignal.timeout(this.opts.dialTimeoutMs) });
      this.modules.book.succeeded(id, this.modules.clock());
      this.modules.logger.info({ peer: id, addr: entry.addrs[0], source: entry.source }, 'discovery: dialed a peer');
    } catch (err) {
      this.modules.book.failed(id, this.modules.clock());
      this.modules.logger.info({ peer: id, addrs: entry.addrs, failures: entry.failures, err: (err as Error).message }, 'discovery: dial failed');
    } finally {
      this.dialing.delete(id);
      this.poke();
    }
  }
}
