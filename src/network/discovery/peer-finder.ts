/**
 * Everything that finds peers, behind one start/stop: the configured peers
 * (dial.ts: `--connect`, else `--bootstrap`, redialed every 10 s) and, unless
 * `--no-dht` or `--connect`, DHT discovery: the address book (restored from and
 * saved to peers.json), the connection keeper and the DHT search.
 */
import type { PeerId } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import type { LogWriter } from '../../util/logger.js';
import { DialScheduler } from '../dial.js';
import type { TallyLibp2p } from '../libp2p.js';
import type { P2POptions } from '../options.js';
import { AddressBook } from './address-book.js';
import { dhtProtocol, dhtService, routingTableOf } from './dht.js';
import { refillEmptyTable } from './empty-table.js';
import { DhtSearch } from './dht-search.js';
import { ConnectionKeeper } from './keeper.js';
import { DISCOVERY_TIMINGS, type DiscoveryTimings } from './options.js';
import { loadPeers, peersFilePath, savePeers } from './peers-file.js';

export interface PeerFinderModules {
  /** The started host. */
  host(): TallyLibp2p;
  peers: { isHandshaked(peer: string): boolean; denied(peer: string): boolean };
  logger: LogWriter;
  /** Seconds on the node's clock. */
  clock(): number;
  network: string;
  /** Where peers.json lives; absent: the address book is not kept across restarts. */
  datadir?: string;
}

/** Whether DHT discovery runs with these options: on by default, off with --no-dht or --connect. */
export function discoveryEnabled(opts: Pick<P2POptions, 'dht' | 'connect'>): boolean {
  return opts.dht && opts.connect.length === 0;
}

export class PeerFinder {
  private readonly configured: DialScheduler;
  private readonly book?: AddressBook;
  private readonly keeper?: ConnectionKeeper;
  private readonly search?: DhtSearch;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly manual: Set<string>;
  /** When peers.json was last written (monotonic ms); the first change is saved at the first maintenance, since kill -9 skips stop. */
  private lastSaveMs = -Infinity;
  private lastReport = '';
  private refilling = false;

  constructor(
    private readonly opts: P2POptions,
    private readonly modules: PeerFinderModules,
    private readonly timings: DiscoveryTimings = DISCOVERY_TIMINGS,
  ) {
    this.configured = new DialScheduler(opts, modules);
    this.manual = new Set([...opts.connect, ...opts.bootstrap].map(peerIdOf).filter((id): id is string => id !== undefined));
    if (!discoveryEnabled(opts)) return;
    this.book = new AddressBook({ max: timings.maxAddresses });
    this.search = new DhtSearch({ network: modules.network, ...timings }, {
      dht: () => this.modules.host().services.dht, learn: (id, addrs, source) => this.learn(id, addrs, source),
      logger: modules.logger, nowMs: () => performance.now(),
    });
    this.keeper = new ConnectionKeeper({ ...timings, maxConnections: opts.maxConnections, minOutbound: opts.minOutbound, maxOutbound: opts.maxOutbound }, {
      host: modules.host, book: this.book, denied: (id) => modules.peers.denied(id), isManual: (id) => this.manual.has(id),
      wantMore: () => this.wantMore(), logger: modules.logger, clock: modules.clock,
    });
  }

  /** The DHT service for the libp2p host, when discovery runs. */
  dhtService(): ReturnType<typeof dhtService> | undefined {
    return this.keeper ? dhtService(this.modules.network, this.timings) : undefined;
  }

  /** Dials the configured peers (and keeps redialing them), then starts discovery. */
  async start(): Promise<void> {
    await this.configured.dialConfigured();
    this.timers.push(setInterval(() => void this.configured.dialConfigured(), 10_000).unref());
    if (!this.keeper || !this.book) return;
    const host = this.modules.host();
    this.restore(host.peerId.toString());
    host.addEventListener('peer:identify', (evt) => {
      if (evt.detail.protocols.includes(dhtProtocol(this.modules.network))) this.learn(evt.detail.peerId.toString(), evt.detail.listenAddrs.map(String), 'identify');
    });
    host.addEventListener('peer:connect', () => this.keeper?.poke());
    host.addEventListener('peer:disconnect', () => this.keeper?.poke());
    this.keeper.start();
    this.timers.push(setInterval(() => this.maintain(), this.timings.maintenanceMs).unref());
    this.modules.logger.info({ known: this.book.size, minOutbound: this.opts.minOutbound, maxOutbound: this.opts.maxOutbound, maxConnections: this.opts.maxConnections, protocol: dhtProtocol(this.modules.network) }, 'discovery: started');
  }

