/** libp2p's refusal of the listen addresses, as the node's one-line ListenError. */
import { listenError, type ListenError } from '../node/listen-error.js';

/** The errors libp2p 3 throws from `start()` when it cannot listen (libp2p/src/errors.ts). */
const LISTEN_FAILURES = new Set(['UnsupportedListenAddressesError', 'NoValidAddressesError']);

/**
 * `err` as a ListenError when libp2p could not listen, else unchanged.
 * libp2p reports the failed addresses only in its message text, one per line
 * (`  /ip4/0.0.0.0/tcp/28444: Error: listen EADDRINUSE: ...`); an address it
 * does not name falls back to the configured list.
 */
export function p2pListenError(listen: readonly string[], err: unknown): unknown {
  if (!(err instanceof Error) || !LISTEN_FAILURES.has(err.name)) return err;
  const failed = [...err.message.matchAll(/^\s*(\/\S+): (.*)$/gm)].map((m) => ({ addr: m[1]!, text: m[2]! }));
  const first = failed.find((f) => f.text.includes('EADDRINUSE')) ?? failed[0];
  const errno = first?.text.match(/\bE[A-Z]{2,}\b/)?.[0];
  const detail = first?.text ?? err.message.split('\n')[0]!;
  return listenError({ service: 'P2P', address: first?.addr ?? listen.join(' '), option: '--listen' }, errno, detail) satisfies ListenError;
}
