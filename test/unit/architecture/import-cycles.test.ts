/** No circular imports in src/: a module in a cycle can see its neighbour half-initialized. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph } from '../../../scripts/import-graph.js';

const SRC = fileURLToPath(new URL('../../../src', import.meta.url));

describe('import graph of src/', () => {
  it('has no cycles of run-time imports', () => {
    expect(importCycles(importGraph(SRC))).toEqual([]);
  });

  it('finds a cycle when there is one, and ignores type-only edges', () => {
    const graph = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]);
    expect(importCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(importCycles(new Map([['a.ts', ['b.ts']], ['b.ts', []]]))).toEqual([]);
  });
});
