/**
 * The `tally` command line (commander). Every command reports bad input as a
 * one-line message on stderr and a non-zero exit code, never a stack trace.
 */
import { Command, CommanderError } from 'commander';
import { isTallyError } from '../primitives/errors.js';
import { registerNodeCommand } from './commands/node.js';
import { registerToolCommands } from './commands/tools.js';
import { registerRpcCommand } from './commands/rpc.js';
import { registerWalletCommand } from './commands/wallet.js';
import { registerLabCommand } from './commands/lab.js';
import { CliError, defaultIo, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliIo } from './io.js';

export { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, parseNetwork, type CliIo } from './io.js';

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
  registerLabCommand(program, io);
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
