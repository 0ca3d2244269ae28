/**
 * The figures of the `swarm` benchmark, from the runs' raw measurements:
 * per-run seconds, MB and MB/s, what the links carried, and the ratios the
 * issue sets goals for (issue 15, "Benchmarks" → swarm).
 */
import { HEADER_BYTES_PER_PACKET, type SyncRun } from '../../../test/helpers/swarm-lab.js';
import type { SwarmChain } from '../../../test/helpers/swarm-chain.js';

/** The goals of issue 15 for each headline figure, and which way is better. */
export const GOALS = {
  linkUtilisation: { goal: 0.8, atLeast: true },
  speedup3: { goal: 2.7, atLeast: true },
  speedup8: { goal: 6, atLeast: true },
  mixedVsFastPair: { goal: 1.0, atLeast: true },
  stallingVsHonestPair: { goal: 0.9, atLeast: true },
  bigBlocksWasteRatio: { goal: 1.05, atLeast: false },
} as const;

/** One run as printed. */
export interface RunReport {
  sources: number;
  /** Each source's cap, Mbit/s, in source order. */
  capsMbit: number[];
  completed: boolean;
  height: number;
  seconds: number;
  /** Megabytes of blocks the fresh node connected (the whole chain when completed). */
  MB: number;
  MBps: number;
  /** Megabytes each source's link carried (Ethernet, IP and TCP headers included). */
  sentMB: number[];
  /** Link bytes over the bytes of the blocks connected. */
  wasteRatio: number;
  /** The same, less Ethernet/IP/TCP headers (66 bytes a packet): what the nodes wrote, over the blocks. */
  payloadWasteRatio: number;
  /** Packets the caps dropped (TCP resent them). */
  drops: number;
  /** CPU the fresh node used, in cores, over the run. */
  freshCpuCores: number;
  /** Time the fresh node's main thread waited for a core, over the run's time. */
  freshRunQueueShare: number;
  /** Share of the machine's cores busy during the run, every process counted. */
  machineBusy: number;
  /** The fresh node's CPU time per MB of blocks: what a sync costs it (download, checks, storage). */
  freshCpuMsPerMB: number;
  /** CPU the sources used together, in cores, over the run. */
  sourcesCpuCores: number;
  events: Record<string, number>;
  timeoutsBySource: Record<string, number>;
  longestTimeoutMs: number;
}

/** Bytes of the chain's blocks 1..height. */
export function bytesUpTo(chain: SwarmChain, height: number): number {
  if (height >= chain.height) return chain.bytes;
  return chain.blocks.slice(0, Math.max(0, height)).reduce((n, b) => n + b.size, 0);
}

/** The printed form of one run. */
export function runReport(chain: SwarmChain, run: SyncRun, capsBits: readonly number[]): RunReport {
  const bytes = bytesUpTo(chain, run.height);
  const linkBytes = run.sent.reduce((n, s) => n + s.bytes, 0);
  const headerBytes = run.sent.reduce((n, s) => n + s.packets * HEADER_BYTES_PER_PACKET, 0);
  return {
    sources: capsBits.length,
    capsMbit: capsBits.map((b) => round2(b / 1e6)),
    completed: run.completed,
    height: run.height,
    seconds: round2(run.ms / 1000),
    MB: round2(bytes / 1e6),
    MBps: round2(bytes / 1e6 / (run.ms / 1000)),
    sentMB: run.sent.map((s) => round2(s.bytes / 1e6)),
    wasteRatio: round3(linkBytes / bytes),
    payloadWasteRatio: round3((linkBytes - headerBytes) / bytes),
    drops: run.sent.reduce((n, s) => n + s.drops, 0),
    freshCpuCores: round2(run.cpuMs / run.ms),
    freshRunQueueShare: round2(run.runQueueMs / run.ms),
    machineBusy: round2(run.machineBusy),
    freshCpuMsPerMB: Math.round(run.cpuMs / (bytes / 1e6)),
    sourcesCpuCores: round2(run.sourcesCpuMs / run.ms),
    events: run.events,
    timeoutsBySource: run.timeoutsBySource,
    longestTimeoutMs: run.longestTimeoutMs,
  };
}

/** The named runs of one benchmark. */
export interface SwarmRuns {
  one: RunReport;
  fastPair: RunReport;
  three: RunReport;
  eight: RunReport;
  mixed: RunReport;
  stalling: RunReport;
  bigOne: RunReport;
  bigThree: RunReport;
}

/** The headline figures and whether each meets its goal. */
export function headline(runs: SwarmRuns, capBits: number) {
  const rate = (r: RunReport) => (r.completed ? r.MBps : 0);
  const linkBytes = (r: RunReport) => r.sentMB.reduce((a, b) => a + b, 0);
  const figures = {
    linkUtilisation: round2(rate(runs.one) / (capBits / 8 / 1e6)),
    speedup: { 2: round2(rate(runs.fastPair) / rate(runs.one)), 3: round2(rate(runs.three) / rate(runs.one)), 8: round2(rate(runs.eight) / rate(runs.one)) },
    mixedVsFastPair: round2(rate(runs.mixed) / rate(runs.fastPair)),
    stallingVsHonestPair: round2(rate(runs.stalling) / rate(runs.fastPair)),
    bigBlocks: {
      completed: runs.bigOne.completed && runs.bigThree.completed,
      wasteRatio: round3((linkBytes(runs.bigOne) + linkBytes(runs.bigThree)) / (runs.bigOne.MB + runs.bigThree.MB)),
      payloadWasteRatio: round3((runs.bigOne.payloadWasteRatio * runs.bigOne.MB + runs.bigThree.payloadWasteRatio * runs.bigThree.MB) / (runs.bigOne.MB + runs.bigThree.MB)),
    },
  };
  const met = (value: number, g: { goal: number; atLeast: boolean }) => (g.atLeast ? value >= g.goal : value <= g.goal);
  const goalsMet = {
    linkUtilisation: met(figures.linkUtilisation, GOALS.linkUtilisation),
    speedup3: met(figures.speedup[3], GOALS.speedup3),
    speedup8: met(figures.speedup[8], GOALS.speedup8),
    mixedVsFastPair: met(figures.mixedVsFastPair, GOALS.mixedVsFastPair),
    stallingVsHonestPair: met(figures.stallingVsHonestPair, GOALS.stallingVsHonestPair),
    bigBlocksCompleted: figures.bigBlocks.completed,
    bigBlocksWasteRatio: met(figures.bigBlocks.wasteRatio, GOALS.bigBlocksWasteRatio),
  };
  return { ...figures, goalsMet };
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
