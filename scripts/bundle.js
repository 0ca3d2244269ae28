// After tsc: bundles the `tally` CLI (dist/cli/index.js) and what it imports into
// dist/bundle/, the file that `tally`, `npm start` and the tests run.
//
// Why: Node keeps the source text of every ES module it loads, with its comments,
// plus a module record for each. `tally node` loads about 1,100 modules, 5.4 MB of
// source; bundled, with whitespace and comments dropped (names kept, so stack traces
// and error names read as before), it is about 2.9 MB. An idle node's V8 heap went
// from 27 to 17 MB and its RSS from 89–93 to 75 MB (docs/OPERATING.md).
// Parts loaded with `import()` (the lab's charts, the explorer, RPC notifications)
// stay in their own files (splitting), so a node that never uses them never loads them.
//
// Our modules find files beside themselves through `import.meta.url` (worker threads,
// the explorer's static files); in a bundle that would be the bundle's URL, so each
// use is replaced by the module's own URL in dist/, computed from the bundle's. The
// worker threads themselves still run from dist/. Dependencies that find files beside
// themselves stay outside the bundle, where Node resolves them as usual: the build
// fails if a bundled dependency does so, naming it.
//
// Stack traces point into the bundle; `NODE_OPTIONS=--enable-source-maps` maps them
// back to src/ (the bundle's source maps chain tsc's).
import { build } from 'esbuild';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist${sep}bundle`;

/**
 * Dependencies loaded by Node, not bundled: they read files next to their own code
 * (a native addon, a WebAssembly file, a transport worker, executable subcommands).
 */
const EXTERNAL = ['classic-level', 'tiny-secp256k1', 'pino', 'commander'];

const FINDS_ITS_FILES = /\bimport\.meta\.url\b|\b__dirname\b|\b__filename\b/;

/** Replaces `import.meta.url` in our own modules with their URL in dist/ (see above). */
const ownUrls = {
  name: 'own-urls',
  setup(b) {
    b.onLoad({ filter: /\.(js|mjs|cjs)$/ }, (args) => {
      const contents = readFileSync(args.path, 'utf8');
      if (!FINDS_ITS_FILES.test(contents)) return undefined;
      const fromOut = relative(outdir, args.path).split(sep).join('/');
      if (fromOut.split('/').includes('node_modules')) {
        return { errors: [{ text: `${fromOut} finds files beside its own code: add its package to EXTERNAL in scripts/bundle.js` }] };
      }
      if (/\b__dirname\b|\b__filename\b/.test(contents)) {
        return { errors: [{ text: `${fromOut} uses __dirname or __filename, which an ES module does not have` }] };
      }
      return { contents: contents.replace(/\bimport\.meta\.url\b/g, `new URL(${JSON.stringify(fromOut)}, import.meta.url).href`), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { tally: `${root}dist/cli/index.js` },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  // CommonJS dependencies call require(): an ES module has none of its own.
  banner: { js: 'import { createRequire as __tallyCreateRequire } from "node:module"; const require = __tallyCreateRequire(import.meta.url);' },
  plugins: [ownUrls],
  logLevel: 'warning',
});
chmodSync(`${outdir}${sep}tally.js`, 0o755);
