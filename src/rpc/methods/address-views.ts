/**
 * What the addressindex methods answer, in the insight/bitcore dialect's
 * shapes (amounts in satoshis). Confirmed reads stream the chain's index
 * iterators (merged across addresses in block order), so a page costs its own
 * size however long the history; only an unpaged call holds its whole answer.
 */
import { hashToHex, toHex } from '../../primitives/bytes.js';
import { afterTransaction, type AddressDelta, type AddressUtxo, type Cursored } from '../../chain/index.js';
import { isPaged, mergeByCursor, takePage, type AddressQuery, type IndexedAddress } from '../address-query.js';
import { RPC, RpcError } from '../errors.js';
import type { RpcContext } from '../types.js';

/**
 * Cursor sizes: a delta's key after the script; a transaction's (height, position, txid,
 * and 0xff when read oldest first, to pass its last delta); an unspent output's.
 */
export const DELTA_CURSOR_BYTES = 45;
export const txCursorBytes = (reverse: boolean): number => (reverse ? 40 : 41);
export const UNSPENT_CURSOR_BYTES = 40;

type Ctx = Pick<RpcContext, 'chain' | 'mempool'>;

/** A coinbase output is immature until it has `coinbaseMaturity` confirmations (Core's bad-txns-premature-spend-of-coinbase). */
function immature(u: AddressUtxo, tipHeight: number, maturity: number): boolean {
  return u.coinbase && tipHeight - u.height + 1 < maturity;
}

function rangeOf(q: AddressQuery) {
  return { ...(q.start !== undefined ? { start: q.start, end: q.end } : {}), ...(q.cursor ? { after: q.cursor } : {}), reverse: q.reverse };
}

function unspentStream(q: AddressQuery, ctx: Ctx) {
  return mergeByCursor(q.addresses.map((a) => ctx.chain.addressUnspent(a.script, rangeOf(q))), q.reverse);
}

function deltaStream(q: AddressQuery, ctx: Ctx) {
  return mergeByCursor(q.addresses.map((a) => ctx.chain.addressDeltas(a.script, rangeOf(q))), q.reverse);
}

/** `{ hash, height }` of a best-chain height, as chainInfo gives it. */
function blockRef(ctx: Ctx, height: number): { hash: string; height: number } {
  return { hash: ctx.chain.getEntryAtHeight(height)!.hashHex, height };
}

/** getaddressutxos: oldest first, each with `coinbase` and `confirmations` so a wallet can skip immature coins. */
export async function utxosView(q: AddressQuery, ctx: Ctx): Promise<unknown> {
  const tip = ctx.chain.tip;
  const page = await takePage(unspentStream(q, ctx), q.limit, (u) => u.cursor);
  const utxos = page.items.map((u) => utxoJson(q.addresses[u.source]!, u, tip.height));
  const info = q.chainInfo ? { hash: tip.hashHex, height: tip.height } : {};
  if (isPaged(q)) return { utxos, next: page.next, ...info };
  return q.chainInfo ? { utxos, ...info } : utxos;
}

function utxoJson(a: IndexedAddress, u: Cursored<AddressUtxo>, tipHeight: number): Record<string, unknown> {
  return {
    address: a.address, txid: hashToHex(u.txid), outputIndex: u.vout, script: toHex(a.script), satoshis: Number(u.value), height: u.height,
    coinbase: u.coinbase, confirmations: tipHeight - u.height + 1,
  };
}

/**
 * getaddressbalance: `balance` is every confirmed unspent output, immature
 * coinbases included, as the dialect defines it; `immature` is the part that
 * cannot be spent yet and `spendable` the rest; `received` is every output ever
 * paid to the addresses (change included).
 */
export async function balanceView(q: AddressQuery, ctx: Ctx): Promise<Record<string, number>> {
  const tipHeight = ctx.chain.tip.height;
  const maturity = ctx.chain.params.coinbaseMaturity;
  let balance = 0n;
  let locked = 0n;
  let received = 0n;
  for (const a of q.addresses) {
    for await (const u of ctx.chain.addressUnspent(a.script)) {
      balance += u.value;
      if (immature(u, tipHeight, maturity)) locked += u.value;
    }
    for await (const d of ctx.chain.addressDeltas(a.script)) if (d.satoshis > 0n) received += d.satoshis;
  }
  return { balance: Number(balance), received: Number(received), immature: Number(locked), spendable: Number(balance - locked) };
}

