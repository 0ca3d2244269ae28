/**
 * How much to ask one peer for, and how long to wait: pure functions of what
 * sync has measured. A request asks for about `targetRequestMs` worth of bytes
 * at the peer's measured throughput, and a peer owes about `pipelineMs` of it
 * at once (several requests, as BitTorrent keeps a pipeline of requests per
 * peer), so its link stays full and large blocks never ride in a request
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
  /** Moving average of the bytes per second its link delivers; undefined until measured. */
  bytesPerSecond: number | undefined;
}

type SizingOptions = Pick<SyncOptions, 'rangeSize' | 'maxRangeSize' | 'targetRequestMs' | 'pipelineMs' | 'minBytesPerSecond' | 'requestTimeoutMs' | 'minRequestTimeoutMs' | 'timeoutLatencyFactor'>;

/** How much one request may carry, and how much a peer may owe at once. */
export interface RequestLimits {
  /** Blocks per request, at most. */
  maxBlocks: number;
  /** Bytes per request, at most (a request always carries at least one block). */
  maxBytes: number;
  /** Bytes the peer may owe on all its requests together (its pipeline). */
  pipelineBytes: number;
}

/**
 * What `peer` may be asked for: requests of about `targetRequestMs` of its throughput, and
 * `pipelineMs` of it in flight in all, so that its link never waits for our next request.
 * A peer not measured yet is assumed at `minBytesPerSecond` and asked for at most `rangeSize`
 * blocks a request; a measured one for at most `maxRangeSize` (and never more than the
 * protocol's 128). Counts stay small because block sizes are only known once blocks arrive:
 * a chain that turns from small blocks to large ones must not have handed one peer many.
 */
export function requestLimits(peer: PeerMeasures, opts: SizingOptions): RequestLimits {
  const rate = peer.bytesPerSecond ?? opts.minBytesPerSecond;
  const most = peer.bytesPerSecond === undefined ? opts.rangeSize : opts.maxRangeSize;
  return {
    maxBlocks: Math.max(1, Math.min(128, most)),
    maxBytes: (rate * opts.targetRequestMs) / 1000,
    pipelineBytes: (rate * opts.pipelineMs) / 1000,
  };
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

/**
 * The rate assumed of a peer not measured yet: the median of those measured (a new peer is
 * likely one like the others), or `floor` before any is.
 */
export function priorRate(peers: readonly { bytesPerSecond: number | undefined }[], floor: number): number {
  const rates = peers.map((p) => p.bytesPerSecond).filter((r): r is number => r !== undefined).sort((a, b) => a - b);
  return rates.length === 0 ? floor : rates[Math.floor(rates.length / 2)]!;
}
