/**
 * Sync manager options: plain, cloneable data. Defaults follow Bitcoin Core
 * where it has a matching constant (MAX_HEADERS_RESULTS, BLOCK_DOWNLOAD_WINDOW,
 * MAX_BLOCKS_IN_TRANSIT_PER_PEER scaled to ranges) and are otherwise chosen
 * for a small network of nodes on ordinary links.
 */

export interface SyncOptions {
  /** Headers a peer returns at most per reply (Core's MAX_HEADERS_RESULTS); a full batch means "ask again". */
  headersBatchSize: number;
  /** How far ahead of the tip blocks are requested (Core's BLOCK_DOWNLOAD_WINDOW). */
  downloadWindow: number;
  /** Blocks per request to a peer whose throughput is not measured yet (request-sizing.ts). */
  rangeSize: number;
  /** Blocks per request at most (the protocol's MAX_BLOCKS_PER_REQUEST). */
  maxRangeSize: number;
  /** A request asks for about this long's worth of bytes at the peer's measured throughput (ms). */
  targetRequestMs: number;
  /** A peer owes at most about this long's worth of bytes at its measured throughput, on all its requests (ms). */
  pipelineMs: number;
  /** The throughput assumed of a peer not measured yet, for its request size and timeout (bytes/s). */
  minBytesPerSecond: number;
  /** Block requests outstanding to one peer at a time. */
  maxInFlightPerPeer: number;
  /** Longest wait for a headers reply, and for each block of a peer not measured yet besides its bytes at `minBytesPerSecond` (ms). */
  requestTimeoutMs: number;
  /** Shortest adaptive timeout (ms): a fast peer still gets this long. */
  minRequestTimeoutMs: number;
  /** Adaptive timeout = this × the peer's moving average latency, within the bounds above. */
  timeoutLatencyFactor: number;
  /** Peers asked for headers at the same time. */
  maxHeaderSyncs: number;
  /**
   * Wait before asking a peer again for what it did not have (ms): headers, when its last
   * answer fell short of the work it claims; blocks, that it left out of a reply.
   */
  retryMs: number;
  /**
   * Blocks received but not yet processed by the node, at most; downloading pauses above
   * it, so a node that validates slower than it downloads does not pile blocks up in memory.
   */
  maxQueuedBlocks: number;
  /** The same bound in bytes: whichever is reached first pauses downloading. */
  maxQueuedBytes: number;
  /**
   * Anti-DoS work margin, in blocks at the tip's difficulty (Core's GetAntiDoSWorkThreshold):
   * headers are stored only once their chain has at least the tip's work minus this many
   * blocks' worth. A header costs nothing but its proof of work, and work far below the tip buys nothing.
   */
  antiDoSWorkBlocks: number;
  /**
   * Headers of one peer's chain held in memory, at most, while it has not shown enough work
   * to be stored (a fork deeper than a batch); a chain needing more is not followed.
   */
  maxHeldHeaders: number;
  /** Period of the housekeeping tick (ms): peer list, stuck work, progress. */
  tickMs: number;
  /** Period of the 'sync progress' log line while syncing (ms); 0 for none (a terminal shows a live line instead). */
  progressIntervalMs: number;
}

export const SYNC_DEFAULTS: SyncOptions = {
  headersBatchSize: 2000,
  downloadWindow: 1024,
  rangeSize: 16,
  // Core's MAX_BLOCKS_IN_TRANSIT_PER_PEER: block sizes are unknown until blocks arrive (request-sizing.ts).
  maxRangeSize: 16,
  targetRequestMs: 1_000,
  pipelineMs: 2_500,
  // 1 Mbit/s.
  minBytesPerSecond: 125_000,
  maxInFlightPerPeer: 8,
  requestTimeoutMs: 10_000,
  // A block of 100 kB takes 1.6 s at 0.5 Mbit/s, and rates measured on small blocks say little of large ones.
  minRequestTimeoutMs: 4_000,
  timeoutLatencyFactor: 3,
  maxHeaderSyncs: 2,
  retryMs: 5_000,
  // Out-of-order blocks wait here while a slow range holds the tip: room for the window's worth of small
  // blocks, and a byte bound for large ones.
  maxQueuedBlocks: 1024,
  maxQueuedBytes: 64_000_000,
  antiDoSWorkBlocks: 144,
  maxHeldHeaders: 8_000,
  tickMs: 250,
  progressIntervalMs: 10_000,
};
