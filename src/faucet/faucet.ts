/**
 * The faucet service: pays a fixed amount from one loaded wallet (the path
 * sendtoaddress takes) to an address that passes the rules of address.ts and
 * limits.ts, records the payout in `<datadir>/faucet.json`, and reports its
 * balance and recent payouts. Requests run one at a time, so two at once
 * cannot both pass a limit that only one of them fits.
 */
import { join } from 'node:path';
import { isTallyError } from '../primitives/errors.js';
import { silentLogger, type LogWriter } from '../util/logger.js';
import type { PaymentRequest } from '../wallet/index.js';
import { checkPayoutAddress } from './address.js';
import { faucetError } from './errors.js';
import { checkLimits, checkSettings, normalizeIp, prune, type Payout } from './limits.js';
import { formatCoins, type FaucetLimits, type FaucetOptions } from './options.js';
import { loadPayouts, savePayouts } from './state.js';

/** What the faucet uses of a wallet (the node's Wallet satisfies it). */
export interface FaucetWallet {
  getBalances(): { trusted: bigint };
  getAddressInfo(address: string): { ismine: boolean };
  send(req: PaymentRequest): Promise<{ txid: string }>;
}

/** What the faucet uses of the wallet manager. */
export interface FaucetWallets {
  /** @throws WalletError `not-loaded` */
  get(name: string): FaucetWallet;
  /** Resolves once the wallets have applied every event the node announced (so the balance is current). */
  settled(): Promise<void>;
}

export interface FaucetModules {
  wallets: FaucetWallets;
  /** The network's name (the rules differ on regtest) and address prefix. */
  network: { name: string; addressPrefix: string };
  /** The node's datadir: the payout history lives in `faucet.json` there. */
  datadir: string;
  /** Seconds since the epoch: the node's clock. */
  clock: () => number;
  logger?: LogWriter;
}

/** A payout as others may see it (no client IP). */
export type PublicPayout = Omit<Payout, 'ip'>;

/** The faucet's state for getfaucetinfo and the page. */
export interface FaucetInfo {
  wallet: string;
  network: string;
  /** Satoshis per payout. */
  amount: bigint;
  /** The wallet's trusted balance, satoshis. */
  balance: bigint;
  limits: FaucetLimits;
  /** Newest first. */
  payouts: PublicPayout[];
}

export class Faucet {
  private payouts: Payout[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private readonly log: LogWriter;

  constructor(readonly opts: FaucetOptions, private readonly modules: FaucetModules) {
    this.log = modules.logger ?? silentLogger;
  }

  /** `<datadir>/faucet.json`. */
  get statePath(): string {
    return join(this.modules.datadir, 'faucet.json');
  }

  /**
   * Checks the settings for this network, that the wallet is loaded, and reads the history.
   * @throws FaucetError `bad-settings`, `wallet-missing`, `bad-state`
   */
  async start(): Promise<void> {
    checkSettings(this.opts, this.modules.network.name);
    this.wallet();
    this.payouts = loadPayouts(this.statePath);
    this.log.info({ wallet: this.opts.wallet, amount: formatCoins(this.opts.amount), payouts: this.payouts.length }, 'faucet on');
  }

  /** Lets a payout under way finish. */
  async stop(): Promise<void> {
    await this.queue;
  }

  /** The faucet's wallet. @throws FaucetError `wallet-missing` when it is not loaded */
  private wallet(): FaucetWallet {
    try {
      return this.modules.wallets.get(this.opts.wallet);
    } catch (err) {
      if (!isTallyError(err)) throw err;
      throw faucetError('wallet-missing', `faucet: wallet "${this.opts.wallet}" is not loaded (create it with createwallet, or check --wallet and <datadir>/wallets/)`);
    }
  }

  info(): FaucetInfo {
    const recent = [...this.payouts].sort((a, b) => b.time - a.time).slice(0, this.opts.recent);
    const { addressIntervalSeconds, ipLimit, ipWindowSeconds } = this.opts;
    return {
      wallet: this.opts.wallet, network: this.modules.network.name, amount: this.opts.amount, balance: this.wallet().getBalances().trusted,
      limits: { addressIntervalSeconds, ipLimit, ipWindowSeconds },
      payouts: recent.map(({ ip: _ip, ...p }) => p),
    };
  }

  /**
   * Pays the fixed amount to `address`. `ip` is the client's, from the public page;
   * the authenticated RPC passes none and only the address rule applies.
   * @throws FaucetError (see errors.ts); WalletError from the wallet (`unlock-needed` for a locked one)
   */
  request(address: unknown, ip?: string): Promise<PublicPayout> {
    const run = this.queue.then(() => this.pay(address, ip));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async pay(address: unknown, ip?: string): Promise<PublicPayout> {
    await this.modules.wallets.settled();
    const wallet = this.wallet();
    const to = checkPayoutAddress(address, this.modules.network.addressPrefix, (a) => wallet.getAddressInfo(a).ismine);
    const client = ip === undefined ? undefined : normalizeIp(ip);
    const now = this.modules.clock();
    checkLimits(this.payouts, { address: to, ...(client !== undefined ? { ip: client } : {}) }, now, this.opts);
    const txid = await this.send(wallet, to);
    const payout: Payout = { txid, address: to, amount: this.opts.amount, time: now, ...(client !== undefined ? { ip: client } : {}) };
    this.payouts = prune([...this.payouts, payout], now, this.opts, this.opts.recent);
    savePayouts(this.statePath, this.payouts);
    this.log.info({ txid, address: to }, 'faucet payout');
    const { ip: _ip, ...shown } = payout;
    return shown;
  }

  private async send(wallet: FaucetWallet, address: string): Promise<string> {
    const balance = wallet.getBalances().trusted;
    const empty = () => faucetError('insufficient-funds', `The faucet is empty: it holds ${formatCoins(balance)} coins and pays ${formatCoins(this.opts.amount)} plus the fee`);
    if (balance < this.opts.amount) throw empty();
    try {
      return (await wallet.send({ recipients: [{ address, amount: this.opts.amount }] })).txid;
    } catch (err) {
      if (isTallyError(err, 'insufficient-funds')) throw empty();
      throw err;
    }
  }
}