  async stop(): Promise<void> {
    for (const t of this.timers.splice(0)) clearInterval(t);
    this.keeper?.stop();
    this.search?.stop();
    this.save();
  }

  /** A peer found by a libp2p discovery module (the DHT, mDNS): into the book, or dialed at once without discovery. */
  async onDiscovery(peerId: PeerId, addrs: string[]): Promise<void> {
    if (this.book) this.learn(peerId.toString(), addrs, 'discovery');
    else await this.configured.onDiscovery(peerId, addrs);
  }

  /** A peer the operator asked for (addnode): like --bootstrap and --connect peers, never evicted. */
  markManual(addr: string): void {
    const id = peerIdOf(addr);
    if (id !== undefined) this.manual.add(id);
  }

  /** Outbound and inbound peers now, and addresses known (for logs and tests). */
  counts(): { outbound: number; inbound: number; known: number; routingTable: number } {
    const peers = this.keeper?.connected() ?? [];
    const outbound = peers.filter((p) => p.direction === 'outbound').length;
    return { outbound, inbound: peers.length - outbound, known: this.book?.size ?? 0, routingTable: this.search?.routingTableSize() ?? 0 };
  }

  /** The keeper is short of candidates: advertise if due (so others find us too) and search. */
  private wantMore(): void {
    void this.search?.provide();
    void this.search?.search();
  }

  private learn(id: string, addrs: string[], source: string): boolean {
    if (!this.book || id === this.modules.host().peerId.toString()) return false;
    const fresh = this.book.add(id, addrs, source, this.modules.clock());
    if (fresh) this.keeper?.poke();
    return fresh;
  }

  private restore(self: string): void {
    if (!this.book || !this.modules.datadir) return;
    const path = peersFilePath(this.modules.datadir);
    const stored = loadPeers(path, this.modules.network, this.timings.maxAddresses, this.modules.logger).filter((e) => e.id !== self);
    this.book.restore(stored);
    if (stored.length > 0) this.modules.logger.info({ path, peers: stored.length }, 'discovery: restored peer addresses from peers.json');
  }

  private save(): void {
    if (!this.book || !this.modules.datadir || !this.book.takeChanged()) return;
    savePeers(peersFilePath(this.modules.datadir), this.modules.network, this.book.list(), this.timings.maxAddresses, this.modules.logger);
    this.lastSaveMs = performance.now();
  }

  /** Advertising when due, saving the book when due, and a progress line when the counts changed. */
  private maintain(): void {
    this.refillTable();
    void this.search?.provide();
    if (performance.now() - this.lastSaveMs >= this.timings.saveIntervalMs) this.save();
    const counts = this.counts();
    const report = JSON.stringify(counts);
    if (report !== this.lastReport) this.modules.logger.info(counts, 'discovery: peers');
    this.lastReport = report;
  }

  /** An empty routing table is refilled from the open connections (empty-table.ts), one pass at a time. */
  private refillTable(): void {
    const host = this.modules.host();
    const table = host.services.dht && routingTableOf(host.services.dht);
    if (this.refilling || !this.keeper || !table || table.size > 0) return;
    this.refilling = true;
    void refillEmptyTable(host, table, dhtProtocol(this.modules.network), this.modules.logger)
      .then((r) => { if (r.added + r.identified > 0) this.wantMore(); })
      .finally(() => { this.refilling = false; });
  }
}

function peerIdOf(addr: string): string | undefined {
  try {
    return multiaddr(addr).getComponents().find((c) => c.name === 'p2p')?.value;
  } catch {
    return undefined;
  }
}
