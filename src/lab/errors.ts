/**
 * Lab failures. Codes are stable; the CLI and tests branch on them:
 *
 * | code                     | meaning                                                              |
 * |--------------------------|----------------------------------------------------------------------|
 * | `lab-bad-param`          | a parameter is missing, of the wrong type or out of range (named)    |
 * | `lab-unknown-experiment` | no experiment has that name                                          |
 * | `lab-worker-failed`      | a worker thread running chunks crashed or exited early               |
 * | `lab-bad-network`        | a topology or latency description the engine cannot build            |
 * | `lab-invariant`          | the simulation reached a state its model forbids (a bug in the lab)  |
 */
import { TallyError } from '../primitives/errors.js';

/** Stable codes of {@link LabError}, in the order of the table above. */
export const LAB_ERROR_CODES = ['lab-bad-param', 'lab-unknown-experiment', 'lab-worker-failed', 'lab-bad-network', 'lab-invariant'] as const;
export type LabErrorCode = typeof LAB_ERROR_CODES[number];

/** Error thrown by the consensus lab. */
export class LabError extends TallyError<LabErrorCode> {}

/** A `lab-bad-param` error naming the parameter and what it must be. */
export function badParam(name: string, expected: string, got: unknown): LabError {
  return new LabError('lab-bad-param', `${name} must be ${expected}, got ${JSON.stringify(got)}`);
}
