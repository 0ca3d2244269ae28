import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asertNextTarget, asertTarget } from '../../../src/consensus/asert.js';
import { RuleError } from '../../../src/consensus/errors.js';
import { bitsToTarget } from '../../../src/consensus/pow.js';
import { isTallyError } from '../../../src/primitives/errors.js';
import { vectorPath } from '../../helpers/vectors.js';

// Parameters of the spec's test vectors (Bitcoin Cash mainnet).
const SPACING = 600;
const HALF_LIFE = 172_800;
const POW_LIMIT = bitsToTarget(0x1d00ffff);
const PARAMS = { targetSpacing: SPACING, halfLife: HALF_LIFE, powLimit: POW_LIMIT };

interface Run {
  name: string;
  anchorHeight: bigint;
  anchorParentTime: bigint;
  anchorBits: number;
  startHeight: bigint;
  startTime: bigint;
  iterations: number;
  rows: Array<{ line: number; iteration: number; height: bigint; time: bigint; bits: number }>;
}

/**
 * Parses a run file of the spec's vectors: `##   key: value` headers, then
 * `iteration height time target` rows. Heights go through BigInt because run10
 * crosses 2^63, far beyond exact doubles.
 */
function parseRun(name: string, text: string): Run {
  const header = new Map<string, string>();
  const rows: Run['rows'] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^##\s*([^:]+):\s*(.*)$/.exec(line);
      if (m) header.set(m[1]!.trim(), m[2]!.trim());
      return;
    }
    const fields = line.split(/\s+/);
    if (fields.length !== 4 || !/^0x[0-9a-f]{8}$/i.test(fields[3]!)) throw new Error(`${name}:${i + 1}: malformed row "${line}"`);
    rows.push({ line: i + 1, iteration: Number(fields[0]), height: BigInt(fields[1]!), time: BigInt(fields[2]!), bits: Number(fields[3]) });
  });
  const get = (...keys: string[]): string => {
    for (const k of keys) {
      const v = header.get(k);
      if (v !== undefined) return v;
    }
    throw new Error(`${name}: missing header "${keys.join('" or "')}"`);
  };
  return {
    name,
    anchorHeight: BigInt(get('anchor height')),
    // Older runs call the anchor's parent its "ancestor"; the value means the same.
    anchorParentTime: BigInt(get('anchor parent time', 'anchor ancestor time')),
    anchorBits: Number(get('anchor nBits')),
    startHeight: BigInt(get('start height')),
    startTime: BigInt(get('start time')),
    iterations: Number(get('iterations')),
    rows,
  };
}

const dir = vectorPath('asert');
const RUN_NAMES = Array.from({ length: 12 }, (_, i) => `run${String(i + 1).padStart(2, '0')}`);
const runs = RUN_NAMES.map((name) => parseRun(name, readFileSync(join(dir, name), 'utf8')));

describe('aserti3-2d spec vectors', () => {
  it('has all 12 runs', () => {
    expect(readdirSync(dir).filter((f) => /^run\d+$/.test(f)).sort()).toEqual(RUN_NAMES);
  });

  it.each(runs.map((r) => [r.name, r] as const))('%s matches on every line', (_name, run) => {
    expect(run.rows.length).toBe(run.iterations);
    expect(run.rows[0]!.height).toBe(run.startHeight);
    expect(run.rows[0]!.time).toBe(run.startTime);
    const mismatches: string[] = [];
    run.rows.forEach((row, i) => {
      expect(row.iteration).toBe(i + 1);
      const bits = asertTarget({
        anchorBits: run.anchorBits,
        timeDiff: row.time - run.anchorParentTime,
        heightDiff: row.height - run.anchorHeight,
        ...PARAMS,
      });
      if (bits !== row.bits) {
        mismatches.push(`${run.name}:${row.line} height ${row.height}: got 0x${bits.toString(16)}, want 0x${row.bits.toString(16)}`);
      }
    });
    expect(mismatches).toEqual([]);
  });
});

