/**
 * Runtime polyfills, imported first by every entry point and by the test setup.
 *
 * Why: libp2p 3 calls `Promise.withResolvers`, which arrived in Node 22. Tally
 * supports Node 20.19+, so we add the standard ES2024 behaviour when missing.
 * Keep this file free of imports so it can run before anything else loads.
 */
interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

const PromiseCtor = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> };

if (typeof PromiseCtor.withResolvers !== 'function') {
  PromiseCtor.withResolvers = function withResolvers<T>(): Resolvers<T> {
    let resolve!: Resolvers<T>['resolve'];
    let reject!: Resolvers<T>['reject'];
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

export {};
