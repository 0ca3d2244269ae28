/**
 * Searching the DHT for more peers: advertising this node under the
 * network's provider key, and rounds of findProviders on that key plus a
 * random walk (a lookup of a random key, whose every reply names peers). Each
 * peer a reply names is learnt with the peer that named it as its source.
 * Rounds run only when the connection keeper asks, and back off while they
 * find nothing new, so an idle node queries rarely.
 */
import { randomBytes } from 'node:crypto';
import type { KadDHT, QueryEvent } from '@libp2p/kad-dht';
import type { PeerInfo } from '@libp2p/interface';
import type { CID } from 'multiformats/cid';
import type { LogWriter } from '../../util/logger.js';
import { timeoutSignal } from '../reqresp/protocols.js';
import { networkKey, routingTableOf } from './dht.js';

export interface DhtSearchOptions {
  network: string;
  /** Longest a query may run, in ms. */
  queryTimeoutMs: number;
  /** Gap between rounds after one that found something new, in ms; doubled after each that did not. */
  minRoundGapMs: number;
  maxRoundGapMs: number;
  /** First gap between advertisements, in ms (doubled each time up to `maxProvideGapMs`): early ones reach few nodes. */
  minProvideGapMs: number;
  maxProvideGapMs: number;
}

export interface DhtSearchModules {
  dht(): KadDHT | undefined;
  /** Learns a peer's addresses; true when the peer is new. */
  learn(id: string, addrs: string[], source: string): boolean;
  logger: LogWriter;
  /** Monotonic milliseconds. */
  nowMs(): number;
}

export class DhtSearch {
  private key?: CID;
  private searching = false;
  private providing = false;
  private nextRoundAt = 0;
  private roundGapMs: number;
  private nextProvideAt = 0;
  private provideGapMs: number;
  private readonly abort = new AbortController();

  constructor(
    private readonly opts: DhtSearchOptions,
    private readonly modules: DhtSearchModules,
  ) {
    this.roundGapMs = opts.minRoundGapMs;
    this.provideGapMs = opts.minProvideGapMs;
  }

  stop(): void {
    this.abort.abort();
  }

  /** Peers in the DHT's routing table (0 before the DHT has any; -1 when kad-dht no longer shows it). */
  routingTableSize(): number {
    const dht = this.modules.dht();
    return dht ? (routingTableOf(dht)?.size ?? -1) : 0;
  }

  /** Starts a search round unless one runs or the back-off has not passed; resolves when it ends. */
  async search(): Promise<void> {
    const dht = this.modules.dht();
    const now = this.modules.nowMs();
    if (!dht || this.searching || now < this.nextRoundAt || this.abort.signal.aborted || this.routingTableSize() === 0) return;
    this.searching = true;
    const started = now;
    try {
      const key = await this.networkKey();
      const counts = { named: 0, fresh: 0 };
      await this.run(dht.findProviders(key, { signal: this.signal() }), counts);
      await this.run(dht.getClosestPeers(randomBytes(32), { signal: this.signal() }), counts);
      this.roundGapMs = counts.fresh > 0 ? this.opts.minRoundGapMs : Math.min(this.opts.maxRoundGapMs, this.roundGapMs * 2);
      this.modules.logger.info({ named: counts.named, new: counts.fresh, routingTable: this.routingTableSize(), ms: Math.round(this.modules.nowMs() - started), nextInS: Math.round(this.roundGapMs / 1000) }, 'discovery: searched the DHT for peers');
    } finally {
      this.nextRoundAt = this.modules.nowMs() + this.roundGapMs;
      this.searching = false;
    }
  }

  /** Advertises this node under the network key when it is time to (and the DHT has peers to store the record). */
  async provide(): Promise<void> {
    const dht = this.modules.dht();
    if (!dht || this.providing || this.modules.nowMs() < this.nextProvideAt || this.abort.signal.aborted || this.routingTableSize() === 0) return;
    this.providing = true;
    try {
      let stored = 0;
      for await (const event of dht.provide(await this.networkKey(), { signal: this.signal() })) {
        if (event.name === 'PEER_RESPONSE' && event.messageName === 'ADD_PROVIDER') stored++;
      }
      this.modules.logger.info({ stored, routingTable: this.routingTableSize() }, 'discovery: advertised this node under the network key');
    } catch (err) {
      if (!this.abort.signal.aborted) this.modules.logger.info({ err: (err as Error).message }, 'discovery: could not advertise this node yet');
    } finally {
      this.nextProvideAt = this.modules.nowMs() + this.provideGapMs;
      this.provideGapMs = Math.min(this.opts.maxProvideGapMs, this.provideGapMs * 2);
      this.providing = false;
    }
  }

  private async networkKey(): Promise<CID> {
    this.key ??= await networkKey(this.opts.network);
    return this.key;
  }

  private signal(): AbortSignal {
    return timeoutSignal(this.opts.queryTimeoutMs, this.abort.signal);
  }

  /** Learns every peer the query's replies name; a query that times out or fails ends the walk quietly. */
  private async run(query: AsyncIterable<QueryEvent>, counts: { named: number; fresh: number }): Promise<void> {
    const take = (peers: readonly PeerInfo[], from: string) => {
      for (const p of peers) {
        counts.named++;
        if (this.modules.learn(p.id.toString(), p.multiaddrs.map(String), from)) counts.fresh++;
      }
    };
    try {
      for await (const event of query) {
        if (event.name === 'PEER_RESPONSE') take([...event.closer, ...event.providers], event.from.toString());
        else if (event.name === 'PROVIDER') take(event.providers, event.from.toString());
      }
    } catch (err) {
      if (!this.abort.signal.aborted) this.modules.logger.debug({ err: (err as Error).message }, 'discovery: a DHT query ended early');
    }
  }
}
