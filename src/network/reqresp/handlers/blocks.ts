/**
 * Answers a blocks request (PROTOCOL.md §9.1) with the stored bytes of each
 * block, as they are: blocks were checked when stored, so serving one costs a
 * database read, not a decode, a check and a re-encode. Blocks are read one at
 * a time and each is written, and has left our buffers for the connection,
 * before the next is read, so a peer that stops reading holds at most one
 * block of ours per request. What all requests hold together is bounded per
 * peer and in total ({@link ServeBudget}); the bytes sent count against the
 * peer's byte rate, and a reply over it waits between blocks. A reply stops as
 * soon as its request times out or its stream closes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LogWriter } from '../../../util/logger.js';
import { isFatalStorageError } from '../../../chain/index.js';
import { P2PError } from '../../errors.js';
import { decodeBlockRequest, encodeCount } from '../messages.js';
import { timeoutSignal, type Framed } from '../protocols.js';
import type { ServeBudget } from '../serve-budget.js';
import type { RequestHandler } from '../server.js';

export interface BlockServerOptions {
  /** The largest block (a frame): what is reserved for a block before its size is known. */
  maxMessageSize: number;
}

export interface BlockServerModules {
  chain: {
    hasBlock(hash: string): boolean;
    /** A stored block's bytes; undefined when it is not stored. */
    getBlockBytes(hash: string): Promise<Uint8Array | undefined>;
  };
  budget: ServeBudget;
  /** The byte rate per peer (the peer store). */
  rate: {
    chargeServed(peer: string, bytes: number, nowMs: number): void;
    serveDelayMs(peer: string, nowMs: number): number;
  };
  /** Milliseconds on a monotonic clock (performance.now). */
  nowMs: () => number;
  logger: LogWriter;
}

export class BlockServer {
  constructor(
    private readonly opts: BlockServerOptions,
    private readonly modules: BlockServerModules,
  ) {}

  /**
   * Writes the count of the blocks in `hashes` that are stored, then each of them in
   * request order. `signal` is the request's deadline.
   * @throws P2PError request-timeout, peer-unavailable; ChainError db-corrupt and other storage errors
   */
  async serve(framed: Framed, peer: string, hashes: readonly string[], signal: AbortSignal): Promise<void> {
    const stored = hashes.filter((hash) => this.modules.chain.hasBlock(hash));
    const closed = new AbortController();
    const onClose = () => closed.abort(new P2PError('peer-unavailable', 'the request stream closed'));
    framed.stream.addEventListener('close', onClose);
    const stop = AbortSignal.any([signal, closed.signal]);
    try {
      await framed.write(encodeCount(stored.length), stop);
      for (const hash of stored) await this.serveOne(framed, peer, hash, stop);
    } catch (err) {
      if (isFatalStorageError(err)) this.modules.logger.error({ peer, err: err.message, code: err.code }, 'cannot serve a stored block');
      throw stop.aborted ? reasonOf(stop) : err;
    } finally {
      framed.stream.removeEventListener('close', onClose);
    }
  }

  private async serveOne(framed: Framed, peer: string, hash: string, signal: AbortSignal): Promise<void> {
    const { budget, chain, rate, nowMs } = this.modules;
    const delay = rate.serveDelayMs(peer, nowMs());
    if (delay > 0) await sleep(delay, undefined, { signal });
    // Reserved before reading, at the largest size: the block's size is known only once read.
    // A reply that holds its lease past the drain deadline while others wait is ended (serve-budget.ts).
    const preempted = new AbortController();
    const lease = await budget.acquire(peer, this.opts.maxMessageSize, signal, () =>
      preempted.abort(new P2PError('request-timeout', 'the reply was ended: the peer did not read it while others waited')));
    signal = AbortSignal.any([signal, preempted.signal]);
    try {
      signal.throwIfAborted();
      const bytes = await chain.getBlockBytes(hash);
      if (!bytes) throw new P2PError('aborted', `block ${hash} is no longer stored`);
      lease.resize(bytes.length);
      signal.throwIfAborted();
      await framed.write(bytes, signal);
      await framed.flushed(signal);
      rate.chargeServed(peer, bytes.length, nowMs());
    } finally {
      lease.release();
    }
  }
}

/** Why `signal` fired, as a P2PError: the request's deadline, or the stream closing. */
function reasonOf(signal: AbortSignal): Error {
  const reason = signal.reason as { name?: string; code?: string } | undefined;
  if (reason instanceof P2PError) return reason;
  return new P2PError('request-timeout', reason?.name === 'TimeoutError' ? 'the request timed out' : 'the request was aborted');
}

export interface BlocksHandlerModules {
  requestTimeoutMs: number;
  server: BlockServer;
  isHandshaked(peer: string): boolean;
}

/** The blocks protocol (PROTOCOL.md §9.1): the request is read here, the reply is the block server's. */
export function blocksHandler(modules: BlocksHandlerModules): RequestHandler {
  return async (framed, peer) => {
    const signal = timeoutSignal(modules.requestTimeoutMs);
    const hashes = decodeBlockRequest(await framed.read(signal));
    if (!modules.isHandshaked(peer)) throw new P2PError('no-handshake', 'blocks requested before the status handshake');
    await modules.server.serve(framed, peer, hashes, signal);
  };
}
