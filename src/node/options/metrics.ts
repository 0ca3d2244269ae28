/** Metrics options: a switch and a port. `metrics-port` alone does not turn the server on. */
import type { NetworkParams } from '../../consensus/params.js';
import { defaultMetricsOptions, type MetricsOptions } from '../../metrics/options.js';
import { lastValue, parsePort, switchedOn, type OptionDecl, type OptionValues } from './declare.js';

export const METRICS_OPTIONS: readonly OptionDecl[] = [
  { name: 'metrics', flag: '--metrics', description: 'serve Prometheus metrics at http://127.0.0.1:<port>/metrics', kind: 'bool' },
  { name: 'metrics-port', flag: '--metrics-port <port>', description: 'metrics port (default per network; 0 picks a free one)', kind: 'number' },
];

/**
 * The metrics server's options, or undefined when `metrics` is off (the default).
 * @throws ConfigError bad-option for a port outside 0..65535
 */
export function metricsOptionsFrom(values: OptionValues, network: NetworkParams): MetricsOptions | undefined {
  if (!switchedOn(lastValue(values, 'metrics'))) return undefined;
  const opts = defaultMetricsOptions(network);
  const port = lastValue(values, 'metrics-port');
  if (port !== undefined) opts.port = parsePort('metrics-port', port);
  return opts;
}

/** {@link metricsOptionsFrom} over a resolved NodeConfig's values. */
export function metricsOptionsFromConfig(config: { extra: OptionValues; network: NetworkParams }): MetricsOptions | undefined {
  return metricsOptionsFrom(config.extra, config.network);
}
