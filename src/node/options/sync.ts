/**
 * Sync options (`sync-*`), which could not be set at all before: one flag per
 * tunable of the headers-first sync, over its defaults.
 */
import { SYNC_DEFAULTS, type SyncOptions } from '../../sync/options.js';
import { parseInteger, lastValue, type OptionDecl, type OptionValues } from './declare.js';

/** Each tunable: its flag name, value name, help and smallest value. */
const SYNC_FLAGS: Readonly<Record<keyof SyncOptions, { name: string; arg: string; help: string; min: number }>> = {
  headersBatchSize: { name: 'sync-headers-batch', arg: 'n', help: 'headers asked for per request', min: 1 },
  downloadWindow: { name: 'sync-download-window', arg: 'blocks', help: 'how far ahead of the tip blocks are requested', min: 1 },
  rangeSize: { name: 'sync-range-size', arg: 'blocks', help: 'blocks per request to a peer not measured yet', min: 1 },
  maxRangeSize: { name: 'sync-max-range-size', arg: 'blocks', help: 'blocks per request at most', min: 1 },
  targetRequestMs: { name: 'sync-target-request', arg: 'ms', help: 'a request asks for this long of the peer\'s throughput', min: 1 },
  pipelineMs: { name: 'sync-pipeline', arg: 'ms', help: 'a peer owes at most this long of its throughput', min: 1 },
  minBytesPerSecond: { name: 'sync-min-rate', arg: 'bytes/s', help: 'throughput assumed of a peer not measured yet', min: 1 },
  maxInFlightPerPeer: { name: 'sync-max-in-flight', arg: 'n', help: 'block requests outstanding to one peer', min: 1 },
  requestTimeoutMs: { name: 'sync-request-timeout', arg: 'ms', help: 'longest wait for a reply', min: 1 },
  minRequestTimeoutMs: { name: 'sync-min-request-timeout', arg: 'ms', help: 'shortest adaptive timeout', min: 1 },
  timeoutLatencyFactor: { name: 'sync-timeout-latency-factor', arg: 'n', help: 'adaptive timeout as a multiple of peer latency', min: 1 },
  maxHeaderSyncs: { name: 'sync-max-header-syncs', arg: 'n', help: 'peers asked for headers at once', min: 1 },
  retryMs: { name: 'sync-retry', arg: 'ms', help: 'wait before asking a peer again for what it lacked', min: 0 },
  maxQueuedBlocks: { name: 'sync-max-queued-blocks', arg: 'n', help: 'downloaded blocks waiting for validation, at most', min: 1 },
  maxQueuedBytes: { name: 'sync-max-queued-bytes', arg: 'bytes', help: 'bytes of downloaded blocks waiting for validation, at most', min: 1 },
  antiDoSWorkBlocks: { name: 'sync-anti-dos-work-blocks', arg: 'blocks', help: 'work margin below the tip before headers are stored', min: 0 },
  maxHeldHeaders: { name: 'sync-max-held-headers', arg: 'n', help: 'headers of a low-work chain held in memory, at most', min: 1 },
  tickMs: { name: 'sync-tick', arg: 'ms', help: 'housekeeping period', min: 1 },
  progressIntervalMs: { name: 'sync-progress-interval', arg: 'ms', help: 'period of the sync progress log line; 0 for none', min: 0 },
};

/** The sync tunables a config sets; the sync manager fills in the rest. */
export type SyncSettings = Partial<SyncOptions>;

const KEYS = Object.keys(SYNC_FLAGS) as (keyof SyncOptions)[];

export const SYNC_OPTIONS: readonly OptionDecl[] = KEYS.map((key) => {
  const f = SYNC_FLAGS[key];
  return { name: f.name, flag: `--${f.name} <${f.arg}>`, description: `sync: ${f.help} (default ${SYNC_DEFAULTS[key]})`, kind: 'number' };
});

/**
 * The sync options given, over nothing: the sync manager fills in its own
 * defaults, so a config that sets none stays `{}`.
 * @throws ConfigError bad-option for a value that is not a whole number at least the option's minimum
 */
export function syncOptionsFrom(values: OptionValues): SyncSettings {
  const opts: SyncSettings = {};
  for (const key of KEYS) {
    const { name, min } = SYNC_FLAGS[key];
    const value = lastValue(values, name);
    if (value !== undefined) opts[key] = parseInteger(name, value, min);
  }
  return opts;
}
