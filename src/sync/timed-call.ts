import { SyncError } from './errors.js';

/**
 * Runs `call` with a signal that aborts after `timeoutMs` or with `parent`.
 * Settles as soon as the signal aborts, even if `call` ignores it, so a
 * misbehaving transport cannot leave sync waiting.
 */
export function timedCall<T>(call: (signal: AbortSignal) => Promise<T>, timeoutMs: number, parent: AbortSignal): Promise<T> {
  const controller = new AbortController();
  const { signal } = controller;
  const onParent = (): void => controller.abort(parent.reason);
  const timer = setTimeout(() => controller.abort(new SyncError('request-timeout', `no reply within ${timeoutMs} ms`)), timeoutMs);
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
      reply = call(signal);
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
