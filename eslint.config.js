// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Modules that do I/O or threading; the pure layers must never import them. */
const IO_MODULES = ['libp2p', '@libp2p/*', '@chainsafe/*', 'node:worker_threads',
  'worker_threads', 'node:fs', 'fs', 'node:fs/promises', 'node:net', 'node:http', 'node:child_process'];

/** LevelDB: only the storage owners open a database, so no other folder can bypass their key layout. */
const STORAGE_MODULES = ['level', 'classic-level'];
/** The folders that own a database (src/wallet will hold the wallet's own). */
const STORAGE_OWNERS = ['src/chain/**', 'src/wallet/**'];

/** The core, lowest first; `node` here is the node itself, not its composition root. */
const CORE = ['util', 'primitives', 'consensus', 'chain', 'mempool', 'mining', 'node'];
/** Adapters: they see the chain only through its public face (`chain/index.ts`) and `node/interface.ts`. */
const ADAPTERS = ['sync', 'network', 'rpc', 'metrics', 'explorer', 'cli'];
/** The consensus lab: Tally's real chain rules on a simulated network, for students; no node, no I/O but its worker threads and reports. */
const LAB = ['lab'];
/** The node's wallet: its own LevelDB, fed by chain events through src/wallet/interface.ts. */
const WALLET = ['wallet'];
/** The faucet: pays from a wallet under limits; writes its history with the node's atomic-file helper only. */
const FAUCET = ['faucet'];
const FOLDERS = [...CORE, ...ADAPTERS, ...LAB, ...WALLET, ...FAUCET];

/**
 * What each layer may import besides itself; every other folder of src/ is off limits.
 * rpc, metrics and explorer are siblings that reach the node through node/interface.ts; the CLI drives them all.
 */
const LAYERS = [
  { layer: 'util', may: [] },
  { layer: 'primitives', may: ['util'], pure: true },
  { layer: 'consensus', may: ['util', 'primitives'], pure: true },
  { layer: 'chain', may: CORE.slice(0, 3) },
  // mempool and mining are siblings: neither imports the other.
  { layer: 'mempool', may: CORE.slice(0, 4) },
  { layer: 'mining', may: CORE.slice(0, 4) },
  { layer: 'node', may: CORE.slice(0, 6), ignores: ['src/node/wire.ts', 'src/node/options/**'] },
  // Sync sits below the network but talks to it through its interface types and takes penalties from its one verdict function.
  { layer: 'sync', may: CORE, except: ['!**/network/interface.js', '!**/network/penalty.js'] },
  { layer: 'network', may: [...CORE, 'sync'] },
  { layer: 'rpc', may: [...CORE, 'wallet', 'faucet'] },
  { layer: 'metrics', may: CORE },
  { layer: 'explorer', may: CORE },
  { layer: 'lab', may: CORE.slice(0, 4) },
  // The wallet reads the chain only through its public face, and the node only through wallet/interface.ts.
  { layer: 'wallet', may: CORE.slice(0, 4), except: ['**/chain/**', '!**/chain/index.js'] },
  { layer: 'faucet', may: [...CORE.slice(0, 3), 'wallet', 'node'], except: ['**/node/**', '!**/node/atomic-file.js'] },
  { layer: 'cli', may: FOLDERS },
  // The composition root: wire.ts and the per-service option modules build the adapters, so they sit above them (not above the CLI).
  { layer: 'composition root', files: ['src/node/wire.ts', 'src/node/options/**/*.ts'], may: FOLDERS.filter((f) => f !== 'cli') },
];

const storageGroup = { group: STORAGE_MODULES, message: 'Only the storage owners (src/chain, src/wallet) import LevelDB: go through their API.' };
const chainInternalsGroup = {
  group: ['**/chain/**', '!**/chain/index.js'],
  message: 'Adapters do not import src/chain internals: use chain/index.js or node/interface.js.',
};

const wholeNodeGroup = {
  group: ['**/node/node.js', '**/node/index.js', '**/node/wire.js', '**/node/options/**'],
  message: 'Services and adapters receive the narrow interfaces of node/interface.js, not TallyNode or the composition root that builds them.',
};

/** The no-restricted-imports patterns of one layer (one list: a later config would replace, not merge, the rule). */
function importPatterns({ layer, may, pure = false, except = [] }) {
  const name = layer === 'composition root' ? 'node' : layer;
  const banned = FOLDERS.filter((f) => f !== name && !may.includes(f)).map((f) => `**/${f}/**`);
  const isStorageOwner = name === 'chain' || name === 'wallet';
  return [
    ...(banned.length ? [{ group: [...banned, ...except], message: `src/${layer} must not import that layer (see docs/ARCHITECTURE.md).` }] : []),
    ...(pure ? [{ group: IO_MODULES, message: 'primitives and consensus are pure: no I/O, no threads.' }] : []),
    ...(isStorageOwner ? [] : [storageGroup]),
    ...(ADAPTERS.includes(name) ? [chainInternalsGroup] : []),
    ...(ADAPTERS.includes(name) && name !== 'cli' ? [wholeNodeGroup] : []),
  ];
}

const PURE_RULES = {
  'no-restricted-properties': ['error',
    { object: 'Date', property: 'now', message: 'Consensus code never reads the clock: pass time in.' },
    { object: 'performance', property: 'now', message: 'Consensus code never reads the clock: pass time in.' },
    { object: 'Math', property: 'random', message: 'Consensus code is deterministic.' }],
  'no-restricted-syntax': ['error',
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Consensus code never reads the clock: pass time in.' }],
  'no-restricted-globals': ['error', { name: 'process', message: 'Consensus code does not read the process environment.' }],
};

const layerRules = LAYERS.map((spec) => ({
  files: spec.files ?? [`src/${spec.layer}/**/*.ts`],
  ...(spec.ignores ? { ignores: spec.ignores } : {}),
  rules: {
    'no-restricted-imports': ['error', { patterns: importPatterns(spec) }],
    ...(spec.pure ? PURE_RULES : {}),
  },
}));

/** Globals of the explorer's page scripts (plain browser JavaScript, served as is). */
const BROWSER_GLOBALS = Object.fromEntries(['window', 'document', 'location', 'fetch', 'WebSocket', 'EventTarget', 'CustomEvent',
  'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'URL', 'console'].map((name) => [name, 'readonly']));

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
  // Files outside the layers (src/index.ts, a new folder) still may not open LevelDB.
  { files: ['src/**/*.ts'], ignores: STORAGE_OWNERS, rules: { 'no-restricted-imports': ['error', { patterns: [storageGroup] }] } },
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
