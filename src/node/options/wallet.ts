/**
 * Wallet options (Core's names): the wallet is on unless `--disablewallet`,
 * and `--wallet <name>` (repeatable) loads a wallet at start. Wallets live
 * under `<datadir>/wallets/`. The faucet's options (Tally only) follow: it pays
 * from a wallet, so it is declared with them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkSettings, FAUCET_DEFAULTS, isFaucetError, parseCoins, type FaucetOptions } from '../../faucet/index.js';
import type { WalletManagerOptions } from '../../wallet/index.js';
import { badOption } from './errors.js';
import { switchedOn, lastValue, parseInteger, type OptionDecl, type OptionValues } from './declare.js';

export const WALLET_OPTIONS: readonly OptionDecl[] = [
  { name: 'disablewallet', flag: '--disablewallet', description: 'run without the wallet and its RPC methods', kind: 'bool' },
  { name: 'wallet', flag: '--wallet <name>', description: 'load this wallet (from <datadir>/wallets/<name>/) at start (repeatable)', kind: 'list' },
  { name: 'faucet', flag: '--faucet <wallet>', description: 'run a faucet paying from this wallet (loaded at start): the faucet RPC, and /faucet with --explorer', kind: 'string' },
  { name: 'faucet-amount', flag: '--faucet-amount <coins>', description: 'coins per faucet payout (default 1; at most 10 outside regtest)', kind: 'string' },
  { name: 'faucet-address-interval', flag: '--faucet-address-interval <seconds>', description: 'seconds between two payouts to one address (default 86400; 0 = off, regtest only)', kind: 'number' },
  { name: 'faucet-ip-limit', flag: '--faucet-ip-limit <count>', description: 'payouts per client IP per window from /faucet (default 3; 0 = off, regtest only)', kind: 'number' },
  { name: 'faucet-ip-window', flag: '--faucet-ip-window <seconds>', description: 'the per-IP window in seconds (default 3600)', kind: 'number' },
  { name: 'faucet-trust-forwarded-for', flag: '--faucet-trust-forwarded-for', description: 'behind a reverse proxy: take the client IP from the last X-Forwarded-For entry', kind: 'bool' },
];

/** The wallet service's options, or undefined with `disablewallet`. The faucet's wallet is loaded at start too. */
export function walletOptionsFrom(values: OptionValues, datadir: string): WalletManagerOptions | undefined {
  if (switchedOn(lastValue(values, 'disablewallet'))) return undefined;
  const faucet = lastValue(values, 'faucet');
  const load = [...(values.wallet ?? [])];
  if (faucet && !load.includes(faucet)) load.push(faucet);
  return { datadir, load };
}

/** {@link walletOptionsFrom} over a resolved NodeConfig's values. */
export function walletOptionsFromConfig(config: { extra: OptionValues; datadir: string }): WalletManagerOptions | undefined {
  return walletOptionsFrom(config.extra, config.datadir);
}

function seconds(values: OptionValues, name: string, fallback: number): number {
  const v = lastValue(values, name);
  return v === undefined ? fallback : parseInteger(name, v, 0);
}

/**
 * The faucet's options, or undefined without `--faucet`. Refused here, before anything
 * starts: the faucet with `--disablewallet`, a wallet that does not exist, and settings
 * the network does not allow (limits off or a large payout outside regtest).
 * @throws ConfigError bad-option
 */
export function faucetOptionsFrom(values: OptionValues, datadir: string, network: string): FaucetOptions | undefined {
  const wallet = lastValue(values, 'faucet');
  if (wallet === undefined) return undefined;
  if (wallet === '') throw badOption('faucet', 'name the wallet to pay from');
  if (switchedOn(lastValue(values, 'disablewallet'))) throw badOption('faucet', 'the faucet pays from a wallet: drop --disablewallet');
  const dir = join(datadir, 'wallets', wallet);
  if (!existsSync(dir)) throw badOption('faucet', `wallet "${wallet}" does not exist (${dir}): create it (createwallet "${wallet}"), fund it, and start again`);
  const amountText = lastValue(values, 'faucet-amount');
  const amount = amountText === undefined ? FAUCET_DEFAULTS.amount : parseCoins(amountText);
  if (amount === undefined) throw badOption('faucet-amount', `expected coins such as 1 or 0.5 (at most 8 decimals), got "${amountText}"`);
  const opts: FaucetOptions = {
    ...FAUCET_DEFAULTS, wallet, amount,
    addressIntervalSeconds: seconds(values, 'faucet-address-interval', FAUCET_DEFAULTS.addressIntervalSeconds),
    ipLimit: seconds(values, 'faucet-ip-limit', FAUCET_DEFAULTS.ipLimit),
    ipWindowSeconds: seconds(values, 'faucet-ip-window', FAUCET_DEFAULTS.ipWindowSeconds),
    trustForwardedFor: switchedOn(lastValue(values, 'faucet-trust-forwarded-for')),
  };
  try {
    checkSettings(opts, network);
  } catch (err) {
    if (isFaucetError(err)) throw badOption('faucet', err.message.replace(/^faucet: /, ''));
    throw err;
  }
  return opts;
}

/** {@link faucetOptionsFrom} over a resolved NodeConfig. */
export function faucetOptionsFromConfig(config: { extra: OptionValues; datadir: string; network: { name: string } }): FaucetOptions | undefined {
  return faucetOptionsFrom(config.extra, config.datadir, config.network.name);
}
