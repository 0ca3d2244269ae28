/**
 * Small modules with one job: no hand-written file in src/ is over 300 lines.
 * The SHA-256 rounds are generated (scripts/gen-sha256-rounds.ts) and exempt.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../../src', import.meta.url));
const MAX_LINES = 300;
const GENERATED = new Set(['mining/sha256-outer.ts', 'mining/sha256-tail.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|js)$/.test(entry.name) ? [path] : [];
  });
}

describe('size of src/ files', () => {
  it(`keeps every hand-written file at ${MAX_LINES} lines or fewer`, () => {
    const over = sourceFiles(SRC)
      .map((path) => ({ file: relative(SRC, path).split('\\').join('/'), lines: readFileSync(path, 'utf8').split('\n').length - 1 }))
      .filter(({ file, lines }) => !GENERATED.has(file) && lines > MAX_LINES);
    expect(over).toEqual([]);
  });
});