describe('asertNextTarget', () => {
  const ref = bitsToTarget(0x1802aee8);

  it('keeps the target when blocks are exactly on schedule', () => {
    expect(asertNextTarget(ref, { timeDiff: 600 * 11, heightDiff: 10, ...PARAMS })).toBe(ref);
  });

  it('doubles the target one half-life behind schedule and halves it one ahead', () => {
    expect(asertNextTarget(ref, { timeDiff: 600 * 11 + HALF_LIFE, heightDiff: 10, ...PARAMS })).toBe(ref * 2n);
    expect(asertNextTarget(ref, { timeDiff: 600 * 11 - HALF_LIFE, heightDiff: 10, ...PARAMS })).toBe(ref / 2n);
  });

  it('truncates the exponent toward zero before flooring the shift', () => {
    // exponent = (-1 * 65536) / 172800 = -0.379.. truncates to 0, so nothing moves;
    // flooring would have given -1 and a slightly lower target.
    expect(asertNextTarget(ref, { timeDiff: 600 - 1, heightDiff: 0, ...PARAMS })).toBe(ref);
    // -2 * 65536 / 172800 = -0.758.. also truncates to 0; -3 gives -1.
    expect(asertNextTarget(ref, { timeDiff: 600 - 3, heightDiff: 0, ...PARAMS })).toBeLessThan(ref);
  });

  it('accepts numbers and bigints alike', () => {
    const a = asertNextTarget(ref, { timeDiff: 123_456, heightDiff: 321, ...PARAMS });
    const b = asertNextTarget(ref, { timeDiff: 123_456n, heightDiff: 321n, ...PARAMS });
    expect(a).toBe(b);
  });
});

describe('asertTarget clamping', () => {
  it('clamps to powLimit when blocks are far too slow', () => {
    expect(asertTarget({ anchorBits: 0x1d00ffff, timeDiff: 600 * 2 + 1, heightDiff: 1, ...PARAMS })).toBe(0x1d00ffff);
    expect(asertTarget({ anchorBits: 0x1802aee8, timeDiff: 100 * HALF_LIFE, heightDiff: 0, ...PARAMS })).toBe(0x1d00ffff);
    // Past 256 bits, where the reference detects shift overflow and substitutes powLimit.
    expect(asertTarget({ anchorBits: 0x1802aee8, timeDiff: 2n ** 46n, heightDiff: 0, ...PARAMS })).toBe(0x1d00ffff);
  });

  it('never returns a zero target when blocks are far too fast', () => {
    const bits = asertTarget({ anchorBits: 0x01010000, timeDiff: 0, heightDiff: 10_000_000, ...PARAMS });
    expect(bitsToTarget(bits)).toBe(1n);
  });
});

describe('asertTarget as a header check', () => {
  // run06's anchor with a 2-hour gap after 100 blocks: the header's bits must equal the result.
  const required = asertTarget({ anchorBits: 0x1802aee8, timeDiff: 600 * 100 + 7200, heightDiff: 100, ...PARAMS });

  it('accepts exactly the required bits', () => {
    expect(required).toBe(asertTarget({ anchorBits: 0x1802aee8, timeDiff: 67_200n, heightDiff: 100n, ...PARAMS }));
    expect(bitsToTarget(required)).toBeGreaterThan(bitsToTarget(0x1802aee8)); // slower blocks, easier target
  });

  it('differs once the schedule drifts further', () => {
    expect(asertTarget({ anchorBits: 0x1802aee8, timeDiff: 600 * 100 + 7200 - 600, heightDiff: 100, ...PARAMS })).not.toBe(required);
  });

  it('throws bad-diffbits for unusable anchor bits', () => {
    for (const anchorBits of [0, 0x04923456, 0xff123456]) {
      let caught: unknown;
      try {
        asertTarget({ anchorBits, timeDiff: 600, heightDiff: 0, ...PARAMS });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(RuleError);
      expect((caught as RuleError).code).toBe('bad-diffbits');
    }
  });

  it('refuses inputs the reference asserts against', () => {
    const codeOf = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (err) {
        return isTallyError(err) ? err.code : 'not-a-tally-error';
      }
      return undefined;
    };
    expect(codeOf(() => asertTarget({ anchorBits: 0x1802aee8, timeDiff: 600, heightDiff: -1, ...PARAMS }))).toBe('out-of-range');
    expect(codeOf(() => asertTarget({ anchorBits: 0x1802aee8, timeDiff: 2n ** 47n, heightDiff: 0, ...PARAMS }))).toBe('out-of-range');
    expect(codeOf(() => asertTarget({ anchorBits: 0x1d01ffff, timeDiff: 600, heightDiff: 0, ...PARAMS }))).toBe('out-of-range');
    expect(codeOf(() => asertTarget({ anchorBits: 0x1802aee8, timeDiff: 2 ** 60, heightDiff: 0, ...PARAMS }))).toBe('out-of-range');
  });
});
