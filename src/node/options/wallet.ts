/**
 * Wallet options (Core's names): the wallet is on unless `--disablewallet`,
 * and `--wallet <name>` (repeatable) loads a wallet at start. Wallets live
 * under `<datadir>/wallets/`.
 */
import type { WalletManagerOptions } from '../../wallet/index.js';
import { switchedOn, lastValue, type OptionDecl, type OptionValues } from './declare.js';

export const WALLET_OPTIONS: readonly OptionDecl[] = [
  { name: 'disablewallet', flag: '--disablewallet', description: 'run without the wallet and its RPC methods', kind: 'bool' },
  { name: 'wallet', flag: '--wallet <name>', description: 'load this wallet (from <datadir>/wallets/<name>/) at start (repeatable)', kind: 'list' },
];

/** The wallet service's options, or undefined with `disablewallet`. */
export function walletOptionsFrom(values: OptionValues, datadir: string): WalletManagerOptions | undefined {
  if (switchedOn(lastValue(values, 'disablewallet'))) return undefined;
  return { datadir, load: [...(values.wallet ?? [])] };
}

/** {@link walletOptionsFrom} over a resolved NodeConfig's values. */
export function walletOptionsFromConfig(config: { extra: OptionValues; datadir: string }): WalletManagerOptions | undefined {
  return walletOptionsFrom(config.extra, config.datadir);
}
