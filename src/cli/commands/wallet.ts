/**
 * `tally wallet`: a client of a running node's wallet RPC (Core's names
 * underneath: createwallet, getbalances, getnewaddress, sendtoaddress,
 * listtransactions, walletpassphrase, walletlock, backupwallet, …), found as
 * `tally rpc` finds the node (datadir cookie, --rpc-port, --rpc-user) and
 * addressed with --rpcwallet when several wallets are loaded. A command that
 * needs the node and finds none prints one line and exits non-zero.
 * `tally wallet keystore …` keeps the CLI's offline single-key keystore, and
 * `tally wallet migrate` moves a keystore's key into a node wallet.
 */
import type { Command } from 'commander';
import { parseAmount } from '../../rpc/params.js';
import { RpcError } from '../../rpc/errors.js';
import { CliError, type CliIo } from '../io.js';
import { addConnectionOptions } from './rpc.js';
import { guard, registerKeystoreCommands } from '../wallet/keystore-commands.js';
import { migrateKeystore, type MigrateOptions } from '../wallet/migrate.js';
import { walletCall, type NodeWalletOptions } from '../wallet/node-client.js';
import { readPassword, type PasswordOptions } from '../wallet/password.js';

type Options = NodeWalletOptions & PasswordOptions;

/** A positive whole number option. */
function count(text: string | undefined, name: string, dflt: number): number {
  if (text === undefined) return dflt;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`${name}: expected a whole number, got "${text}"`);
  return n;
}

/** Checks an amount here, so a typo fails before the node is asked. */
function amountArg(text: string): string {
  try {
    parseAmount(text, 'amount');
  } catch (err) {
    throw new CliError(err instanceof RpcError ? `${err.message} (coins, up to 8 decimals)` : String(err));
  }
  return text;
}

type Sub = (name: string, description: string) => Command;
type Run = (fn: (opts: Options) => Promise<unknown>) => (opts: Options) => Promise<void>;

const withPassword = (cmd: Command) => cmd.option('--password-file <file>', `read the passphrase from the first line of this file (else ${'$'}TALLY_WALLET_PASSWORD, else a prompt)`);

/** Wallets and passphrases: create, load, unload, wallets, info, unlock, lock, encrypt, backup. */
function registerAdmin(sub: Sub, run: Run): void {
  withPassword(sub('create', 'create a node wallet (createwallet) and print its name').argument('<name>'))
    .option('--encrypt', 'encrypt it from the start with a passphrase')
    .option('--blank', 'no keys until descriptors are imported')
    .option('--disable-private-keys', 'a watch-only wallet')
    .action((name: string, opts: Options & { encrypt?: boolean; blank?: boolean; disablePrivateKeys?: boolean }) => run(async () => {
      const passphrase = opts.encrypt ? { passphrase: await readPassword(opts, true) } : {};
      return (await walletCall<{ name: string }>(opts, 'createwallet', { wallet_name: name, blank: opts.blank === true, disable_private_keys: opts.disablePrivateKeys === true, ...passphrase })).name;
    })(opts));
  sub('load', 'load a wallet of the node\'s wallets folder (loadwallet)').argument('<name>')
    .action((name: string, opts: Options) => run(async () => (await walletCall<{ name: string }>(opts, 'loadwallet', [name])).name)(opts));
  sub('unload', 'unload a wallet (unloadwallet)').argument('<name>')
    .action((name: string, opts: Options) => run(async () => { await walletCall(opts, 'unloadwallet', [name]); })(opts));
  sub('wallets', 'the loaded wallets (listwallets)').action(run((opts) => walletCall(opts, 'listwallets')));
  sub('info', 'the wallet\'s state (getwalletinfo)').action(run((opts) => walletCall(opts, 'getwalletinfo')));
  withPassword(sub('unlock', 'unlock an encrypted wallet for a while (walletpassphrase)'))
    .option('--timeout <seconds>', 'seconds to stay unlocked', '300')
    .action((opts: Options & { timeout?: string }) => run(async () => { await walletCall(opts, 'walletpassphrase', [await readPassword(opts), count(opts.timeout, '--timeout', 300)]); })(opts));
  sub('lock', 'lock an encrypted wallet now (walletlock)').action(run(async (opts) => { await walletCall(opts, 'walletlock'); }));
  withPassword(sub('encrypt', 'encrypt the wallet with a passphrase (encryptwallet); it is locked afterwards'))
    .action(run(async (opts) => walletCall(opts, 'encryptwallet', [await readPassword(opts, true)])));
  sub('backup', 'write a copy of the wallet to a new folder on the node\'s machine (backupwallet)').argument('<destination>')
    .action((dest: string, opts: Options) => run(async () => { await walletCall(opts, 'backupwallet', [dest]); })(opts));
}

