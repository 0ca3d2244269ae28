/**
 * The reliability log: hostile-input and fault tests call {@link recordTrial}
 * after their assertions pass, so every line of the log is an attack or fault
 * that was tried and survived. {@link ReliabilityReporter} clears the log when
 * a run starts and, after a full passing run, turns it into
 * `docs/RELIABILITY.md` (a partial run writes only `test-artifacts/RELIABILITY.md`).
 *
 * The log is one JSON object per line, appended by many test processes at
 * once; each line is a single small `appendFileSync`, which O_APPEND keeps whole.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ReliabilityArea = 'Adversarial peers' | 'Fuzzing' | 'Faults' | 'Partitions' | 'Security';

export interface Trial {
  area: ReliabilityArea;
  /** What was tried, e.g. "invalid block over gossip: bad-txns-inputs-missingorspent". */
  attack: string;
  /** How many times it was tried in this test (kills, requests, fuzz runs, peers...). */
  times: number;
  /** What happened, in a few words: "rejected, not forwarded, sender banned". */
  outcome: string;
}

export interface LoggedTrial extends Trial {
  /** The test file that ran it, relative to the repository root. */
  file: string;
}

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RELIABILITY_LOG = process.env.TALLY_RELIABILITY_LOG ?? join(REPO_ROOT, 'test-artifacts', 'reliability', 'trials.jsonl');

/** The test file calling this, from the stack (vitest runs each file in its own worker). */
function callerFile(): string {
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n')) {
    const m = /(\/[^\s():]+\.test\.ts)/.exec(line) ?? /file:\/\/(\/[^\s():]+\.test\.ts)/.exec(line);
    if (m) return relative(REPO_ROOT, m[1]!);
  }
  return process.env.VITEST_TEST_FILE ?? 'unknown';
}

/** Records one attack or fault that the node survived; call it after the test's assertions. */
export function recordTrial(trial: Trial): void {
  if (!Number.isInteger(trial.times) || trial.times < 1) throw new Error(`recordTrial: times must be a positive integer, got ${trial.times}`);
  const logged: LoggedTrial = { ...trial, file: callerFile() };
  mkdirSync(dirname(RELIABILITY_LOG), { recursive: true });
  appendFileSync(RELIABILITY_LOG, `${JSON.stringify(logged)}\n`);
}

/** Records an attack or fault that this machine could not try (no root, no `ip`, a kernel without netem...). */
export function recordNotRun(area: ReliabilityArea, attack: string, reason: string): void {
  mkdirSync(dirname(RELIABILITY_LOG), { recursive: true });
  appendFileSync(RELIABILITY_LOG, `${JSON.stringify({ area, attack, times: 0, outcome: `not run: ${reason}`, file: callerFile() })}\n`);
}
