/**
 * The faucet end to end on a regtest node built as `tally node --faucet fw
 * --explorer` builds it, with a wallet funded by mining: the `faucet` RPC pays
 * into the mempool, refuses a second payout to an address (-32005 with the
 * wait), another network's, an invalid, an empty and its own address (-5, -8),
 * and an amount the wallet cannot pay (-6); without --faucet the methods do not
 * exist (-32601). The public endpoint needs no credentials, limits by the
 * socket's IP unless told to trust X-Forwarded-For, and its limits, like the
 * RPC's, survive a restart. Startup refuses a missing wallet, --disablewallet,
 * and testnet settings that only make sense on regtest.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testnet } from '../../src/consensus/params.js';
import { resolveConfig } from '../../src/node/config.js';
import { ConfigError } from '../../src/node/options/errors.js';
import { planNode } from '../../src/node/wire.js';
import { encodeAddress } from '../../src/primitives/address.js';
import { prepareFaucetWallets, startFaucetNode, type FaucetTestNode } from '../helpers/faucet-node.js';
import { tempDir } from '../helpers/tmp.js';

const SLOW = { timeout: 120_000 };
const datadir = tempDir('faucet-e2e');
const FAUCET = { faucet: ['fw'], wallet: ['student'], explorer: [''] };
let node: FaucetTestNode;
let student: string;

/** What /faucet/request answers: a payout, or an error. */
interface PublicReply { txid?: string; error?: { code: number; reason: string; message: string; retry_after?: number } }

/** A public request, as the page makes it: no credentials. */
async function publicRequest(address: string, headers: Record<string, string> = {}): Promise<{ status: number; body: PublicReply; retryAfter: string | null }> {
  const res = await fetch(`${node.host}/faucet/request`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ address }) });
  return { status: res.status, body: (await res.json()) as PublicReply, retryAfter: res.headers.get('retry-after') };
}

const newStudentAddress = () => node.result<string>('getnewaddress', [], '/wallet/student');

beforeAll(async () => {
  student = await prepareFaucetWallets(datadir);
  node = await startFaucetNode(datadir, FAUCET);
}, 180_000);

afterAll(async () => {
  await node?.stop();
});

describe('startup', SLOW, () => {
  it('refuses a missing wallet, --disablewallet, and regtest-only settings on testnet, before anything starts', async () => {
    const plan = (network: string, dir: string, options: Record<string, string[]>) => planNode(resolveConfig({ network, datadir: dir, options }), { p2p: false });
    await expect(plan('regtest', datadir, { faucet: ['nope'] })).rejects.toMatchObject({ code: 'bad-option', option: 'faucet' });
    await expect(plan('regtest', datadir, { faucet: ['fw'], disablewallet: [''] })).rejects.toBeInstanceOf(ConfigError);
    const testnetDir = tempDir('faucet-testnet');
    mkdirSync(join(testnetDir, 'wallets', 'fw'), { recursive: true });
    await expect(plan('testnet', testnetDir, { faucet: ['fw'], 'faucet-ip-limit': ['0'] })).rejects.toMatchObject({ code: 'bad-option' });
    await expect(plan('testnet', testnetDir, { faucet: ['fw'], 'faucet-amount': ['25'] })).rejects.toMatchObject({ code: 'bad-option' });
    expect((await plan('testnet', testnetDir, { faucet: ['fw'] })).faucet?.wallet).toBe('fw');
  });

  it('has no faucet methods without --faucet (-32601)', async () => {
    const plain = await startFaucetNode(tempDir('faucet-off'));
    try {
      expect((await plain.call('faucet', [student])).error?.code).toBe(-32601);
      expect((await plain.call('getfaucetinfo')).error?.code).toBe(-32601);
    } finally {
      await plain.stop();
    }
  });
});

