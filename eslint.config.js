// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Modules that do I/O or threading; the pure layers must never import them. */
const IO_MODULES = ['level', 'classic-level', 'libp2p', '@libp2p/*', '@chainsafe/*', 'node:worker_threads',
  'worker_threads', 'node:fs', 'fs', 'node:fs/promises', 'node:net', 'node:http', 'node:child_process'];

/** Layers, lowest first. A layer may import only from layers before it (and itself). */
const LAYERS = ['primitives', 'consensus', 'chain', 'mempool', 'mining', 'node', 'p2p', 'rpc', 'metrics', 'explorer', 'cli'];
const ADAPTERS = new Set(['p2p', 'rpc', 'metrics', 'explorer', 'cli']);

/** Globals of the explorer's page scripts (plain browser JavaScript, served as is). */
const BROWSER_GLOBALS = Object.fromEntries(['window', 'document', 'location', 'fetch', 'WebSocket', 'EventTarget', 'CustomEvent',
  'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'URL', 'console'].map((name) => [name, 'readonly']));

/** Patterns of `src/<layer>` folders that a given layer must not import. */
function forbiddenFor(layer) {
  const idx = LAYERS.indexOf(layer);
  return LAYERS.filter((other, j) => {
    if (other === layer) return false;
    if (j > idx) return !(layer === 'cli' && ADAPTERS.has(other));
    // mempool and mining are siblings: neither imports the other.
    if ((layer === 'mining' && other === 'mempool') || (layer === 'mempool' && other === 'mining')) return false;
    // Adapters are siblings too, except that the CLI may drive the others.
    return ADAPTERS.has(layer) && ADAPTERS.has(other) && layer !== 'cli';
  }).map((other) => `**/${other}/**`);
}

const layerRules = LAYERS.map((layer) => {
  const pure = layer === 'primitives' || layer === 'consensus';
  const patterns = forbiddenFor(layer);
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...(patterns.length ? [{ group: patterns, message: `src/${layer} must not import a higher layer (see DEVELOPERS.md).` }] : []),
          ...(pure ? [{ group: IO_MODULES, message: 'primitives and consensus are pure: no I/O, no threads.' }] : []),
        ],
      }],
      ...(pure ? {
        'no-restricted-properties': ['error',
          { object: 'Date', property: 'now', message: 'Consensus code never reads the clock: pass time in.' },
          { object: 'performance', property: 'now', message: 'Consensus code never reads the clock: pass time in.' },
          { object: 'Math', property: 'random', message: 'Consensus code is deterministic.' }],
        'no-restricted-syntax': ['error',
          { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Consensus code never reads the clock: pass time in.' }],
        'no-restricted-globals': ['error', { name: 'process', message: 'Consensus code does not read the process environment.' }],
      } : {}),
    },
  };
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', performance: 'readonly', queueMicrotask: 'readonly', structuredClone: 'readonly', fetch: 'readonly', WebAssembly: 'readonly' } },
    rules: {
      'no-restricted-exports': ['error', { restrictDefaultExports: { direct: true, named: true, defaultFrom: true, namedFrom: true, namespaceFrom: true } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  ...layerRules,
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: { 'no-console': 'error' },
  },
  // The explorer's page: browser ES modules, not TypeScript and not Node.
  {
    files: ['src/explorer/static/**/*.js'],
    languageOptions: { sourceType: 'module', globals: BROWSER_GLOBALS },
    rules: { 'no-console': 'error' },
  },
  // Tool config files (eslint, vitest) must default-export their config.
  { files: ['*.config.js', '*.config.ts'], rules: { 'no-restricted-exports': 'off' } },
);
