/** Faucet options, their defaults, and the caps that hold outside regtest. */

export const SATS_PER_COIN = 100_000_000n;

export interface FaucetLimits {
  /** Seconds between two payouts to one address; 0 turns the rule off. */
  addressIntervalSeconds: number;
  /** Payouts one client IP may receive per window; 0 turns the rule off. */
  ipLimit: number;
  /** The IP rule's window, in seconds. */
  ipWindowSeconds: number;
}

export interface FaucetOptions extends FaucetLimits {
  /** The loaded wallet the faucet pays from. */
  wallet: string;
  /** Satoshis per payout. */
  amount: bigint;
  /** Take the client IP from the last X-Forwarded-For entry (behind a reverse proxy) rather than the socket. */
  trustForwardedFor: boolean;
  /** Payouts shown on the page and by getfaucetinfo. */
  recent: number;
}

/** One coin per address a day, three per IP an hour: enough for a class, slow for a script. */
export const FAUCET_DEFAULTS: Omit<FaucetOptions, 'wallet'> = {
  amount: SATS_PER_COIN,
  addressIntervalSeconds: 86_400,
  ipLimit: 3,
  ipWindowSeconds: 3_600,
  trustForwardedFor: false,
  recent: 20,
};

/**
 * What a faucet on a shared network (anything but regtest) must respect: its
 * coins are worth something to the other students, so the limits stay on and
 * a payout stays small.
 */
export const SHARED_NETWORK_CAPS = {
  /** Largest payout, satoshis (10 coins). */
  maxAmount: 10n * SATS_PER_COIN,
  /** Shortest interval between payouts to one address (1 hour). */
  minAddressIntervalSeconds: 3_600,
  /** Most payouts per IP per window. */
  maxIpLimit: 20,
  /** Shortest IP window (10 minutes). */
  minIpWindowSeconds: 600,
} as const;

/** Smallest payout anywhere: Core's dust limit for a taproot output (330 sat). */
export const MIN_AMOUNT = 330n;

/** `"1.5"` → 150000000n: a plain decimal with at most 8 places; undefined for anything else. */
export function parseCoins(text: string): bigint | undefined {
  const m = /^(\d{1,10})(?:\.(\d{1,8}))?$/.exec(text.trim());
  if (!m) return undefined;
  return BigInt(m[1]!) * SATS_PER_COIN + BigInt((m[2] ?? '').padEnd(8, '0'));
}

/** 150000000n → `"1.5"`. */
export function formatCoins(sats: bigint): string {
  const whole = sats / SATS_PER_COIN;
  const frac = (sats % SATS_PER_COIN).toString().padStart(8, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : `${whole}`;
}
