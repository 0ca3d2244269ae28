/**
 * Starting a worker thread on a module next to the caller's, both from sources
 * (vitest, tsx: modules are `.ts`) and from the build (`dist`: modules are `.js`).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** True when the module at `moduleUrl` runs from TypeScript sources rather than from `dist`. */
export function isTypeScriptModule(moduleUrl: string): boolean {
  return new URL(moduleUrl).pathname.endsWith('.ts');
}

/**
 * Code for a worker that loads the TypeScript module `target`: it registers
 * tsx's ESM hooks in the worker's own thread, then imports the module.
 *
 * `execArgv: ['--import', 'tsx']` would be simpler, but Node 20 ignores loader
 * hooks registered from a worker's execArgv (nodejs/node#47747): the worker
 * then fails with ERR_UNKNOWN_FILE_EXTENSION. tsx's API is resolved here, not
 * in the worker, where a bare specifier would resolve from the current
 * directory, which need not be the package root.
 */
function tsBootstrap(target: URL): string {
  const tsxApi = tsxApiUrl();
  // A rejection here is unhandled, so it surfaces as the worker's 'error' event.
  return `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(target.href)}); });`;
}

/**
 * Starts a worker on the sibling module `name` (no extension) of the module at
 * `moduleUrl` (pass `import.meta.url`): the `.js` file from `dist`, the `.ts`
 * file through tsx from sources (which needs tsx installed, a devDependency).
 */
export function createSiblingWorker(moduleUrl: string, name: string, options: WorkerOptions = {}): Worker {
  if (!isTypeScriptModule(moduleUrl)) return new Worker(new URL(`./${name}.js`, moduleUrl), options);
  return new Worker(tsBootstrap(new URL(`./${name}.ts`, moduleUrl)), { ...options, eval: true });
}

/** URL of tsx's ESM API (`tsx/esm/api`, import condition). tsx is a devDependency: only sources need it. */
function tsxApiUrl(): string {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    // Module runners without import.meta.resolve: resolve through CommonJS,
    // which picks the package's `require` build; its ESM twin sits beside it.
    const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
    return pathToFileURL(cjs.replace(/\.cjs$/, '.mjs')).href;
  }
}
