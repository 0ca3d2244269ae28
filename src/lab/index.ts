/**
 * The consensus lab's public face (`import { lab } from 'tally'`): the
 * experiments, the closed forms they are checked against, inline runs, and the
 * engine for those who build their own: seeded randomness, the event queue,
 * lab nodes running the chain's real code, networks and strategies.
 */
export { runInline, type BaseParams, type BaseResult, type Experiment, type ParamSpec } from './experiment.js';
export * from './experiments/index.js';
export { binomial, forkProbability, nakamotoSuccess, rosenfeldSuccess, selfishRevenue, selfishThreshold, staleRate } from './analytic.js';
export { batchMeans95, ratioBatchMeans95, tQuantile975, wilson95 } from './stats.js';
export { LAB_ERROR_CODES, LabError, type LabErrorCode } from './errors.js';
export { deriveSeed, Random } from './random.js';
export { EventQueue } from './events.js';
export { BlockFactory, LAB_PARAMS } from './blocks.js';
export { LabNode, type LabOutcome, type LabStatus } from './node.js';
export { buildLinks, parseLatency, parseTopology, randomGraph, type LatencyModel, type Link, type NetworkSpec, type Topology } from './network.js';
export { honest, Simulation, type MinerSpec, type SimOptions, type Strategy } from './sim.js';
export { Attacker, runAttack, type AttackOptions } from './strategies/attacker.js';
export { honestWithGamma, SelfishPool } from './strategies/selfish.js';
// Runs on worker threads and sweeps (reports live in ./report/index.js, not re-exported: they load the charting library).
export { runExperiment, type ExperimentRef, type RunOptions } from './runner.js';
export { parseRange, parseSeries, runSweep, sweepValues, type SweepPoint, type SweepRange, type SweepResult, type SweepSeries } from './sweep.js';
