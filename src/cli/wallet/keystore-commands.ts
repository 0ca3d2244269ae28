/**
 * `tally wallet keystore …`: the single-key taproot wallet of the CLI. The key
 * lives encrypted in a keystore file (default <datadir>/wallet.json) and never
 * reaches the node: `create`, `import` and `address` need no node at all;
 * `balance`, `utxos`, `history` and `send` read coins from a node's address
 * index over RPC and sign here. `tally wallet migrate` moves such a key into a
 * node wallet.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { addressToScriptPubKey } from '../../primitives/address.js';
import { fromHex } from '../../primitives/bytes.js';
import { randomSecretKey } from '../../primitives/signature.js';
import { RpcError } from '../../rpc/errors.js';
import { parseAmount } from '../../rpc/params.js';
import { CliError, EXIT_FAILURE, type CliIo } from '../io.js';
import { addConnectionOptions, clientFromOptions, datadirOf, networkOf, RpcCallError, rpcErrorToCli, type ConnectionOptions } from '../commands/rpc.js';
import { buildPayment } from './build.js';
import { InsufficientFunds } from './coin-select.js';
import { decryptKey, encryptKey, KeystoreError, readKeystore, scryptCostFromEnv, writeKeystore, type KeystoreFile } from './keystore.js';
import { firstLine, promptHidden, readPassword, type PasswordOptions } from './password.js';
import { coinJson, formatCoins, loadWalletState } from './state.js';

export type KeystoreOptions = ConnectionOptions & PasswordOptions & { wallet?: string; force?: boolean };
type WalletOptions = KeystoreOptions;

/** Fee rate when the node has no estimate yet (sat/vB). */
const FALLBACK_FEE_RATE = 2;

/** The keystore file the options name (default <datadir>/wallet.json). */
export function walletPath(opts: WalletOptions): string {
  return opts.wallet ?? join(datadirOf(opts), 'wallet.json');
}

/** The keystore, checked to belong to the network in use. */
export function openKeystore(opts: WalletOptions): KeystoreFile {
  const file = readKeystore(walletPath(opts));
  if (file.network !== opts.network) throw new CliError(`${walletPath(opts)} holds a ${file.network} key; pass --network ${file.network}`);
  return file;
}

/** Maps the errors of wallet parts onto the CLI's: messages that are safe to print, non-zero exits. */
export async function guard(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (err instanceof KeystoreError) throw new CliError(err.message, EXIT_FAILURE);
    if (err instanceof RpcCallError) throw rpcErrorToCli(err);
    if (err instanceof InsufficientFunds) throw new CliError(err.message, EXIT_FAILURE);
    throw err;
  }
}

async function saveNewKey(secret: Uint8Array, opts: WalletOptions, io: CliIo): Promise<void> {
  const path = walletPath(opts);
  // Refuse before asking for a password that would be thrown away.
  if (!opts.force) writeKeystoreCheck(path);
  const password = await readPassword(opts, true);
  const network = networkOf(opts);
  const file = await encryptKey(secret, password, { network: network.name, addressPrefix: network.addressPrefix, n: scryptCostFromEnv() });
  secret.fill(0);
  writeKeystore(path, file, { force: opts.force ?? false });
  io.out(file.address);
  io.err(`wallet written to ${path}`);
}

function writeKeystoreCheck(path: string): void {
  try {
    readKeystore(path);
  } catch (err) {
    if (err instanceof KeystoreError && err.code === 'not-found') return;
  }
  throw new KeystoreError('exists', `${path} already exists; not overwriting it (pass --force to replace it, losing its key)`);
}

