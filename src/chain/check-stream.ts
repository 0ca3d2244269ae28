/**
 * Verifying a block's signature checks while the rest are still being collected.
 * Collecting them (one BIP341 sighash per input, on the main thread) takes about
 * a tenth of verifying them; a block of 2,000 inputs spent 35-50 ms there, every
 * worker idle, before its first check reached the pool. Bitcoin Core's
 * ConnectBlock likewise hands each transaction's script checks to its check queue
 * as it reaches them.
 *
 * The checks go to the verifier in chunks, each its own call: the verdict is the
 * first failure any chunk reports (its index in the whole list), or -1 once every
 * chunk passed. A chunk's failure answers at once; the other chunks run on, and
 * their answers are dropped.
 */
import type { SignatureCheck } from '../consensus/signatures.js';
import type { BatchVerifier } from './types.js';

/**
 * Checks collected before a chunk goes out. The pool hands out batches only when this
 * thread is free to read its workers' answers, which is not until the block's checks
 * are all collected and its sanity checked: the first chunk must keep both workers busy
 * that long. Of 512 checks, the two batches per worker handed out at once hold 350: 35
 * to 45 ms of verifying per worker on the 2-core machine, while the other 1,500 inputs
 * of a 2,000-input block and its sanity checks take this thread about 30 ms.
 */
export const STREAM_CHUNK_CHECKS = 512;

export class CheckStream {
  /** Checks of the list handed to the verifier so far. */
  private sent = 0;
  private readonly parts: Promise<number>[] = [];

  constructor(
    private readonly verifier: BatchVerifier,
    private readonly chunk: number = STREAM_CHUNK_CHECKS,
  ) {}

  /**
   * To be called as `checks` grows, with the whole list so far: hands what was added since the
   * last chunk to the verifier once it makes a chunk. Bound, so it can be passed as a callback.
   */
  readonly onChecks = (checks: readonly SignatureCheck[]): void => {
    if (checks.length - this.sent >= this.chunk) this.send(checks);
  };

  /**
   * Hands the rest of `checks` (the complete list) to the verifier. Resolves to the index in
   * `checks` of an invalid one, or -1 when all are valid; rejects with the first chunk's rejection.
   */
  finish(checks: readonly SignatureCheck[]): Promise<number> {
    if (checks.length > this.sent || this.parts.length === 0) this.send(checks);
    const parts = this.parts;
    return new Promise<number>((resolve, reject) => {
      let waiting = parts.length;
      for (const part of parts) {
        part.then((bad) => {
          if (bad >= 0) resolve(bad);
          else if (--waiting === 0) resolve(-1);
        }, reject);
      }
    });
  }

  /**
   * Drops the chunks sent: for a collection that ended in a broken rule, whose verdict nobody
   * awaits. Their rejections (a stopped pool) are handled here.
   */
  abandon(): void {
    for (const part of this.parts.splice(0)) part.catch(() => undefined);
  }

  private send(checks: readonly SignatureCheck[]): void {
    const offset = this.sent;
    // A copy: the caller goes on adding to `checks`, and the pool reads a call's list as it hands out batches.
    const chunk = checks.slice(offset);
    this.sent = checks.length;
    const part = this.verifier.verify(chunk).then((bad) => (bad >= 0 ? bad + offset : -1));
    // finish() or abandon() handles it; until then an early rejection must not go unhandled.
    part.catch(() => undefined);
    this.parts.push(part);
  }
}
