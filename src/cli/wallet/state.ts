/**
 * What the node knows about the wallet's address, read over RPC: confirmed
 * coins from the address index (getaddressutxos, getaddressbalance), which of
 * them the mempool already spends and which are immature coinbases (gettxout),
 * and unconfirmed activity (getaddresstxids with the mempool, getrawtransaction).
 * The node never sees the key.
 */
import { COIN } from '../../consensus/constants.js';
import { RpcCallError, type RpcClient, type RpcReply } from '../commands/rpc.js';

export type CoinStatus = 'spendable' | 'immature' | 'spent-in-mempool' | 'unconfirmed';

export interface WalletCoin {
  txid: string;
  vout: number;
  /** Satoshis. */
  value: bigint;
  /** Block height; undefined while unconfirmed. */
  height?: number;
  confirmations: number;
  coinbase: boolean;
  status: CoinStatus;
}

export interface WalletState {
  address: string;
  coins: WalletCoin[];
  /** Satoshis in confirmed unspent outputs (getaddressbalance). */
  confirmed: bigint;
  /** Everything the address ever received in confirmed transactions. */
  received: bigint;
  /** Net effect of mempool transactions: received minus spent. */
  unconfirmed: bigint;
  /** Confirmed coinbase outputs not yet spendable. */
  immature: bigint;
  /** What `send` can use now. */
  spendable: bigint;
}

interface AddressUtxo { txid: string; outputIndex: number; satoshis: number; height: number }
interface TxOut { confirmations: number; coinbase: boolean }
interface RawTx { txid: string; confirmations?: number; vin: { txid?: string; vout?: number }[]; vout: { n: number; value: number; scriptPubKey: { address?: string } }[] }

/** Coins (a JSON number with at most 8 decimals) to satoshis, exactly. */
export function coinsToSats(value: number): bigint {
  const [whole = '0', frac = ''] = value.toFixed(8).split('.');
  return BigInt(whole) * COIN + BigInt(frac.padEnd(8, '0'));
}

/** Satoshis as a coin amount string with 8 decimals. */
export function formatCoins(sats: bigint): string {
  const sign = sats < 0n ? '-' : '';
  const abs = sats < 0n ? -sats : sats;
  return `${sign}${abs / COIN}.${(abs % COIN).toString().padStart(8, '0')}`;
}

function unwrap<T>(reply: RpcReply): T {
  if (reply.error) throw new RpcCallError(reply.error.code, reply.error.message);
  return reply.result as T;
}

/** Reads the address's coins and balances from the node. */
export async function loadWalletState(client: RpcClient, address: string, coinbaseMaturity: number): Promise<WalletState> {
  const addresses = { addresses: [address] };
  const [utxoReply, balanceReply, confirmedReply, allReply] = await client.batch([
    { method: 'getaddressutxos', params: [addresses] },
    { method: 'getaddressbalance', params: [addresses] },
    { method: 'getaddresstxids', params: [addresses, false] },
    { method: 'getaddresstxids', params: [addresses, true] },
  ]);
  const utxos = unwrap<AddressUtxo[]>(utxoReply!);
  const balance = unwrap<{ balance: number; received: number }>(balanceReply!);
  const confirmedTxids = new Set(unwrap<string[]>(confirmedReply!));
  const pendingTxids = unwrap<string[]>(allReply!).filter((t) => !confirmedTxids.has(t));

  const outs = await client.batch(utxos.map((u) => ({ method: 'gettxout', params: [u.txid, u.outputIndex, true] })));
  const coins: WalletCoin[] = utxos.map((u, i) => {
    const out = unwrap<TxOut | null>(outs[i]!);
    const confirmations = out?.confirmations ?? 0;
    const coinbase = out?.coinbase ?? false;
    // gettxout with the mempool answers null for an output a pool transaction spends.
    const status: CoinStatus = out === null ? 'spent-in-mempool' : coinbase && confirmations < coinbaseMaturity ? 'immature' : 'spendable';
    return { txid: u.txid, vout: u.outputIndex, value: BigInt(u.satoshis), height: u.height, confirmations, coinbase, status };
  });

  const raws = (await client.batch(pendingTxids.map((t) => ({ method: 'getrawtransaction', params: [t, 1] })))).map((r) => unwrap<RawTx>(r));
  const mine = new Map(coins.map((c) => [`${c.txid}:${c.vout}`, c.value]));
  let unconfirmed = 0n;
  for (const tx of raws) {
    for (const o of tx.vout) {
      if (o.scriptPubKey.address !== address) continue;
      const value = coinsToSats(o.value);
      unconfirmed += value;
      mine.set(`${tx.txid}:${o.n}`, value);
      coins.push({ txid: tx.txid, vout: o.n, value, confirmations: 0, coinbase: false, status: 'unconfirmed' });
    }
  }
  // Parents come before children in the list, so a chain of unconfirmed spends is counted.
  for (const tx of raws) for (const i of tx.vin) unconfirmed -= mine.get(`${i.txid}:${i.vout}`) ?? 0n;

  const sum = (status: CoinStatus) => coins.filter((c) => c.status === status).reduce((s, c) => s + c.value, 0n);
  return {
    address, coins, confirmed: BigInt(balance.balance), received: BigInt(balance.received), unconfirmed,
    immature: sum('immature'), spendable: sum('spendable'),
  };
}

/** A coin as JSON for `tally wallet keystore utxos`. */
export function coinJson(c: WalletCoin): Record<string, unknown> {
  return { txid: c.txid, vout: c.vout, amount: Number(formatCoins(c.value)), height: c.height ?? null, confirmations: c.confirmations, coinbase: c.coinbase, status: c.status };
}
