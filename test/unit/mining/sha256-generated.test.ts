/**
 * The unrolled SHA-256 files of the miner are generated: rendering them again
 * must give exactly the committed text, so that neither the generator nor the
 * files can change alone (after editing scripts/sha256-rounds.ts, run
 * `npm run gen:sha256`). Their correctness as SHA-256 is tested in
 * sha256-header.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IV, K, SHA256_GENERATED_FILES, firstDifference } from '../../../scripts/sha256-rounds.js';

const readCommitted = (path: string): string => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

describe('scripts/sha256-rounds', () => {
  it.each(SHA256_GENERATED_FILES.map(({ path, render }) => [path, render] as const))(
    'renders %s byte for byte (run `npm run gen:sha256`)',
    (path, render) => {
      const committed = readCommitted(path);
      const rendered = render();
      // The first differing line first: a readable failure for a 270-line file.
      expect(firstDifference(committed, rendered)).toBeNull();
      expect(rendered).toBe(committed);
    },
  );

  it('derives the FIPS 180-4 constants from the primes', () => {
    expect(K).toHaveLength(64);
    expect([K[0], K[1], K[15], K[63]]).toEqual([0x428a2f98, 0x71374491, 0xc19bf174, 0xc67178f2]);
    expect(IV).toEqual([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  });

  it('reports the first differing line, including a missing last line', () => {
    expect(firstDifference('a\nb\n', 'a\nb\n')).toBeNull();
    expect(firstDifference('a\nb\nc\n', 'a\nx\nc\n')).toEqual({ line: 2, expected: 'b', actual: 'x' });
    expect(firstDifference('a\n', 'a\nb\n')).toEqual({ line: 2, expected: '', actual: 'b' });
    expect(firstDifference('a\n', 'a')).toEqual({ line: 2, expected: '', actual: undefined });
  });
});