function deltaJson(a: IndexedAddress, d: AddressDelta): Record<string, unknown> {
  return { satoshis: Number(d.satoshis), txid: hashToHex(d.txid), index: d.index, blockindex: d.position, height: d.height, address: a.address };
}

/** getaddressdeltas: every output paid (positive) and input spent (negative), in block order. */
export async function deltasView(q: AddressQuery, ctx: Ctx): Promise<unknown> {
  const tipHeight = ctx.chain.tip.height;
  // The dialect answers chainInfo only for a height range, and refuses one beyond the chain.
  const withInfo = q.chainInfo && q.start !== undefined;
  if (withInfo && (q.start! > tipHeight || q.end! > tipHeight)) throw new RpcError(RPC.INVALID_PARAMETER, 'Start or end is outside chain range');
  const page = await takePage(deltaStream(q, ctx), q.limit, (d) => d.cursor);
  const deltas = page.items.map((d) => deltaJson(q.addresses[d.source]!, d));
  const info = withInfo ? { start: blockRef(ctx, q.start!), end: blockRef(ctx, q.end!) } : {};
  if (isPaged(q)) return { deltas, next: page.next, ...info };
  return withInfo ? { deltas, ...info } : deltas;
}

/** Each transaction of a delta stream once (its deltas are adjacent: block order sorts by position, then txid). */
async function* transactionsOf<T extends AddressDelta>(deltas: AsyncIterable<T>): AsyncGenerator<T> {
  let last: T | undefined;
  for await (const d of deltas) {
    if (last && last.height === d.height && last.position === d.position) continue;
    last = d;
    yield d;
  }
}

/**
 * getaddresstxids: confirmed transactions in block order; with the mempool, unconfirmed
 * ones follow on the last page (newest first: they lead the first page).
 */
export async function txidsView(q: AddressQuery, includeMempool: boolean, ctx: Ctx): Promise<unknown> {
  const page = await takePage(transactionsOf(deltaStream(q, ctx)), q.limit, (d) => afterTransaction(d, q.reverse));
  let txids = page.items.map((d) => hashToHex(d.txid));
  if (includeMempool && (q.reverse ? q.cursor === undefined : page.next === null)) {
    const unconfirmed = [...new Set((await mempoolDeltas(q.addresses, ctx)).map((d) => d.txid as string))];
    txids = q.reverse ? [...unconfirmed.reverse(), ...txids] : [...txids, ...unconfirmed];
  }
  return isPaged(q) ? { txids, next: page.next } : txids;
}

/**
 * getaddressmempool: what unconfirmed transactions do to the addresses, as
 * deltas with the time each entered the pool; a spend names the coin it spends.
 * In pool order (parents before children).
 */
export async function mempoolDeltas(addrs: readonly IndexedAddress[], ctx: Ctx): Promise<Record<string, unknown>[]> {
  const byScript = new Map(addrs.map((a) => [toHex(a.script), a]));
  const out: Record<string, unknown>[] = [];
  for (const entry of ctx.mempool.entries()) {
    const base = { txid: entry.txid, timestamp: entry.time };
    for (const [index, input] of entry.tx.inputs.entries()) {
      const prevtxid = hashToHex(input.prevout.txid);
      const coin = ctx.mempool.get(prevtxid)?.tx.outputs[input.prevout.vout] ?? await ctx.chain.getCoin(input.prevout);
      const a = coin && byScript.get(toHex(coin.scriptPubKey));
      if (a) out.push({ address: a.address, ...base, index, satoshis: -Number(coin.value), prevtxid, prevout: input.prevout.vout });
    }
    entry.tx.outputs.forEach((o, index) => {
      const a = byScript.get(toHex(o.scriptPubKey));
      if (a) out.push({ address: a.address, ...base, index, satoshis: Number(o.value) });
    });
  }
  return out;
}
