/**
 * Messages between the miner service and its worker threads. Plain
 * structured-cloneable data; both sides import only these types.
 */

/** `workerData` of a miner worker. */
export interface MinerWorkerData {
  /**
   * One int32: the generation of the current search. The parent bumps it to
   * cancel; a worker checks it between chunks and drops a range whose
   * generation is no longer current.
   */
  readonly control: SharedArrayBuffer;
}

/** Parent to worker: hash one range of nonces over one header. */
export interface WorkRequest {
  readonly gen: number;
  readonly jobId: number;
  /** The 80-byte header. */
  readonly header: Uint8Array;
  /** Target as from `targetToWords`. */
  readonly target: Uint32Array;
  readonly start: number;
  readonly end: number;
  /** Nonces between cancellation checks. */
  readonly chunkSize: number;
}

/** Worker to parent: the outcome of one {@link WorkRequest}. */
export interface WorkResult {
  readonly gen: number;
  readonly jobId: number;
  /** The first nonce meeting the target, or -1 (none, or cancelled). */
  readonly nonce: number;
  /** Headers hashed. */
  readonly hashes: number;
}
