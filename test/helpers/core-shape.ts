/**
 * Checks an RPC result against its method's comparison with Bitcoin Core (the
 * `core` field of the method table, src/rpc/methods/core-*.ts): the fields Core
 * documents have their JSON types, and those listed missing are really absent.
 * Shared by the per-method test (core-shape.test.ts) and the wallet RPC test.
 */
import { expect } from 'vitest';
import type { CoreComparison, JsonType } from '../../src/rpc/types.js';

export function jsonType(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v as JsonType;
}

/**
 * The values at a comparison path: `a.b` steps into objects, `a[]` into every
 * element of an array, `a?` skips a value that lacks `a`; throws at the step
 * that is missing or not an array.
 */
export function valuesAt(root: unknown, path: string): unknown[] {
  let current: unknown[] = [root];
  for (const step of path === '' ? [] : path.split('.')) {
    const [, name, optional, each] = /^(.*?)(\?)?(\[\])?$/.exec(step)!;
    const next: unknown[] = [];
    for (const v of current) {
      let child = v;
      if (name) {
        if (typeof v !== 'object' || v === null || !(name in v)) {
          if (optional) continue;
          throw new Error(`${path}: no "${name}" in ${JSON.stringify(v)?.slice(0, 200)}`);
        }
        child = (v as Record<string, unknown>)[name];
      }
      if (!each) next.push(child);
      else if (Array.isArray(child)) next.push(...child);
      else throw new Error(`${path}: "${name}" is not an array`);
    }
    current = next;
  }
  return current;
}

/** `result` of `method` has the types its comparison gives (same and different) and lacks what it calls missing. */
export function expectCoreShape(method: string, core: CoreComparison, result: unknown): void {
  const typed = { ...core.same, ...Object.fromEntries(Object.entries(core.different ?? {}).map(([p, d]) => [p, d.type])) };
  for (const [path, type] of Object.entries(typed)) {
    const allowed = Array.isArray(type) ? type : [type];
    for (const v of valuesAt(result, path)) expect(allowed, `${method} ${path}`).toContain(jsonType(v));
  }
  for (const path of Object.keys(core.missing ?? {})) {
    // A missing field must really be absent: the document says so.
    const parent = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '';
    const field = path.slice(path.lastIndexOf('.') + 1).replace(/\[\]$/, '');
    for (const v of valuesAt(result, parent)) expect(v as object, `${method} missing ${path}`).not.toHaveProperty([field]);
  }
}
