/** Metrics options from the node's configuration (command line and tally.conf). */
import { badOption, type NodeConfig } from '../node/config.js';
import { defaultMetricsOptions, type MetricsOptions } from './options.js';

/**
 * The metrics server's options, or undefined when `metrics` is off (the default).
 * `metrics-port` alone does not turn the server on.
 * @throws ConfigError bad-option for a port outside 0..65535
 */
export function metricsOptionsFromConfig(config: NodeConfig): MetricsOptions | undefined {
  const list = (name: string) => config.extra[name] ?? [];
  const last = (name: string) => list(name)[list(name).length - 1];
  const enabled = last('metrics');
  if (enabled === undefined || ['0', 'false', 'no', 'off'].includes(enabled)) return undefined;
  const opts = defaultMetricsOptions(config.network);
  const port = last('metrics-port');
  if (port !== undefined) {
    const n = Number(port);
    if (port === '' || !Number.isInteger(n) || n < 0 || n > 65535) throw badOption('metrics-port', `expected a port number, got "${port}"`);
    opts.port = n;
  }
  return opts;
}