describe('the faucet RPC', SLOW, () => {
  it('pays the fixed amount into the mempool and lists the payout', async () => {
    const paid = await node.result<{ txid: string; amount: number; address: string }>('faucet', [student]);
    expect(paid).toEqual({ txid: expect.stringMatching(/^[0-9a-f]{64}$/), amount: 1, address: student });
    expect(await node.result<string[]>('getrawmempool')).toContain(paid.txid);
    expect((await node.result<{ mine: { untrusted_pending: number } }>('getbalances', [], '/wallet/student')).mine.untrusted_pending).toBe(1);
    const info = await node.result<{ amount: number; balance: number; limits: Record<string, number>; payouts: { txid: string; address: string; amount: number; time: number }[] }>('getfaucetinfo');
    expect(info.amount).toBe(1);
    expect(info.limits).toEqual({ address_interval: 86_400, ip_limit: 3, ip_window: 3_600 });
    expect(info.payouts[0]).toMatchObject({ txid: paid.txid, address: student, amount: 1 });
    expect(info.balance).toBeGreaterThan(40);
    expect(info.balance).toBeLessThan(50);
  });

  it('refuses a second payout to the same address with -32005 and the seconds to wait', async () => {
    const { error } = await node.call('faucet', [student]);
    expect(error?.code).toBe(-32005);
    expect(error?.data?.reason).toBe('address-limited');
    expect(error?.data?.retry_after).toBeGreaterThan(86_000);
    expect(error?.data?.retry_after).toBeLessThanOrEqual(86_400);
  });

  it('refuses another network\'s address and an invalid one (-5), an empty one and its own (-8)', async () => {
    const key = new Uint8Array(32).fill(3);
    const cases: [string, number, string][] = [
      [encodeAddress(testnet.addressPrefix, key), -5, 'wrong-network'],
      [encodeAddress('bc', key), -5, 'wrong-network'],
      ['not-an-address', -5, 'invalid-address'],
      ['', -8, 'invalid-parameter'],
      [await node.result<string>('getnewaddress', [], '/wallet/fw'), -8, 'own-address'],
    ];
    for (const [address, code, reason] of cases) {
      const { error } = await node.call('faucet', [address]);
      expect({ address, code: error?.code, reason: error?.data?.reason }).toEqual({ address, code, reason });
    }
  });
});

describe('the public endpoint', SLOW, () => {
  it('pays without credentials, while the JSON-RPC still wants them', async () => {
    const r = await publicRequest(await newStudentAddress());
    expect(r.status).toBe(200);
    expect(await node.result<string[]>('getrawmempool')).toContain(r.body.txid);
    const info = await fetch(`${node.host}/faucet/info`);
    expect(info.status).toBe(200);
    expect(((await info.json()) as { payouts: { txid: string }[] }).payouts.map((p) => p.txid)).toContain(r.body.txid);
    const rpc = await fetch(`${node.host}/`, { method: 'POST', body: JSON.stringify({ method: 'getfaucetinfo', params: [] }) });
    expect(rpc.status).toBe(401);
  });

  it('limits the socket\'s IP (a forged X-Forwarded-For does not help) with HTTP 429 and Retry-After', async () => {
    for (let i = 0; i < 2; i++) expect((await publicRequest(await newStudentAddress())).status).toBe(200);
    const r = await publicRequest(await newStudentAddress(), { 'x-forwarded-for': '10.9.9.9' });
    expect(r.status).toBe(429);
    expect(r.body.error).toMatchObject({ code: -32005, reason: 'ip-limited' });
    expect(Number(r.retryAfter)).toBeGreaterThan(0);
    expect(r.body.error?.retry_after).toBe(Number(r.retryAfter));
  });
});

describe('after a restart', SLOW, () => {
  it('keeps both limits, and honours X-Forwarded-For only when told to', async () => {
    await node.stop();
    node = await startFaucetNode(datadir, { ...FAUCET, 'faucet-trust-forwarded-for': [''] });
    expect((await node.call('faucet', [student])).error?.data?.reason).toBe('address-limited');
    expect((await publicRequest(await newStudentAddress())).body.error?.reason).toBe('ip-limited');
    expect((await publicRequest(await newStudentAddress(), { 'x-forwarded-for': '198.51.100.1, 10.9.9.9' })).status).toBe(200);
  });

  it('answers -6 when the wallet cannot pay the amount', async () => {
    await node.stop();
    node = await startFaucetNode(datadir, { ...FAUCET, 'faucet-amount': ['1000'] });
    const { error } = await node.call('faucet', [await newStudentAddress()]);
    expect(error?.code).toBe(-6);
    expect(error?.data?.reason).toBe('insufficient-funds');
  });
});
