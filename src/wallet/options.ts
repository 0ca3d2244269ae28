/** The wallet's settings and their defaults (Core's names in brackets). */

export interface WalletOptions {
  /**
   * Addresses derived ahead of the last used one on each chain, so payments to
   * them are seen [-keypool]. Core keeps 1000; 100 is enough for the gap of any
   * ordinary payment app and keeps a new wallet's first derivation under a second.
   */
  lookahead: number;
  /** scrypt cost for the passphrase (2^15, as the CLI keystore); tests lower it. */
  scryptN: number;
  /** Fee rate (sat/vB) when the mempool has no estimate yet [-fallbackfee, 0.0002 BTC/kvB on regtest]. */
  fallbackFeeRate: number;
  /** Lowest fee rate the wallet pays, sat/vB [-mintxfee, 0.00001 BTC/kvB]. */
  minFeeRate: number;
  /** Blocks the fee estimate aims at [-txconfirmtarget]. */
  confirmTarget: number;
  /** Highest fee rate accepted without an explicit override, sat/vB [-maxtxfee, as a rate]. */
  maxFeeRate: number;
  /** Mark new transactions replaceable (BIP125) [-walletrbf, on since Core 24]. */
  rbf: boolean;
  /** Spend our own unconfirmed change [-spendzeroconfchange]. */
  spendZeroConfChange: boolean;
}

export const WALLET_DEFAULTS: Readonly<WalletOptions> = Object.freeze({
  lookahead: 100,
  scryptN: 1 << 15,
  fallbackFeeRate: 20,
  minFeeRate: 1,
  confirmTarget: 6,
  maxFeeRate: 10_000,
  rbf: true,
  spendZeroConfChange: true,
});
