/**
 * The bundled CLI (dist/bundle/, scripts/bundle.js), which `tally`, `npm start`
 * and every other end-to-end test run: it is what package.json ships, it runs
 * through its own shebang, and each file our modules find beside themselves
 * (worker threads, the explorer's page) is one that dist/ holds.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/node-process.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bundleDir = join(root, 'dist', 'bundle');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string>; scripts: Record<string, string> };

describe('the bundled CLI', () => {
  it('is what package.json runs, and what the tests run', () => {
    expect(resolve(root, pkg.bin.tally!)).toBe(CLI);
    expect(pkg.scripts.start).toMatch(/^node dist\/bundle\/tally\.js node /);
  });

  it('runs as an executable through its shebang', () => {
    expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    accessSync(CLI, constants.X_OK);
    expect(execFileSync(CLI, ['--version'], { encoding: 'utf8', timeout: 30_000 }).trim()).toBe(pkg.version);
  });

  it('points every module URL it rewrote at a file of dist/', () => {
    const urls = new Set<string>();
    for (const name of readdirSync(bundleDir).filter((n) => n.endsWith('.js'))) {
      const text = readFileSync(join(bundleDir, name), 'utf8');
      for (const m of text.matchAll(/new URL\("([^"]+)",import\.meta\.url\)/g)) urls.add(m[1]!);
      // Outside the rewritten form, only the banner's createRequire reads the bundle's own URL.
      const bare = text.replaceAll(/new URL\("[^"]+",import\.meta\.url\)/g, '').match(/import\.meta\.url/g) ?? [];
      expect(bare.length, name).toBe(1);
    }
    // The verify pool's and the miner's workers, the lab's runner and the explorer's files.
    expect([...urls].sort()).toEqual(expect.arrayContaining(['../chain/verify-pool.js', '../mining/worker-pool.js', '../lab/runner.js', '../explorer/static-files.js']));
    for (const url of urls) expect(existsSync(join(bundleDir, url)), url).toBe(true);
    expect(existsSync(join(root, 'dist', 'chain', 'verify-worker.js'))).toBe(true);
    expect(existsSync(join(root, 'dist', 'mining', 'miner-worker.js'))).toBe(true);
  });
});
