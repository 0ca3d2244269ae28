/**
 * Starting a worker thread on a module next to the caller's, both from sources
 * (vitest, `tsx`: modules are `.ts`) and from the build (`dist`: modules are `.js`).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** True when the module at `moduleUrl` runs from TypeScript sources rather than from `dist`. */
export function isTypeScriptModule(moduleUrl: string): boolean {
  return new URL(moduleUrl).pathname.endsWith('.ts');
}

/**
 * The `--import` argument that registers tsx's loader in a new thread (Node ≥ 20.6).
 * Resolved from the calling module rather than left as the bare `tsx`, because
 * Node resolves a bare `--import` specifier against the current directory, which
 * need not be the package root.
 */
function tsxImport(moduleUrl: string): string {
  try {
    return pathToFileURL(createRequire(moduleUrl).resolve('tsx')).href;
  } catch {
    return 'tsx';
  }
}

/**
 * Starts a worker on the sibling module `name` (no extension) of the module at
 * `moduleUrl` (pass `import.meta.url`). From sources the worker runs the `.ts`
 * file with tsx's loader, since a bare Node thread cannot load TypeScript; from
 * `dist` it runs the `.js` file with the caller's `execArgv`.
 */
export function createSiblingWorker(moduleUrl: string, name: string, options: WorkerOptions = {}): Worker {
  if (!isTypeScriptModule(moduleUrl)) return new Worker(new URL(`./${name}.js`, moduleUrl), options);
  const execArgv = [...(options.execArgv ?? []), '--import', tsxImport(moduleUrl)];
  return new Worker(new URL(`./${name}.ts`, moduleUrl), { ...options, execArgv });
}
