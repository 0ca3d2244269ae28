import { SyncError } from './errors.js';

/**
 * Runs `call` with a signal that aborts after `timeoutMs` without progress, or with `parent`.
 * `call` reports progress with `touch()`, which restarts the timer: a reply that streams
 * blocks one by one times out only when no block comes for `timeoutMs`, so a timeout loses
 * the block in flight, never the ones already received.
 * `firstMs` bounds the wait for the first progress (a reply queued behind others on the same link).
 * `timeoutMs` may be a function, asked again at each restart: what the wait should be can change
 * while a reply streams (the blocks turn out larger than expected, the link carries more replies).
 * Settles as soon as the signal aborts, even if `call` ignores it, so a misbehaving
 * transport cannot leave sync waiting.
 */
export function timedCall<T>(
  call: (signal: AbortSignal, touch: () => void) => Promise<T>, timeoutMs: number | (() => number), parent: AbortSignal,
  firstMs = typeof timeoutMs === 'number' ? timeoutMs : timeoutMs(),
): Promise<T> {
  const waitMs = typeof timeoutMs === 'number' ? () => timeoutMs : timeoutMs;
  const controller = new AbortController();
  const { signal } = controller;
  const onParent = (): void => controller.abort(parent.reason);
  let current = firstMs;
  const expire = (): void => controller.abort(new SyncError('request-timeout', `nothing received for ${current} ms`));
  let timer = setTimeout(expire, firstMs);
  const touch = (): void => {
    if (signal.aborted) return;
    clearTimeout(timer);
    current = waitMs();
    timer = setTimeout(expire, current);
  };
  return new Promise<T>((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParent);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      cleanup();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    if (parent.aborted) return onParent();
    parent.addEventListener('abort', onParent, { once: true });
    let reply: Promise<T>;
    try {
      reply = call(signal, touch);
    } catch (err) {
      cleanup();
      return reject(err);
    }
    reply.then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (err: unknown) => {
        cleanup();
        reject(err);
      },
    );
  });
}
