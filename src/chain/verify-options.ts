/**
 * Options of {@link VerifyPool} with their defaults, and the protocol its
 * workers speak. The protocol lives here, not in the worker module, so that the
 * pool can share it without importing the worker's entry point.
 */
import { availableParallelism } from 'node:os';
import { createVerifier, getVerifier, type SignatureVerifier } from '../primitives/signature.js';
import { TallyError } from '../primitives/errors.js';

/** A verification backend by name; `fastest` is {@link getVerifier}'s choice (WASM when it loads). */
export type VerifyBackend = 'noble' | 'wasm' | 'fastest';

/** Options of the signature-verification pool. Plain data, so it can be copied into workers. */
export interface VerifyPoolOptions {
  /**
   * Worker threads. 0 or 1 verifies inline on the calling thread, like Bitcoin
   * Core's `-par=1`. Default: `os.availableParallelism()`.
   */
  threads?: number;
  /**
   * Most checks sent to a worker in one message. Batches shrink as the queue
   * drains so that workers finish together. Default 128, Bitcoin Core's
   * check-queue batch size.
   */
  batchSize?: number;
  /** Default `fastest`. */
  backend?: VerifyBackend;
  /**
   * Calls with fewer checks than this verify inline even when workers run: a
   * round trip to a worker costs more than a handful of verifications. Default 16.
   */
  inlineBelow?: number;
  /**
   * Workers start on the first call that needs them and end after this many
   * milliseconds without work, so that an idle node holds no threads (each
   * costs about 10 MB). 0 keeps them until stop(). Default 60000.
   */
  idleMs?: number;
}

/** {@link VerifyPoolOptions} with every default filled in. */
export type ResolvedVerifyPoolOptions = Required<VerifyPoolOptions>;

/** Defaults of {@link VerifyPoolOptions} other than `threads`, which depends on the machine. */
export const VERIFY_POOL_DEFAULTS = Object.freeze({ batchSize: 128, backend: 'fastest', inlineBelow: 16, idleMs: 60_000 } as const);

/** Stable codes of {@link VerifyOptionsError}. */
export const VERIFY_OPTIONS_ERROR_CODES = ['bad-verify-options'] as const;
export type VerifyOptionsErrorCode = typeof VERIFY_OPTIONS_ERROR_CODES[number];

/** Bad {@link VerifyPoolOptions}. Code: `bad-verify-options`. */
export class VerifyOptionsError extends TallyError<VerifyOptionsErrorCode> {}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new VerifyOptionsError('bad-verify-options', `"${name}" expected an integer ≥ ${min}, got ${value}`);
  }
  return value;
}

/**
 * Fills in defaults and validates.
 * @throws VerifyOptionsError `bad-verify-options` for a negative or fractional count, or an unknown backend.
 */
export function resolveVerifyPoolOptions(opts: VerifyPoolOptions = {}): ResolvedVerifyPoolOptions {
  const backend = opts.backend ?? VERIFY_POOL_DEFAULTS.backend;
  if (backend !== 'noble' && backend !== 'wasm' && backend !== 'fastest') {
    throw new VerifyOptionsError('bad-verify-options', `unknown backend "${String(backend)}"`);
  }
  return {
    threads: checkCount('threads', opts.threads ?? availableParallelism(), 0),
    batchSize: checkCount('batchSize', opts.batchSize ?? VERIFY_POOL_DEFAULTS.batchSize, 1),
    inlineBelow: checkCount('inlineBelow', opts.inlineBelow ?? VERIFY_POOL_DEFAULTS.inlineBelow, 0),
    idleMs: checkCount('idleMs', opts.idleMs ?? VERIFY_POOL_DEFAULTS.idleMs, 0),
    backend,
  };
}

/**
 * The verifier for a backend name.
 * @throws CryptoError `backend-unavailable` for `wasm` when tiny-secp256k1 did not load.
 */
export function verifierFor(backend: VerifyBackend): SignatureVerifier {
  return backend === 'fastest' ? getVerifier() : createVerifier(backend);
}

/*
 * Batch layout: each check takes CHECK_BYTES consecutive bytes, signature then
 * message then key. One contiguous buffer per batch is transferred, not copied,
 * and the worker reads it through subarray views: no structured clone of objects.
 */
/** Bytes of a BIP340 signature in a packed batch. */
export const SIGNATURE_BYTES = 64;
/** Bytes of a message (a BIP341 signature hash) in a packed batch. */
export const MESSAGE_BYTES = 32;
/** Bytes of an x-only public key in a packed batch. */
export const KEY_BYTES = 32;
/** Bytes per check in a packed batch. */
export const CHECK_BYTES = SIGNATURE_BYTES + MESSAGE_BYTES + KEY_BYTES;

/** `workerData` of a verify worker. */
export interface VerifyWorkerData {
  backend: VerifyBackend;
}

/** Pool → worker: `count` checks packed in `buffer` (transferred). */
export interface VerifyBatchRequest {
  buffer: ArrayBuffer;
  count: number;
}

/** Worker → pool: its backend loaded, or the index within the batch of the first failing check (-1: all pass). */
export type VerifyWorkerReply = { type: 'ready'; backend: string } | { type: 'result'; bad: number };
