/**
 * Output that may close under the node. With `tally node | tee log`, Ctrl-C
 * ends `tee` as well, and the node's next write to the pipe fails with EPIPE;
 * unheard, that error ends the process before it can stop cleanly (a stale
 * `.cookie`, no `mempool.dat`). Logs are the node's least important output:
 * once their reader is gone they are dropped, and the node runs on or stops
 * as it was told to.
 */

const guarded = new WeakSet<NodeJS.WritableStream>();

/**
 * Keeps a write error on `stream` (EPIPE, EIO, a destroyed stream) from
 * ending the process: the stream is left closed and later writes are dropped
 * by it. Safe to call more than once for the same stream.
 */
export function tolerateClosedOutput(stream: NodeJS.WritableStream): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  // Nothing to report to: the failing stream is where the report would go.
  stream.on('error', () => undefined);
}
