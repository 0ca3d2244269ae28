/**
 * Whom to dial: the configured peers (`--connect`, else `--bootstrap`), tried
 * again every 10 s while they are not connected, and discovered peers while
 * there is room. Banned peers and peers of another network are skipped.
 */
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import type { PeerId } from '@libp2p/interface';
import type { LogWriter } from '../util/logger.js';
import type { TallyLibp2p } from './libp2p.js';
import type { P2POptions } from './options.js';

export interface DialSchedulerModules {
  /** The started host. */
  host(): TallyLibp2p;
  peers: { isHandshaked(peer: string): boolean; denied(peer: string): boolean };
  logger: LogWriter;
}

export class DialScheduler {
  /** Configured peers (bootstrap, connect) whose last dial failed. */
  private readonly unreachable = new Set<string>();

  constructor(
    private readonly opts: Pick<P2POptions, 'connect' | 'bootstrap' | 'maxConnections'>,
    private readonly modules: DialSchedulerModules,
  ) {}

  async dialConfigured(): Promise<void> {
    const targets = this.opts.connect.length > 0 ? this.opts.connect : this.opts.bootstrap;
    for (const addr of targets) {
      let ma: Multiaddr;
      try {
        ma = multiaddr(addr);
      } catch {
        this.modules.logger.warn({ addr }, 'ignoring an invalid peer address');
        continue;
      }
      const id = ma.getComponents().find((c) => c.name === 'p2p')?.value;
      if (id && (this.modules.peers.isHandshaked(id) || this.modules.peers.denied(id))) continue;
      if (id && this.modules.host().getConnections(peerIdFromString(id)).length > 0) continue;
      await this.modules.host().dial(ma, { signal: AbortSignal.timeout(10_000) }).then(() => this.unreachable.delete(addr), (err: Error) => {
        // The operator asked for this peer: say so at the default level, once until it is reached, not every 10 s.
        const first = !this.unreachable.has(addr);
        this.unreachable.add(addr);
        this.modules.logger[first ? 'warn' : 'debug']({ addr, option: this.opts.connect.length > 0 ? 'connect' : 'bootstrap', err: err.message }, 'cannot reach a configured peer; retrying every 10 s');
      });
    }
  }

  async onDiscovery(peerId: PeerId, addrs: string[]): Promise<void> {
    const id = peerId.toString();
    if (this.opts.connect.length > 0 || this.modules.peers.isHandshaked(id) || this.modules.peers.denied(id)) return;
    if (this.modules.host().getConnections().length >= this.opts.maxConnections) return;
    this.modules.logger.debug({ peer: id, addrs }, 'peer discovered');
    await this.modules.host().dial(peerId, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
  }
}
