/**
 * How `tally wallet` talks to a node's wallet: the connection `tally rpc`
 * uses (datadir cookie or --rpc-user, --rpc-port, --rpcwallet for
 * `/wallet/<name>`), and every failure as one line and a non-zero exit: an RPC
 * error with its message and Core's code (the exit status is |code| mod 256,
 * as bitcoin-cli's), a node that does not answer with the connection's own
 * message.
 */
import { CliError, EXIT_FAILURE } from '../io.js';
import { RpcCallError, walletClientFromOptions, type ConnectionOptions } from '../commands/rpc.js';

export type NodeWalletOptions = ConnectionOptions & { rpcwallet?: string };

/** Calls `method` on the options' wallet (or on `/` without --rpcwallet). @throws CliError, one line */
export async function walletCall<T = unknown>(opts: NodeWalletOptions, method: string, params: unknown = []): Promise<T> {
  const client = walletClientFromOptions(opts);
  try {
    return await client.call<T>(method, params);
  } catch (err) {
    if (err instanceof RpcCallError) {
      throw new CliError(`${method}: ${err.message.replace(/\s*\n\s*/g, ' ')} (RPC error ${err.code})`, (Math.abs(err.code) & 0xff) || EXIT_FAILURE);
    }
    throw err;
  }
}
