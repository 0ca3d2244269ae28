/** Temporary directories for tests that use real LevelDB databases; removed after each test file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A fresh temporary directory, deleted when the test file finishes. */
export function tempDir(label = 'tally'): string {
  const dir = mkdtempSync(join(tmpdir(), `${label}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
