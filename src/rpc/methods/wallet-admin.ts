/**
 * Wallet administration, as Bitcoin Core names it: createwallet, loadwallet,
 * unloadwallet, listwallets, listwalletdir, getwalletinfo, backupwallet, and
 * the passphrase methods (encryptwallet, walletpassphrase, walletlock,
 * walletpassphrasechange).
 */
import { RPC, RpcError } from '../errors.js';
import { formatFeeRate } from '../format.js';
import { defineMethod, type RpcMethod } from '../types.js';
import { walletOf, walletsOf } from '../wallet-access.js';

const LOAD_ON_STARTUP = { name: 'load_on_startup', type: 'boolean' as const, description: 'accepted for Core\'s clients; wallets to load at start are given with --wallet' };

/** Core refuses an empty passphrase with -8. */
function passphrase(value: unknown, name = 'passphrase'): string {
  if (typeof value !== 'string' || value === '') throw new RpcError(RPC.INVALID_PARAMETER, `${name} cannot be empty`);
  return value;
}

export const walletAdminMethods: RpcMethod[] = [
  defineMethod({
    name: 'createwallet', category: 'wallet',
    description: 'Creates and loads a descriptor wallet (BIP86 taproot keys from a new BIP39 mnemonic), under <datadir>/wallets/<name>/.',
    params: [
      { name: 'wallet_name', type: 'string', required: true, description: 'the wallet\'s name (its folder under wallets/)' },
      { name: 'disable_private_keys', type: 'boolean', default: false, description: 'a watch-only wallet (import tr(xpub) or addr() descriptors)' },
      { name: 'blank', type: 'boolean', default: false, description: 'no keys until importdescriptors' },
      { name: 'passphrase', type: 'string', description: 'encrypt the wallet with this passphrase from the start' },
      { name: 'avoid_reuse', type: 'boolean', default: false, description: 'accepted for Core\'s clients; must be false' },
      { name: 'descriptors', type: 'boolean', default: true, description: 'must be true: every Tally wallet is a descriptor wallet' },
      LOAD_ON_STARTUP,
      { name: 'external_signer', type: 'boolean', default: false, description: 'must be false (sign externally through PSBT instead)' },
    ],
    result: '{ name }',
    handler: async (args, ctx) => {
      if (args.descriptors === false) throw new RpcError(RPC.INVALID_PARAMETER, 'Legacy (non-descriptor) wallets are not supported');
      if (args.avoid_reuse === true || args.external_signer === true) throw new RpcError(RPC.INVALID_PARAMETER, 'avoid_reuse and external_signer are not supported');
      const pass = args.passphrase === '' ? undefined : (args.passphrase as string | undefined);
      const w = await walletsOf(ctx).manager.create(args.wallet_name as string, {
        watchOnly: args.disable_private_keys as boolean, blank: args.blank as boolean, ...(pass !== undefined ? { passphrase: pass } : {}),
      });
      return { name: w.name };
    },
  }),
  defineMethod({
    name: 'loadwallet', category: 'wallet', description: 'Loads a wallet from <datadir>/wallets/<filename>/ and brings it up to the chain\'s tip.',
    params: [{ name: 'filename', type: 'string', required: true, description: 'the wallet\'s name' }, LOAD_ON_STARTUP],
    result: '{ name }',
    handler: async (args, ctx) => ({ name: (await walletsOf(ctx).manager.load(args.filename as string)).name }),
  }),
  defineMethod({
    name: 'unloadwallet', category: 'wallet', description: 'Unloads a wallet: the one named, else the one the request addresses.',
    params: [{ name: 'wallet_name', type: 'string', description: 'the wallet (the endpoint\'s wallet when absent)' }, LOAD_ON_STARTUP],
    result: '{}',
    handler: async (args, ctx) => {
      const access = walletsOf(ctx);
      if (args.wallet_name !== undefined && access.name !== undefined && args.wallet_name !== access.name) {
        throw new RpcError(RPC.INVALID_PARAMETER, 'RPC endpoint wallet and wallet_name parameter specify different wallets');
      }
      const name = (args.wallet_name as string | undefined) ?? access.get().name;
      await access.manager.unload(name);
      access.payTxFee.delete(name);
      return {};
    },
  }),
  defineMethod({
    name: 'listwallets', category: 'wallet', description: 'The names of the loaded wallets.', params: [], result: '[name, ...]',
    handler: (_args, ctx) => walletsOf(ctx).manager.list(),
  }),
  defineMethod({
    name: 'listwalletdir', category: 'wallet', description: 'The wallets in <datadir>/wallets/, loaded or not.', params: [], result: '{ wallets: [{ name }] }',
    handler: (_args, ctx) => ({ wallets: walletsOf(ctx).manager.listDir().map((name) => ({ name })) }),
  }),
  defineMethod({
    name: 'getwalletinfo', category: 'wallet', description: 'The state of the wallet the request addresses.', params: [],
    result: '{ walletname, walletversion, format, txcount, keypoolsize, keypoolsize_hd_internal, unlocked_until?, paytxfee, private_keys_enabled, avoid_reuse, scanning, descriptors, external_signer, blank, birthtime, lastprocessedblock }',
    handler: (_args, ctx) => {
      const w = walletOf(ctx);
      const info = w.info();
      return {
        walletname: info.walletname, walletversion: 169900, format: 'leveldb', txcount: info.txcount,
        keypoolsize: info.keypoolsize, keypoolsize_hd_internal: info.keypoolsize_hd_internal,
        ...(info.unlocked_until !== undefined ? { unlocked_until: info.unlocked_until } : {}),
        paytxfee: formatFeeRate(walletsOf(ctx).payTxFee.get(w.name) ?? 0),
        private_keys_enabled: info.private_keys_enabled, avoid_reuse: false, scanning: false, descriptors: true, external_signer: false,
        blank: info.blank, birthtime: info.birthtime, ...(info.lastprocessedblock ? { lastprocessedblock: info.lastprocessedblock } : {}),
      };
    },
  }),
  defineMethod({
    name: 'backupwallet', category: 'wallet', description: 'Writes a consistent copy of the wallet\'s database to a new folder on the node\'s machine.',
    params: [{ name: 'destination', type: 'string', required: true, description: 'the folder to create (it must not exist)' }],
    result: 'null',
    handler: async (args, ctx) => {
      await walletOf(ctx).backup(args.destination as string);
      return null;
    },
  }),
  defineMethod({
    name: 'encryptwallet', category: 'wallet', description: 'Encrypts the wallet\'s keys and mnemonic with a passphrase (scrypt and AES-GCM, as the CLI keystore); the wallet is then locked.',
    params: [{ name: 'passphrase', type: 'string', required: true, description: 'the passphrase' }],
    result: 'a message (string)',
    handler: async (args, ctx) => {
      await walletOf(ctx).encrypt(passphrase(args.passphrase));
      return 'wallet encrypted; The keypool has been flushed and a new HD seed was generated (if you are using HD). You need to make a new backup.';
    },
  }),
  defineMethod({
    name: 'walletpassphrase', category: 'wallet', description: 'Unlocks an encrypted wallet for `timeout` seconds.',
    params: [
      { name: 'passphrase', type: 'string', required: true, description: 'the passphrase' },
      { name: 'timeout', type: 'integer', required: true, min: 0, max: 100_000_000, description: 'seconds to stay unlocked (at most 100000000, as Core)' },
    ],
    result: 'null',
    handler: async (args, ctx) => {
      await walletOf(ctx).unlock(passphrase(args.passphrase), args.timeout as number);
      return null;
    },
  }),
  defineMethod({
    name: 'walletlock', category: 'wallet', description: 'Locks an encrypted wallet now.', params: [], result: 'null',
    handler: async (_args, ctx) => {
      const w = walletOf(ctx);
      if (!w.info().encrypted) throw new RpcError(RPC.WALLET_WRONG_ENC_STATE, 'Error: running with an unencrypted wallet, but walletlock was called.');
      await w.lock();
      return null;
    },
  }),
  defineMethod({
    name: 'walletpassphrasechange', category: 'wallet', description: 'Changes an encrypted wallet\'s passphrase.',
    params: [
      { name: 'oldpassphrase', type: 'string', required: true, description: 'the current passphrase' },
      { name: 'newpassphrase', type: 'string', required: true, description: 'the new passphrase' },
    ],
    result: 'null',
    handler: async (args, ctx) => {
      await walletOf(ctx).changePassphrase(passphrase(args.oldpassphrase, 'oldpassphrase'), passphrase(args.newpassphrase, 'newpassphrase'));
      return null;
    },
  }),
];
