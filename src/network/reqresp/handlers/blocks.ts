/**
 * Answers a blocks request (PROTOCOL.md §9.1) with the stored bytes of each
 * block, as they are: blocks were checked when stored, so serving one costs a
 * database read, not a decode, a check and a re-encode. Blocks are read in runs
 * of consecutive blocks up to about 60 kB ({@link RUN_BYTES}; a larger block
 * ends its run), and a run is written at once, each block still its own frame.
 * Each run is written, and has left our buffers for the connection, before the
 * one after the next is read (one is read ahead, so the link never waits for the
 * database), so a peer that stops reading holds at most two runs of ours per
 * request. What all requests hold together is bounded per peer and in total
 * ({@link ServeBudget}); the bytes sent count against the peer's byte rate, and
 * a reply over it waits between blocks (a run ends there). A reply stops as soon
 * as one run takes longer than the timeout to be read and go out, or its stream
 * closes: the deadline is per run, not per reply, since a reply of many large
 * blocks may honestly take longer than any fixed bound on a slow link, and
 * ending it there would make the peer fetch again what was already sent.
 * A peer's replies go out one at a time, in the order it asked (takeTurn).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LogWriter } from '../../../util/logger.js';
import { isFatalStorageError } from '../../../chain/index.js';
import { P2PError } from '../../errors.js';
import { decodeBlockRequest, encodeCount } from '../messages.js';
import { timeoutSignal, type Framed } from '../protocols.js';
import { ReplyDeadlines } from '../reply-deadlines.js';
import type { Lease, ServeBudget } from '../serve-budget.js';
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
  /** Per peer, the end of the last reply queued: the next one starts after it. */
  private readonly turns = new Map<string, Promise<void>>();
  private waiting = 0;

  constructor(
    private readonly opts: BlockServerOptions,
    private readonly modules: BlockServerModules,
  ) {}

  /**
   * Writes the count of the blocks in `hashes` that are stored, then each of them in
   * request order, once the peer's earlier replies are out (within `stepTimeoutMs`). Each step
   * (the count, then each run of blocks: waiting for room, reading, writing and flushing it)
   * must end within `stepTimeoutMs`.
   * @throws P2PError request-timeout, peer-unavailable; ChainError db-corrupt and other storage errors
   */
  async serve(framed: Framed, peer: string, hashes: readonly string[], stepTimeoutMs: number): Promise<void> {
    // One signal and one timer for the whole reply (reply-deadlines.ts), each step still bounded alone.
    const deadlines = new ReplyDeadlines(stepTimeoutMs, this.modules.nowMs);
    const stop = deadlines.signal;
    const onClose = () => deadlines.abort(new P2PError('peer-unavailable', 'the request stream closed'));
    framed.stream.addEventListener('close', onClose);
    // Waiting for its turn is bounded like any step: a peer that stops reading holds up its own requests only so long.
    let endStep = deadlines.begin();
    const turn = this.takeTurn(peer, stop);
    try {
      await turn.ready;
      endStep();
      const stored = hashes.filter((hash) => this.modules.chain.hasBlock(hash));
      endStep = deadlines.begin();
      await framed.write(encodeCount(stored.length), stop);
      endStep();
      // A run's step runs from the start of its first read to the end of its send.
      let nextStep = deadlines.begin();
      let next = stored.length > 0 ? this.fetchRun(peer, stored, 0, deadlines) : undefined;
      while (next) {
        endStep = nextStep;
        const current = await next;
        // The next run is read while this one goes out (a peer's replies go one at a time, so a read
        // that waited for each send would idle the link): a reply holds at most two runs of ours.
        nextStep = deadlines.begin();
        next = current.end < stored.length ? this.fetchRun(peer, stored, current.end, deadlines) : undefined;
        next?.catch(() => undefined); // awaited at the next turn of the loop, or released below
        try {
          await this.send(framed, current.blocks.map((b) => b.bytes), stop);
          endStep();
        } catch (err) {
          void next?.then(releaseRun, () => undefined);
          throw err;
        } finally {
          releaseRun(current);
        }
      }
    } catch (err) {
      if (isFatalStorageError(err)) this.modules.logger.error({ peer, err: err.message, code: err.code }, 'cannot serve a stored block');
      throw stop.aborted ? reasonOf(stop) : err;
    } finally {
      deadlines.dispose();
      turn.done();
      framed.stream.removeEventListener('close', onClose);
    }
  }

  /** Requests waiting for their turn (another reply to the same peer goes out first). */
  get waitingTurns(): number {
    return this.waiting;
  }

  /**
   * One reply at a time per peer, in the order asked: its requests share one link, so serving them
   * side by side would only make each slower, and a request still waiting here has cost nothing
   * yet, so the peer may cancel it (close its stream) to ask another peer instead.
   */
  private takeTurn(peer: string, stop: AbortSignal): { ready: Promise<void>; done: () => void } {
    const before = this.turns.get(peer) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = before.then(() => mine);
    this.turns.set(peer, tail);
    void tail.then(() => {
      if (this.turns.get(peer) === tail) this.turns.delete(peer);
    });
    this.waiting++;
    const ready = new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(stop.reason as Error);
      if (stop.aborted) return onAbort();
      stop.addEventListener('abort', onAbort, { once: true });
      void before.then(() => {
        stop.removeEventListener('abort', onAbort);
        resolve();
      });
    });
    void ready.then(() => this.waiting--, () => this.waiting--);
    return { ready, done };
  }

  /**
   * Reads a block under a lease of the budget (the rate's wait first); the lease is the caller's to
   * release. A lease preempted by the budget ends the whole reply, which is what preempting is for.
   */
  private async fetch(peer: string, hash: string, deadlines: ReplyDeadlines): Promise<{ bytes: Uint8Array; lease: Lease }> {
    const { budget, chain, rate, nowMs } = this.modules;
    const signal = deadlines.signal;
    const delay = rate.serveDelayMs(peer, nowMs());
    if (delay > 0) await sleep(delay, undefined, { signal });
    // Reserved before reading, at the largest size: the block's size is known only once read.
    // A reply that holds its lease past the drain deadline while others wait is ended (serve-budget.ts).
    const lease = await budget.acquire(peer, this.opts.maxMessageSize, signal, () =>
      deadlines.abort(new P2PError('request-timeout', 'the reply was ended: the peer did not read it while others waited')));
    try {
      signal.throwIfAborted();
      const bytes = await chain.getBlockBytes(hash);
      if (!bytes) throw new P2PError('aborted', `block ${hash} is no longer stored`);
      lease.resize(bytes.length);
      // Charged once read, not once sent: the next block's wait must count this one, which is read ahead.
      rate.chargeServed(peer, bytes.length, nowMs());
      return { bytes, lease };
    } catch (err) {
      lease.release();
      throw err;
    }
  }

  /**
   * Reads the blocks of `hashes` from `start` on, one at a time, until they make {@link RUN_BYTES}
   * or the list ends, or the next would wait for the peer's byte rate. A block that cannot be read
   * ends the run before it: the blocks read go out, and the next run meets the failure.
   */
  private async fetchRun(peer: string, hashes: readonly string[], start: number, deadlines: ReplyDeadlines): Promise<Run> {
    const { rate, nowMs } = this.modules;
    const blocks: Run['blocks'] = [];
    let bytes = 0;
    let at = start;
    try {
      while (at < hashes.length && bytes < RUN_BYTES) {
        if (blocks.length > 0 && rate.serveDelayMs(peer, nowMs()) > 0) break;
        const block = await this.fetch(peer, hashes[at]!, deadlines);
        blocks.push(block);
        bytes += block.bytes.length;
        at++;
      }
    } catch (err) {
      if (blocks.length === 0) throw err;
    }
    return { blocks, end: at };
  }

  /** Writes the blocks of a run, each its own frame, and waits until they have left for the connection. */
  private async send(framed: Framed, blocks: readonly Uint8Array[], signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    await framed.writeMany(blocks, signal);
    await framed.flushed(signal);
  }
}

/**
 * Consecutive blocks of a reply read ahead and written together, up to about this many bytes:
 * one write, so one yamux frame and one noise message (which holds up to 65,535 bytes) for a
 * run of small blocks, where a write each cost the sender and the reader a trip through libp2p's
 * muxer and encryption per block. A block larger than this still goes out as one write.
 */
export const RUN_BYTES = 60_000;

/** Blocks read by {@link BlockServer.fetchRun}, each under its lease. */
interface Run {
  blocks: { bytes: Uint8Array; lease: Lease }[];
  /** Index in the request's list of the block after the run. */
  end: number;
}

function releaseRun(run: Run): void {
  for (const block of run.blocks) block.lease.release();
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
    const hashes = decodeBlockRequest(await framed.read(timeoutSignal(modules.requestTimeoutMs)));
    if (!modules.isHandshaked(peer)) throw new P2PError('no-handshake', 'blocks requested before the status handshake');
    await modules.server.serve(framed, peer, hashes, modules.requestTimeoutMs);
  };
}
