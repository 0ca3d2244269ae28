/**
 * The faucet's pure rules with an injected clock: one payout per address per
 * interval, a few per IP per window, windows that expire, the history kept,
 * and the settings each network accepts (testnet refuses regtest-only ones).
 */
import { describe, expect, it } from 'vitest';
import { checkLimits, checkSettings, describeWait, FAUCET_DEFAULTS, FaucetError, normalizeIp, prune, SATS_PER_COIN, waitFor, type FaucetLimits, type Payout } from '../../../src/faucet/index.js';
import { thrownCode } from '../../helpers/errors.js';

const LIMITS: FaucetLimits = { addressIntervalSeconds: 86_400, ipLimit: 3, ipWindowSeconds: 3_600 };
const T0 = 1_800_000_000;

function payout(address: string, time: number, ip?: string): Payout {
  return { txid: `${time}`.padStart(64, '0'), address, amount: SATS_PER_COIN, time, ...(ip !== undefined ? { ip } : {}) };
}

function refusal(fn: () => void): FaucetError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FaucetError) return err;
    throw err;
  }
  throw new Error('expected a FaucetError');
}

describe('per-address limit', () => {
  const history = [payout('tlr1pa', T0, '10.0.0.1')];

  it('refuses a second payout to an address inside the interval, saying how long to wait', () => {
    const err = refusal(() => checkLimits(history, { address: 'tlr1pa' }, T0 + 60, LIMITS));
    expect(err.code).toBe('address-limited');
    expect(err.rpcCode).toBe(-32005);
    expect(err.retryAfter).toBe(86_400 - 60);
  });

  it('counts an address in upper case as the same address', () => {
    expect(waitFor(history, { address: 'TLR1PA' }, T0 + 1, LIMITS)?.code).toBe('address-limited');
  });

  it('pays again once the interval has passed, and pays other addresses at once', () => {
    expect(waitFor(history, { address: 'tlr1pa' }, T0 + 86_400, LIMITS)).toBeUndefined();
    expect(waitFor(history, { address: 'tlr1pb' }, T0 + 1, LIMITS)).toBeUndefined();
  });

  it('is off with an interval of 0', () => {
    expect(waitFor(history, { address: 'tlr1pa' }, T0, { ...LIMITS, addressIntervalSeconds: 0 })).toBeUndefined();
  });
});

describe('per-IP limit', () => {
  const history = [payout('tlr1pa', T0, '10.0.0.1'), payout('tlr1pb', T0 + 100, '10.0.0.1'), payout('tlr1pc', T0 + 200, '10.0.0.1')];

  it('refuses the fourth payout to one IP inside the window, until the oldest leaves it', () => {
    const wait = waitFor(history, { address: 'tlr1pd', ip: '10.0.0.1' }, T0 + 300, LIMITS);
    expect(wait).toEqual({ code: 'ip-limited', seconds: 3_600 - 300 });
    expect(thrownCode(() => checkLimits(history, { address: 'tlr1pd', ip: '10.0.0.1' }, T0 + 300, LIMITS), FaucetError)).toBe('ip-limited');
    expect(waitFor(history, { address: 'tlr1pd', ip: '10.0.0.1' }, T0 + 3_600, LIMITS)).toBeUndefined();
  });

  it('counts an IPv4 client seen on a dual-stack socket as the same client', () => {
    expect(normalizeIp('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(waitFor(history, { address: 'tlr1pd', ip: normalizeIp('::ffff:10.0.0.1') }, T0 + 300, LIMITS)?.code).toBe('ip-limited');
  });

  it('leaves other IPs and requests without an IP (the authenticated RPC) alone', () => {
    expect(waitFor(history, { address: 'tlr1pd', ip: '10.0.0.2' }, T0 + 300, LIMITS)).toBeUndefined();
    expect(waitFor(history, { address: 'tlr1pd' }, T0 + 300, LIMITS)).toBeUndefined();
  });

  it('is off with a limit of 0', () => {
    expect(waitFor(history, { address: 'tlr1pd', ip: '10.0.0.1' }, T0 + 300, { ...LIMITS, ipLimit: 0 })).toBeUndefined();
  });
});

describe('history and words', () => {
  it('keeps payouts inside a window and the last few for the page, and drops the rest', () => {
    const old = [payout('tlr1pa', T0), payout('tlr1pb', T0 + 10), payout('tlr1pc', T0 + 20)];
    const now = T0 + 200_000;
    expect(prune(old, now, LIMITS, 1).map((p) => p.address)).toEqual(['tlr1pc']);
    const recent = payout('tlr1pd', now - 10);
    expect(prune([...old, recent], now, LIMITS, 0)).toEqual([recent]);
  });

  it('forgets a client IP once the IP window has passed', () => {
    const kept = prune([payout('tlr1pa', T0, '10.0.0.1'), payout('tlr1pb', T0 + 3_000, '10.0.0.2')], T0 + 3_700, LIMITS, 20);
    expect(kept.map((p) => p.ip)).toEqual([undefined, '10.0.0.2']);
  });

  it('says a wait in seconds, minutes or hours', () => {
    expect(describeWait(45)).toBe('45 s');
    expect(describeWait(600)).toBe('10 min');
    expect(describeWait(86_340)).toBe('23 h 59 min');
    expect(describeWait(7_200)).toBe('2 h');
  });
});

describe('settings by network', () => {
  const base = { ...FAUCET_DEFAULTS };

  it('accepts the defaults everywhere', () => {
    expect(() => checkSettings(base, 'regtest')).not.toThrow();
    expect(() => checkSettings(base, 'testnet')).not.toThrow();
  });

  it('lets regtest turn the limits off and pay a lot', () => {
    expect(() => checkSettings({ ...base, addressIntervalSeconds: 0, ipLimit: 0, amount: 1_000n * SATS_PER_COIN }, 'regtest')).not.toThrow();
  });

  it('refuses on testnet what only makes sense on regtest', () => {
    const refused = [
      { addressIntervalSeconds: 0 }, { addressIntervalSeconds: 60 }, { ipLimit: 0 }, { ipLimit: 21 },
      { ipWindowSeconds: 60 }, { amount: 10n * SATS_PER_COIN + 1n },
    ];
    for (const change of refused) expect(thrownCode(() => checkSettings({ ...base, ...change }, 'testnet'), FaucetError), Object.keys(change)[0]).toBe('bad-settings');
    expect(() => checkSettings({ ...base, amount: 10n * SATS_PER_COIN, ipLimit: 20 }, 'testnet')).not.toThrow();
  });

  it('refuses a dust payout and an IP limit without a window on every network', () => {
    for (const network of ['regtest', 'testnet']) {
      expect(thrownCode(() => checkSettings({ ...base, amount: 329n }, network), FaucetError), network).toBe('bad-settings');
      expect(thrownCode(() => checkSettings({ ...base, ipWindowSeconds: 0 }, network), FaucetError), network).toBe('bad-settings');
    }
  });
});
