/**
 * The coins a transaction may spend: outputs of pool transactions, else the
 * confirmed UTXO set. Outpoints that pool transactions already spend are
 * not subtracted here: such a spend is a conflict, which replace-by-fee
 * either resolves (evicting the spender) or refuses before the view is used.
 */
import { hashToHex } from '../primitives/bytes.js';
import { classifyOutput } from '../primitives/script.js';
import { outpointKey, type OutPoint, type Transaction } from '../primitives/tx.js';
import type { Coin, CoinView } from '../consensus/coins.js';
import type { TxGraph } from './graph.js';
import type { MempoolChain } from './interface.js';

/**
 * Height given to coins that exist only in the pool (Core's MEMPOOL_HEIGHT).
 * Only coinbase maturity reads a coin's height, and pool outputs are never coinbases.
 */
export const MEMPOOL_HEIGHT = 0x7fffffff;

/** A synchronous view over coins fetched up front, as consensus checks expect. */
export class FetchedCoins implements CoinView {
  readonly coins = new Map<string, Coin>();
  /** Inputs found in neither the pool nor the chain. */
  readonly missing: OutPoint[] = [];
  /** Some input spends a confirmed coinbase output (a reorg could make it immature again). */
  spendsCoinbase = false;

  getCoin(prevout: OutPoint): Coin | undefined {
    return this.coins.get(outpointKey(prevout));
  }
}

/** Looks up every input of `tx`: in the pool first (synchronously), then the chain. */
export async function fetchInputCoins(tx: Transaction, graph: TxGraph, chain: MempoolChain): Promise<FetchedCoins> {
  const view = new FetchedCoins();
  const pending: OutPoint[] = [];
  for (const { prevout } of tx.inputs) {
    const parent = graph.get(hashToHex(prevout.txid));
    if (!parent) {
      pending.push(prevout);
      continue;
    }
    const output = parent.tx.outputs[prevout.vout];
    // OP_RETURN outputs never become coins, in the pool as in the UTXO set.
    if (output && classifyOutput(output.scriptPubKey).type === 'taproot') {
      view.coins.set(outpointKey(prevout), { value: output.value, scriptPubKey: output.scriptPubKey, height: MEMPOOL_HEIGHT, coinbase: false });
    } else {
      view.missing.push(prevout);
    }
  }
  const found = await Promise.all(pending.map((prevout) => chain.getCoin(prevout)));
  pending.forEach((prevout, i) => {
    const coin = found[i];
    if (!coin) return void view.missing.push(prevout);
    view.coins.set(outpointKey(prevout), coin);
    if (coin.coinbase) view.spendsCoinbase = true;
  });
  return view;
}

/**
 * Best effort "already confirmed" (Core's txn-already-known): the first taproot output
 * of `tx` is an unspent coin of the chain. One lookup, not one per output: this runs
 * for every would-be orphan, which anyone can send for free with thousands of outputs,
 * and Core too checks only what is cheap (its coins cache, never the disk). A confirmed
 * transaction whose first output is spent passes for an orphan, which does no harm.
 */
export async function hasConfirmedOutputs(tx: Transaction, chain: MempoolChain): Promise<boolean> {
  const vout = tx.outputs.findIndex((o) => classifyOutput(o.scriptPubKey).type === 'taproot');
  return vout >= 0 && (await chain.getCoin({ txid: tx.txidBytes, vout })) !== undefined;
}
