/**
 * Worker thread of {@link VerifyPool}: verifies packed batches of BIP340
 * signatures (layout in verify-options.ts) and answers with the index of the
 * first failure in each batch, or -1. It keeps no state between batches, so the
 * pool may hand any batch of any call to any worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SignatureVerifier } from '../primitives/signature.js';
import {
  CHECK_BYTES,
  KEY_BYTES,
  MESSAGE_BYTES,
  SIGNATURE_BYTES,
  verifierFor,
  type VerifyBatchRequest,
  type VerifyWorkerData,
  type VerifyWorkerReply,
} from './verify-options.js';

/** Index of the first failing check among the `count` packed in `bytes`, or -1. */
function verifyPacked(bytes: Uint8Array, count: number, verifier: SignatureVerifier): number {
  for (let i = 0, o = 0; i < count; i++, o += CHECK_BYTES) {
    const msgAt = o + SIGNATURE_BYTES;
    const keyAt = msgAt + MESSAGE_BYTES;
    const ok = verifier.verifySchnorr(
      bytes.subarray(o, msgAt),
      bytes.subarray(msgAt, keyAt),
      bytes.subarray(keyAt, keyAt + KEY_BYTES),
    );
    if (!ok) return i;
  }
  return -1;
}

const port = parentPort;
if (!port) throw new Error('verify-worker must run in a worker thread');
// Throws (and so fails the pool's start) when the requested backend is unavailable.
const verifier = verifierFor((workerData as VerifyWorkerData).backend);

port.on('message', ({ buffer, count }: VerifyBatchRequest) => {
  const reply: VerifyWorkerReply = { type: 'result', bad: verifyPacked(new Uint8Array(buffer), count, verifier) };
  port.postMessage(reply);
});
port.postMessage({ type: 'ready', backend: verifier.name } satisfies VerifyWorkerReply);
