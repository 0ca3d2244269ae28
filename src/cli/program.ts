/**
 * The `tally` command line (commander). Every command reports bad input as a
 * one-line message on stderr and a non-zero exit code, never a stack trace.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { isTallyError } from '../primitives/errors.js';
import { getNetwork, type NetworkParams } from '../consensus/params.js';
import { registerNodeCommand } from './commands/node.js';
import { registerToolCommands } from './commands/tools.js';
import { registerRpcCommand } from './commands/rpc.js';
import { registerWalletCommand } from './commands/wallet.js';

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

const defaultIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/** Builds the program; commands print through `io`. */
export function buildProgram(io: CliIo = defaultIo): Command {
  const program = new Command('tally')
    .description('Tally: a Bitcoin-style UTXO ledger node over libp2p')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for usage)');
  registerNodeCommand(program, io);
  registerToolCommands(program, io);
  registerRpcCommand(program, io);
  registerWalletCommand(program, io);
  return program;
}

/** Runs the CLI and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv as string[]);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit through here with code 0.
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (err instanceof CliError) {
      io.err(err.raw ? err.message : `error: ${err.message}`);
      return err.exitCode;
    }
    if (isTallyError(err)) {
      io.err(`error: ${err.message} (${err.code})`);
      return EXIT_USAGE;
    }
    io.err(`error: ${(err as Error)?.message ?? String(err)}`);
    return EXIT_FAILURE;
  }
}
