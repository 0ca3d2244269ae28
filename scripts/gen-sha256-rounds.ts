/**
 * Regenerates the miner's unrolled SHA-256 compressions from
 * scripts/sha256-rounds.ts, which explains how they are derived:
 *
 *   npm run gen:sha256                              # rewrites src/mining/sha256-outer.ts and sha256-tail.ts
 *   npx tsx scripts/gen-sha256-rounds.ts --check    # exits 1 when either differs from what it would write
 *
 * Edit the generator, not the generated files: test/unit/mining/sha256-generated.test.ts
 * fails when the two disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SHA256_GENERATED_FILES, firstDifference } from './sha256-rounds.js';

const ROOT = new URL('../', import.meta.url);

function readIfExists(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** A unified-diff-like hint at the first line where the file and the generator part. */
function staleHint(path: string, committed: string | null, generated: string): string | null {
  if (committed === null) return `${path} is missing`;
  const diff = firstDifference(committed, generated);
  if (diff === null) return null;
  const show = (sign: string, line: string | undefined): string => (line === undefined ? `${sign}(end of file)` : `${sign}${line}`);
  return [
    `--- ${path} (on disk)`,
    `+++ ${path} (generated)`,
    `@@ -${diff.line} +${diff.line} @@`,
    show('-', diff.expected),
    show('+', diff.actual),
  ].join('\n');
}

function main(argv: readonly string[]): number {
  const unknown = argv.filter((arg) => arg !== '--check');
  if (unknown.length > 0) {
    process.stderr.write(`unknown argument ${unknown[0]}\nusage: gen-sha256-rounds [--check]\n`);
    return 2;
  }
  const check = argv.includes('--check');
  let stale = 0;
  for (const { path, render } of SHA256_GENERATED_FILES) {
    const file = fileURLToPath(new URL(path, ROOT));
    const generated = render();
    const hint = staleHint(path, readIfExists(file), generated);
    if (hint === null) {
      if (!check) process.stderr.write(`${path} is up to date\n`);
      continue;
    }
    if (check) {
      stale++;
      process.stderr.write(`${hint}\n`);
      continue;
    }
    writeFileSync(file, generated);
    process.stderr.write(`wrote ${path}\n`);
  }
  if (stale > 0) process.stderr.write(`${stale} generated file(s) out of date: run \`npm run gen:sha256\`\n`);
  return stale > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
