/**
 * `tally wallet migrate`: moves the key of a CLI keystore into a node wallet.
 * The keystore holds one secret key whose address is its BIP86 taproot output,
 * which is exactly what the single-key descriptor `tr(WIF)` describes. The
 * command creates a wallet (with its own BIP86 descriptors, which give new
 * addresses and the change: one key alone cannot, as in Core), imports that
 * descriptor with timestamp 0 (so the node rescans the chain for the key's
 * coins) and the label "keystore" for its address, checks the wallet owns it, and
 * encrypts the wallet with the keystore's password unless told not to. The
 * keystore file is left as it is.
 */
import { encodeWif, withChecksum } from '../../wallet/index.js';
import { CliError, EXIT_FAILURE } from '../io.js';
import { networkOf } from '../commands/rpc.js';
import { decryptKey, readKeystore } from './keystore.js';
import { walletCall, type NodeWalletOptions } from './node-client.js';
import { readPassword, type PasswordOptions } from './password.js';

export interface MigrateOptions extends NodeWalletOptions, PasswordOptions {
  keystore: string;
  /** Encrypt the new wallet with the keystore's password (commander's --no-encrypt sets false). */
  encrypt: boolean;
}

export interface MigrateResult {
  wallet: string;
  address: string;
  /** Coins the rescan found, confirmed and trusted (getbalance). */
  balance: number;
  encrypted: boolean;
}

/** The private descriptor of a keystore's key, with Core's checksum. */
async function keystoreDescriptor(opts: MigrateOptions): Promise<{ desc: string; address: string; password: string }> {
  const network = networkOf(opts);
  const file = readKeystore(opts.keystore);
  if (file.network !== network.name) throw new CliError(`${opts.keystore} holds a ${file.network} key; pass --network ${file.network}`);
  const password = await readPassword(opts);
  const secret = await decryptKey(file, password, network.addressPrefix);
  try {
    return { desc: withChecksum(`tr(${encodeWif(secret)})`), address: file.address, password };
  } finally {
    secret.fill(0);
  }
}

/** Creates wallet `name` on the node holding the keystore's key. @throws CliError (one line) */
export async function migrateKeystore(name: string, opts: MigrateOptions): Promise<MigrateResult> {
  const key = await keystoreDescriptor(opts);
  const { rpcwallet: _named, ...root } = opts;
  const wallet: NodeWalletOptions = { ...opts, rpcwallet: name };
  await walletCall(root, 'createwallet', { wallet_name: name });
  const [imported] = await walletCall<{ success: boolean; error?: { message: string } }[]>(wallet, 'importdescriptors', [[{ desc: key.desc, timestamp: 0, label: 'keystore' }]]);
  if (!imported?.success) throw new CliError(`importdescriptors: ${imported?.error?.message ?? 'failed'}`, EXIT_FAILURE);
  const info = await walletCall<{ ismine: boolean }>(wallet, 'getaddressinfo', [key.address]);
  if (!info.ismine) throw new CliError(`the wallet ${name} does not recognise ${key.address} after the import`, EXIT_FAILURE);
  if (opts.encrypt) await walletCall(wallet, 'encryptwallet', [key.password]);
  const balance = await walletCall<number>(wallet, 'getbalance');
  return { wallet: name, address: key.address, balance, encrypted: opts.encrypt };
}
