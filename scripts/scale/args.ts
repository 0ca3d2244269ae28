/**
 * Arguments of `npm run scale` (scripts/scale.ts), with their defaults.
 */
import { parseArgs } from 'node:util';

/** A scale run's settings. */
export interface ScaleArgs {
  nodes: number;
  /** Link cap, Mbit/s, each direction of every node's link. */
  rateMbit: number;
  /** Measured blocks per relay mode. */
  blocks: number;
  /** Blocks mined while the killed nodes are down. */
  churnBlocks: number;
  /** Share of the nodes killed with kill -9. */
  churnShare: number;
  blockKb: number;
  miners: number;
  /** Nodes started at once. */
  wave: number;
  minPeers: number;
  /** Longest wait for the mesh after the last start, seconds (the goal: 120). */
  meshS: number;
  out: string;
  /**
   * Stop after the mesh and the idle CPU measurement (no blocks, no churn) and write
   * `idle.json`: a cheap check of discovery and of what idle nodes cost.
   */
  idleOnly: boolean;
  /**
   * Folder for V8 CPU profiles of every node over the settled idle window of `idleOnly` (sampled every
   * 10 ms; scale/cpu-prof.mjs). Absent: no profiles.
   */
  cpuProfDir?: string;
  /** A built dist/ to run instead of this checkout's (to measure another version the same way). */
  dist?: string;
}

const USAGE = `npm run scale -- [--nodes 100] [--rate 20] [--blocks 5] [--out test-artifacts/scale]
  [--block-kb 990] [--miners 3] [--wave 10] [--churn 0.3] [--churn-blocks 3] [--min-peers 8] [--mesh-s 180]
  [--idle-only] [--cpu-prof <dir>] [--dist <built dist/>]`;

function count(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min) throw new Error(`--${name}: expected a number ≥ ${min}, got "${text}"\n${USAGE}`);
  return value;
}

/** Parses `argv` (without node and the script). @throws Error with the usage on a bad value */
export function parseScaleArgs(argv: readonly string[]): ScaleArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      ...Object.fromEntries(['nodes', 'rate', 'blocks', 'out', 'block-kb', 'miners', 'wave', 'churn', 'churn-blocks', 'min-peers', 'mesh-s', 'cpu-prof', 'dist'].map((k) => [k, { type: 'string' as const }])),
      'idle-only': { type: 'boolean' as const },
    },
  });
  const v = values as Record<string, string | undefined>;
  const idleOnly = (values as Record<string, unknown>)['idle-only'] === true;
  const nodes = Math.round(count('nodes', v.nodes, 100, 4));
  return {
    nodes,
    rateMbit: count('rate', v.rate, 20, 0),
    blocks: Math.round(count('blocks', v.blocks, 5, 1)),
    churnBlocks: Math.round(count('churn-blocks', v['churn-blocks'], 3, 1)),
    churnShare: count('churn', v.churn, 0.3, 0),
    blockKb: count('block-kb', v['block-kb'], 990, 10),
    miners: Math.round(count('miners', v.miners, 3, 1)),
    wave: Math.round(count('wave', v.wave, 10, 1)),
    minPeers: Math.round(count('min-peers', v['min-peers'], 8, 1)),
    meshS: count('mesh-s', v['mesh-s'], 180, 1),
    out: v.out ?? 'test-artifacts/scale',
    idleOnly,
    ...(v['cpu-prof'] !== undefined ? { cpuProfDir: v['cpu-prof'] } : {}),
    ...(v.dist !== undefined ? { dist: v.dist } : {}),
  };
}
