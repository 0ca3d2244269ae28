/**
 * The Prometheus endpoint: `GET /metrics` on its own HTTP server, off by
 * default (`tally node --metrics`). Each server has its own Registry, so
 * several nodes in one process (tests) never share or clash over metrics.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Logger } from '../util/logger.js';
import { hostPort, netListenError } from '../node/listen-error.js';
import { registerChainMetrics } from './chain-metrics.js';
import type { MetricsModules } from './interface.js';
import type { MetricsOptions } from './options.js';
import {
  registerMempoolMetrics, registerMinerMetrics, registerP2PMetrics, registerRpcMetrics, registerSyncMetrics,
} from './scrape-metrics.js';

/** Every metric name starts with this. */
export const METRICS_PREFIX = 'tally_';

export class MetricsServer {
  readonly opts: MetricsOptions;
  readonly registry = new Registry();
  private readonly modules: MetricsModules;
  private readonly log: Logger;
  private server?: Server;
  private unsubscribe?: () => void;

  constructor(opts: MetricsOptions, modules: MetricsModules) {
    this.opts = opts;
    this.modules = modules;
    this.log = modules.logger.child({ module: 'metrics' });
  }

  /** Where the server listens (the chosen port once started with port 0). */
  get address(): { host: string; port: number } {
    const a = this.server?.address() as AddressInfo | null | undefined;
    return { host: a?.address ?? this.opts.bind, port: a?.port ?? this.opts.port };
  }

  /** Registers the metrics, subscribes to the node and listens. */
  async start(): Promise<void> {
    if (this.server) return;
    this.register();
    const server = createServer((req, res) => void this.onRequest(req, res));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.opts.port, this.opts.bind, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      this.unregister();
      throw netListenError({ service: 'metrics', address: hostPort(this.opts.bind, this.opts.port), option: '--metrics-port' }, err);
    }
    this.server = server;
    this.log.info({ bind: this.address.host, port: this.address.port }, 'metrics listening');
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    }
    this.unregister();
  }

  /** The exposition text, as `GET /metrics` returns it. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  private register(): void {
    const { registry, modules } = this;
    collectDefaultMetrics({ register: registry, prefix: METRICS_PREFIX });
    this.unsubscribe = registerChainMetrics(registry, modules.node);
    registerMempoolMetrics(registry, modules);
    registerP2PMetrics(registry, modules);
    registerSyncMetrics(registry, modules);
    registerMinerMetrics(registry, modules);
    registerRpcMetrics(registry, modules);
  }

  private unregister(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.registry.clear();
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') return this.reply(res, 404, 'Not Found\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return this.reply(res, 405, 'Method Not Allowed\n');
    }
    try {
      const body = await this.registry.metrics();
      this.reply(res, 200, req.method === 'HEAD' ? '' : body, this.registry.contentType);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'metrics collection failed');
      this.reply(res, 500, 'metrics collection failed\n');
    }
  }

  private reply(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
    res.writeHead(status, { 'Content-Type': contentType });
    res.end(body);
  }
}
