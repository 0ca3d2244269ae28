/** Metrics server options and their defaults. */
import type { NetworkName, NetworkParams } from '../consensus/params.js';

export interface MetricsOptions {
  /** Address to bind: loopback, since the endpoint has no authentication. */
  bind: string;
  /** TCP port; 0 lets the OS choose (read it back from `MetricsServer.address`). */
  port: number;
}

/** One default port per network, next to its p2p and RPC ports, so nodes of both networks can run side by side. */
export const DEFAULT_METRICS_PORTS: Readonly<Record<NetworkName, number>> = { regtest: 28449, testnet: 28339 };

export function defaultMetricsOptions(params: NetworkParams): MetricsOptions {
  return { bind: '127.0.0.1', port: DEFAULT_METRICS_PORTS[params.name] };
}