async function readSecretArg(hex: string | undefined): Promise<Uint8Array> {
  let text = hex;
  if (text === undefined) {
    text = process.stdin.isTTY ? await promptHidden('Secret key (hex): ') : firstLine(await readStdin());
  }
  text = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new CliError('the secret key must be 64 hexadecimal digits');
  return fromHex(text.toLowerCase());
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function feeRateOf(opts: { feeRate?: string }, call: (m: string, p: unknown[]) => Promise<unknown>): Promise<number> {
  if (opts.feeRate !== undefined) {
    const rate = Number(opts.feeRate);
    if (!Number.isFinite(rate) || rate <= 0 || rate > 100_000) throw new CliError(`--fee-rate: expected sat/vB above 0, got "${opts.feeRate}"`);
    return rate;
  }
  try {
    const estimate = (await call('estimatesmartfee', [6])) as { feerate?: number };
    // coins per kvB → sat/vB
    if (typeof estimate.feerate === 'number' && estimate.feerate > 0) return Math.max(1, (estimate.feerate * 1e8) / 1000);
  } catch (err) {
    if (!(err instanceof RpcCallError)) throw err;
  }
  return FALLBACK_FEE_RATE;
}

function parseSendAmount(text: string): bigint {
  try {
    return parseAmount(text, 'amount');
  } catch (err) {
    throw new CliError(err instanceof RpcError ? `${err.message} (coins, up to 8 decimals)` : String(err));
  }
}

/** Adds `keystore` and its subcommands under `tally wallet`. */
export function registerKeystoreCommands(parent: Command, io: CliIo): void {
  const wallet = parent.command('keystore').description('the CLI\'s single-key keystore (offline: keys stay here; balance and send read coins from a node\'s address index)');
  const sub = (name: string, description: string) => addConnectionOptions(wallet.command(name))
    .description(description)
    .option('--wallet <path>', 'keystore file (default <datadir>/wallet.json)')
    .option('--password-file <file>', `read the password from the first line of this file (else ${'$'}TALLY_WALLET_PASSWORD, else a prompt)`);
  const print = (value: unknown) => io.out(JSON.stringify(value, null, 2));

  sub('create', 'make a new random key and save it encrypted; prints its address')
    .option('--force', 'replace an existing keystore (its key is lost)')
    .action((opts: WalletOptions) => guard(() => saveNewKey(randomSecretKey(), opts, io)));

  sub('import', 'save an existing secret key (64 hex digits; read from stdin or a prompt when not given)')
    .argument('[hex-secret]')
    .option('--force', 'replace an existing keystore (its key is lost)')
    .action((hex: string | undefined, opts: WalletOptions) => guard(async () => saveNewKey(await readSecretArg(hex), opts, io)));

  sub('address', 'print the wallet\'s address (no password needed)')
    .action((opts: WalletOptions) => guard(async () => io.out(openKeystore(opts).address)));

  sub('balance', 'confirmed, unconfirmed, immature and spendable amounts, in coins')
    .action((opts: WalletOptions) => guard(async () => {
      const s = await loadWalletState(clientFromOptions(opts), openKeystore(opts).address, networkOf(opts).coinbaseMaturity);
      const coins = (v: bigint) => Number(formatCoins(v));
      print({
        address: s.address, confirmed: coins(s.confirmed), unconfirmed: coins(s.unconfirmed), immature: coins(s.immature),
        spendable: coins(s.spendable), total: coins(s.confirmed + s.unconfirmed), received: coins(s.received),
      });
    }));

  sub('utxos', 'the wallet\'s unspent outputs, confirmed and unconfirmed')
    .action((opts: WalletOptions) => guard(async () => {
      const s = await loadWalletState(clientFromOptions(opts), openKeystore(opts).address, networkOf(opts).coinbaseMaturity);
      print(s.coins.map(coinJson));
    }));

  sub('history', 'txids of the transactions touching the wallet, oldest first, unconfirmed last')
    .action((opts: WalletOptions) => guard(async () => {
      print(await clientFromOptions(opts).call('getaddresstxids', [{ addresses: [openKeystore(opts).address] }, true]));
    }));

  sub('send', 'pay an address; signs here and submits with sendrawtransaction, printing the txid')
    .argument('<address>', 'the address to pay')
    .argument('<amount>', 'coins, up to 8 decimals')
    .option('--fee-rate <sat/vB>', 'fee rate (default: the node\'s estimatesmartfee for 6 blocks, else 2)')
    .option('--dry-run', 'print the signed transaction instead of submitting it')
    .action((address: string, amountText: string, opts: WalletOptions & { feeRate?: string; dryRun?: boolean }) => guard(async () => {
      const network = networkOf(opts);
      let payee: Uint8Array;
      try {
        payee = addressToScriptPubKey(network.addressPrefix, address);
      } catch (err) {
        throw new CliError(`invalid ${network.name} address: ${(err as Error).message}`);
      }
      const amount = parseSendAmount(amountText);
      const file = openKeystore(opts);
      const client = clientFromOptions(opts);
      const state = await loadWalletState(client, file.address, network.coinbaseMaturity);
      const feeRate = await feeRateOf(opts, (m, p) => client.call(m, p));
      const spendable = state.coins.filter((c) => c.status === 'spendable');
      const secret = await decryptKey(file, await readPassword(opts), network.addressPrefix);
      let payment;
      try {
        payment = buildPayment({ coins: spendable, payee, amount, feeRate, secret });
      } catch (err) {
        if (err instanceof RangeError) throw new CliError(err.message);
        throw err;
      } finally {
        secret.fill(0);
      }
      if (opts.dryRun) {
        print({ txid: payment.tx.txid, hex: payment.tx.toHex(), fee: Number(formatCoins(payment.fee)), vsize: payment.tx.vsize, change: Number(formatCoins(payment.change)) });
        return;
      }
      io.out(String(await client.call('sendrawtransaction', [payment.tx.toHex()])));
    }));
}
