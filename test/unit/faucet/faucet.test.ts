/**
 * The faucet service over a wallet stand-in and a real datadir: it pays and
 * records, refuses within the limits by an injected clock, keeps its limits
 * across a restart (faucet.json), refuses to start without its wallet or with
 * testnet-unsafe settings, serializes concurrent requests, and reports an empty wallet.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { regtest, testnet } from '../../../src/consensus/params.js';
import { Faucet, FAUCET_DEFAULTS, FaucetError, SATS_PER_COIN, type FaucetOptions, type FaucetWallet } from '../../../src/faucet/index.js';
import { encodeAddress } from '../../../src/primitives/address.js';
import { WalletError } from '../../../src/wallet/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { rejectedCode } from '../../helpers/errors.js';

const address = (n: number, prefix = regtest.addressPrefix) => encodeAddress(prefix, new Uint8Array(32).fill(n));
const OWN = address(99);
const OPTS: FaucetOptions = { ...FAUCET_DEFAULTS, wallet: 'fw' };

/** A wallet that pays from a balance (the real one is exercised in test/e2e/faucet-rpc.test.ts). */
class StandInWallet implements FaucetWallet {
  sent: string[] = [];
  constructor(public balance: bigint) {}
  getBalances() { return { trusted: this.balance }; }
  getAddressInfo(a: string) { return { ismine: a === OWN }; }
  async send(req: { recipients: readonly { address: string; amount: bigint }[] }) {
    const r = req.recipients[0]!;
    if (r.amount + 1_000n > this.balance) throw new WalletError('insufficient-funds', 'Insufficient funds');
    this.balance -= r.amount + 1_000n;
    this.sent.push(r.address);
    return { txid: `${this.sent.length}`.padStart(64, 'a') };
  }
}

function setup(opts: Partial<FaucetOptions> = {}, network = regtest, wallet = new StandInWallet(100n * SATS_PER_COIN), datadir = tempDir('faucet')) {
  const clock = { now: 1_800_000_000 };
  const loaded = new Map<string, StandInWallet>([['fw', wallet]]);
  const modules = {
    wallets: {
      get: (name: string) => { const w = loaded.get(name); if (!w) throw new WalletError('not-loaded', 'not loaded'); return w; },
      settled: async () => undefined,
    },
    network, datadir, clock: () => clock.now,
  };
  const make = () => new Faucet({ ...OPTS, ...opts }, modules);
  return { clock, wallet, datadir, make, loaded };
}

const code = (p: Promise<unknown>): Promise<string> => rejectedCode(p, FaucetError);

describe('Faucet', () => {
  it('pays the fixed amount, lists the payout, and refuses the same address until the interval passes', async () => {
    const s = setup();
    const faucet = s.make();
    await faucet.start();
    const p = await faucet.request(address(1), '10.0.0.1');
    expect(p).toMatchObject({ address: address(1), amount: SATS_PER_COIN, time: s.clock.now });
    expect(faucet.info().payouts).toEqual([p]);
    expect(faucet.info().balance).toBe(99n * SATS_PER_COIN - 1_000n);
    expect(await code(faucet.request(address(1)))).toBe('address-limited');
    s.clock.now += FAUCET_DEFAULTS.addressIntervalSeconds;
    await faucet.request(address(1));
    expect(s.wallet.sent).toEqual([address(1), address(1)]);
  });

  it('limits one IP to a few payouts per window', async () => {
    const s = setup();
    const faucet = s.make();
    await faucet.start();
    for (let i = 1; i <= FAUCET_DEFAULTS.ipLimit; i++) await faucet.request(address(i), '10.0.0.1');
    expect(await code(faucet.request(address(10), '::ffff:10.0.0.1'))).toBe('ip-limited');
    await faucet.request(address(11), '10.0.0.2');
    s.clock.now += FAUCET_DEFAULTS.ipWindowSeconds;
    await faucet.request(address(12), '10.0.0.1');
  });

  it('keeps its limits across a restart', async () => {
    const s = setup();
    const first = s.make();
    await first.start();
    await first.request(address(1), '10.0.0.1');
    await first.stop();
    const second = s.make();
    await second.start();
    expect(second.info().payouts.map((p) => p.address)).toEqual([address(1)]);
    expect(await code(second.request(address(1)))).toBe('address-limited');
  });

  it('refuses to start on a damaged history rather than forget its limits', async () => {
    const s = setup();
    writeFileSync(join(s.datadir, 'faucet.json'), '{"version":1,"payo');
    expect(await code(s.make().start())).toBe('bad-state');
  });

  it('refuses to start without its wallet, and on testnet with regtest-only settings', async () => {
    const s = setup();
    s.loaded.clear();
    expect(await code(s.make().start())).toBe('wallet-missing');
    expect(await code(setup({ ipLimit: 0 }, testnet).make().start())).toBe('bad-settings');
    expect(await code(setup({ amount: 50n * SATS_PER_COIN }, testnet).make().start())).toBe('bad-settings');
  });

  it('refuses its own address and one of another network', async () => {
    const faucet = setup().make();
    await faucet.start();
    expect(await code(faucet.request(OWN))).toBe('own-address');
    expect(await code(faucet.request(address(1, testnet.addressPrefix)))).toBe('wrong-network');
  });

  it('says it is empty when the wallet cannot pay the amount and the fee', async () => {
    const faucet = setup({}, regtest, new StandInWallet(SATS_PER_COIN)).make();
    await faucet.start();
    expect(await code(faucet.request(address(1)))).toBe('insufficient-funds');
    const tiny = setup({}, regtest, new StandInWallet(SATS_PER_COIN / 2n)).make();
    await tiny.start();
    expect(await code(tiny.request(address(1)))).toBe('insufficient-funds');
  });

  it('pays only one of two requests for the same address made at once', async () => {
    const s = setup();
    const faucet = s.make();
    await faucet.start();
    const results = await Promise.allSettled([faucet.request(address(1)), faucet.request(address(1))]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(s.wallet.sent).toEqual([address(1)]);
  });
});
