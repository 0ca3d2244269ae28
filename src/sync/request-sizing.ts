/**
 * How much to ask one peer for, and how long to wait: pure functions of what
 * sync has measured. A request asks for about `targetRequestMs` worth of bytes
 * at the peer's measured throughput, so a fast peer gets long ranges and a
 * slow one short ranges, and large blocks never ride in a 16-block request
 * that a link cannot carry before its timeout. The timeout bounds the wait for
 * each next block (replies stream block by block), from the bytes expected at
 * the throughput measured, with a floor; it is never learnt from tiny blocks
 * and then applied to large ones.
 */
import type { SyncOptions } from './options.js';

/** What sizing knows of a peer. */
export interface PeerMeasures {
  /** Moving average of its reply latency (ms); undefined until measured. */
  latencyMs: number | undefined;
  /** Moving average of the bytes per second one request of its carries; undefined until measured. */
  bytesPerSecond: number | undefined;
}

type SizingOptions = Pick<SyncOptions, 'rangeSize' | 'maxRangeSize' | 'targetRequestMs' | 'minBytesPerSecond' | 'requestTimeoutMs' | 'minRequestTimeoutMs' | 'timeoutLatencyFactor'>;

/**
 * Blocks for one request to `peer`, given the expected block size (undefined until a block arrived):
 * `rangeSize` for a peer or chain not measured yet, capped by what the slowest assumed rate carries in
 * the target time; otherwise its throughput times the target time, in blocks, between 1 and `maxRangeSize`.
 */
export function blocksPerRequest(peer: PeerMeasures, blockBytes: number | undefined, opts: SizingOptions): number {
  if (blockBytes === undefined || blockBytes <= 0) return opts.rangeSize;
  const rate = peer.bytesPerSecond ?? opts.minBytesPerSecond;
  const fit = Math.floor((rate * opts.targetRequestMs) / 1000 / blockBytes);
  // A request names at most 128 blocks (PROTOCOL.md §9.1), whatever the option says.
  const most = Math.min(128, peer.bytesPerSecond === undefined ? opts.rangeSize : opts.maxRangeSize);
  return Math.max(1, Math.min(most, fit));
}

/**
 * The longest wait for the next block of a reply (ms): `timeoutLatencyFactor` times what one
 * block should take (latency plus its bytes at the measured rate), at least the floor; for a peer
 * not measured yet, the longest timeout plus the block's bytes at the slowest assumed rate.
 */
export function blockTimeoutMs(peer: PeerMeasures, blockBytes: number | undefined, opts: SizingOptions): number {
  const bytes = blockBytes ?? 0;
  const slowest = (1000 * bytes) / opts.minBytesPerSecond;
  if (peer.latencyMs === undefined || peer.bytesPerSecond === undefined) return Math.round(opts.requestTimeoutMs + slowest);
  const expected = peer.latencyMs + (1000 * bytes) / peer.bytesPerSecond;
  const ceiling = Math.max(opts.requestTimeoutMs, opts.timeoutLatencyFactor * slowest);
  return Math.round(Math.min(ceiling, Math.max(opts.minRequestTimeoutMs, opts.timeoutLatencyFactor * expected)));
}

/** A moving average that follows the chain's block size as it changes (weight of the newest: `alpha`). */
export function movingAverage(previous: number | undefined, sample: number, alpha = 0.2): number {
  return previous === undefined ? sample : (1 - alpha) * previous + alpha * sample;
}
