/**
 * The faucet's rules as pure functions of its payout history and the time:
 * one payout per address per interval, a few per client IP per window, and
 * the settings a faucet may run with on each network. Time is an argument
 * (seconds, the node's clock), so the rules are tested without waiting.
 */
import { faucetError } from './errors.js';
import { formatCoins, MIN_AMOUNT, SHARED_NETWORK_CAPS, type FaucetLimits, type FaucetOptions } from './options.js';

/** One payout, as the faucet records it. */
export interface Payout {
  txid: string;
  /** Lower case: bech32 is case-insensitive, and `TLR1P…` must not count as another address. */
  address: string;
  /** Satoshis. */
  amount: bigint;
  /** Node-clock seconds. */
  time: number;
  /** The client IP, for requests through the public page; never shown. */
  ip?: string;
}

/** Who asks: the address to pay and, from the public page, the client's IP. */
export interface PayoutRequest {
  address: string;
  ip?: string;
}

/** Which rule refuses a request, and the seconds until it would not. */
export interface Wait {
  code: 'address-limited' | 'ip-limited';
  seconds: number;
}

/** IPv4 clients reach a dual-stack socket as `::ffff:a.b.c.d`; one client, one key. */
export function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip.toLowerCase();
}

/** The seconds `req` must wait under `limits` at `now`, or undefined when it may be paid now. */
export function waitFor(payouts: readonly Payout[], req: PayoutRequest, now: number, limits: FaucetLimits): Wait | undefined {
  const address = req.address.toLowerCase();
  if (limits.addressIntervalSeconds > 0) {
    const last = Math.max(-Infinity, ...payouts.filter((p) => p.address === address).map((p) => p.time));
    const seconds = last + limits.addressIntervalSeconds - now;
    if (seconds > 0) return { code: 'address-limited', seconds: Math.ceil(seconds) };
  }
  if (limits.ipLimit > 0 && req.ip !== undefined) {
    const ip = normalizeIp(req.ip);
    const inWindow = payouts.filter((p) => p.ip === ip && p.time > now - limits.ipWindowSeconds).map((p) => p.time).sort((a, b) => a - b);
    if (inWindow.length >= limits.ipLimit) {
      // Allowed again once enough of the window's payouts have aged out of it.
      const freed = inWindow[inWindow.length - limits.ipLimit]!;
      return { code: 'ip-limited', seconds: Math.max(1, Math.ceil(freed + limits.ipWindowSeconds - now)) };
    }
  }
  return undefined;
}

/** A wait in words: `45 s`, `12 min`, `23 h 5 min`. */
export function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  return minutes % 60 ? `${h} h ${minutes % 60} min` : `${h} h`;
}

/** @throws FaucetError `address-limited` or `ip-limited`, with `retryAfter` in seconds */
export function checkLimits(payouts: readonly Payout[], req: PayoutRequest, now: number, limits: FaucetLimits): void {
  const wait = waitFor(payouts, req, now, limits);
  if (!wait) return;
  const who = wait.code === 'address-limited' ? 'This address has already received coins' : 'This computer has asked for coins too often';
  throw faucetError(wait.code, `${who}: try again in ${describeWait(wait.seconds)}`, wait.seconds);
}

/**
 * The history worth keeping: payouts still inside a rule's window, and the
 * last `keep` for the page, so the state file stays small however long the
 * faucet runs. A client IP is kept only while the IP window needs it.
 */
export function prune(payouts: readonly Payout[], now: number, limits: FaucetLimits, keep: number): Payout[] {
  const horizon = now - Math.max(limits.addressIntervalSeconds, limits.ipLimit > 0 ? limits.ipWindowSeconds : 0);
  const sorted = [...payouts].sort((a, b) => a.time - b.time);
  return sorted.filter((p, i) => p.time > horizon || i >= sorted.length - keep)
    .map(({ ip, ...p }) => (ip !== undefined && limits.ipLimit > 0 && p.time > now - limits.ipWindowSeconds ? { ...p, ip } : p));
}

/**
 * The settings a faucet may run with. Everywhere: a payout above dust and an IP
 * window when the IP rule is on. Outside regtest (a network others share), also:
 * both limits on, a payout of at most 10 coins, an address interval of at least
 * an hour, at most 20 payouts per IP in a window of at least 10 minutes.
 * @throws FaucetError `bad-settings`, naming the option to change
 */
export function checkSettings(opts: Omit<FaucetOptions, 'wallet'>, network: string): void {
  const bad = (msg: string): never => { throw faucetError('bad-settings', `faucet: ${msg}`); };
  if (opts.amount < MIN_AMOUNT) bad(`--faucet-amount must be at least ${formatCoins(MIN_AMOUNT)} (dust)`);
  if (opts.ipLimit > 0 && opts.ipWindowSeconds <= 0) bad('--faucet-ip-window must be above 0 while --faucet-ip-limit is on');
  if (network === 'regtest') return;
  const caps = SHARED_NETWORK_CAPS;
  const on = `on ${network}`;
  if (opts.amount > caps.maxAmount) bad(`--faucet-amount is at most ${formatCoins(caps.maxAmount)} ${on} (regtest only allows more)`);
  if (opts.addressIntervalSeconds < caps.minAddressIntervalSeconds) bad(`--faucet-address-interval must be at least ${caps.minAddressIntervalSeconds} s ${on}: the per-address limit stays on outside regtest`);
  if (opts.ipLimit < 1 || opts.ipLimit > caps.maxIpLimit) bad(`--faucet-ip-limit must be 1 to ${caps.maxIpLimit} ${on}: the per-IP limit stays on outside regtest`);
  if (opts.ipWindowSeconds < caps.minIpWindowSeconds) bad(`--faucet-ip-window must be at least ${caps.minIpWindowSeconds} s ${on}`);
}
