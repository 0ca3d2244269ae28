/**
 * What every command shares: exit codes, the user-facing error and the output
 * sink. Kept apart from program.ts, which imports the commands, so that the
 * commands never import program.ts back (no import cycle).
 */
import { InvalidArgumentError } from 'commander';
import { getNetwork, type NetworkParams } from '../consensus/params.js';

/** Exit codes: 0 ok, 1 runtime failure, 2 bad usage or input. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** An error meant for the user: printed as its message alone (after "error: " unless `raw`). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = EXIT_USAGE, readonly raw = false) {
    super(message);
  }
}

/** commander argument parser for `--network`. */
export function parseNetwork(value: string): NetworkParams {
  try {
    return getNetwork(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const defaultIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};