/** Coins: balance, address, send, list. */
function registerPayments(sub: Sub, run: Run): void {
  sub('balance', 'trusted, pending and immature balances in coins (getbalances)').action(run((opts) => walletCall(opts, 'getbalances')));
  sub('address', 'a new receiving address (getnewaddress), with an optional label').argument('[label]')
    .action((label: string | undefined, opts: Options) => run(() => walletCall(opts, 'getnewaddress', label === undefined ? [] : [label]))(opts));
  sub('send', 'pay an address from the node wallet (sendtoaddress); prints the txid').argument('<address>').argument('<amount>', 'coins, up to 8 decimals')
    .option('--fee-rate <sat/vB>', 'fee rate (default: the node\'s estimate with a floor)')
    .option('--subtract-fee', 'the recipient pays the fee')
    .action((address: string, amount: string, opts: Options & { feeRate?: string; subtractFee?: boolean }) => run(() => {
      const rate = opts.feeRate === undefined ? undefined : Number(opts.feeRate);
      if (rate !== undefined && !(rate > 0)) throw new CliError(`--fee-rate: expected sat/vB above 0, got "${opts.feeRate}"`);
      return walletCall(opts, 'sendtoaddress', { address, amount: amountArg(amount), subtractfeefromamount: opts.subtractFee === true, ...(rate !== undefined ? { fee_rate: rate } : {}) });
    })(opts));
  sub('list', 'recent transactions, oldest first (listtransactions)')
    .option('--count <n>', 'how many', '10').option('--skip <n>', 'how many of the most recent to skip', '0').option('--label <label>', 'only receipts to this label')
    .action((opts: Options & { count?: string; skip?: string; label?: string }) => run(() => walletCall(opts, 'listtransactions', [opts.label ?? '*', count(opts.count, '--count', 10), count(opts.skip, '--skip', 0)]))(opts));
}

export function registerWalletCommand(program: Command, io: CliIo): void {
  const wallet = program.command('wallet').description('a node wallet over RPC (tally wallet keystore …: the offline single-key keystore)');
  const sub: Sub = (name, description) => addConnectionOptions(wallet.command(name))
    .description(description)
    .option('--rpcwallet <name>', 'the node wallet to use (/wallet/<name>); needed when several are loaded');
  const print = (value: unknown) => io.out(typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  const run: Run = (fn) => (opts) => guard(async () => {
    const result = await fn(opts);
    if (result !== null && result !== undefined) print(result);
  });
  registerAdmin(sub, run);
  registerPayments(sub, run);
  withPassword(sub('migrate', 'move a keystore\'s key into a new node wallet (importdescriptors tr(WIF), rescan); the keystore is left as it is').argument('<name>', 'the node wallet to create'))
    .requiredOption('--keystore <file>', 'the keystore file (tally wallet keystore create wrote it)')
    .option('--no-encrypt', 'leave the new wallet unencrypted (by default it is encrypted with the keystore\'s password)')
    .action((name: string, opts: MigrateOptions) => run(() => migrateKeystore(name, opts))(opts));
  registerKeystoreCommands(wallet, io);
}
