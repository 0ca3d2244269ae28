/**
 * Entry point of a miner worker thread: hashes the ranges the parent sends,
 * checking the shared generation between chunks so that abandoned work stops
 * within one chunk. Holds no handles besides its port, so it ends when the
 * parent terminates it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { HeaderHasher } from './sha256-header.js';
import type { MinerWorkerData, WorkRequest, WorkResult } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('miner-worker.js must be started as a worker thread');
const control = new Int32Array((workerData as MinerWorkerData).control);

let hasher: HeaderHasher | undefined;
let hasherKey = '';

port.on('message', (req: WorkRequest) => port.postMessage(runRange(req)));

function runRange(req: WorkRequest): WorkResult {
  const key = `${req.gen}:${req.jobId}`;
  if (!hasher) hasher = new HeaderHasher(req.header);
  else if (key !== hasherKey) hasher.setHeader(req.header);
  hasherKey = key;
  let hashes = 0;
  for (let start = req.start; start <= req.end; start += req.chunkSize) {
    if (Atomics.load(control, 0) !== req.gen) break;
    const end = Math.min(start + req.chunkSize - 1, req.end);
    const nonce = hasher.findNonce(req.target, start, end);
    if (nonce >= 0) return { gen: req.gen, jobId: req.jobId, nonce, hashes: hashes + nonce - start + 1 };
    hashes += end - start + 1;
  }
  return { gen: req.gen, jobId: req.jobId, nonce: -1, hashes };
}
