/**
 * The questions every read asks of the wallet's transactions, answered as
 * Core answers them: which outputs are ours and unspent, how deep a
 * transaction is, whether an unconfirmed one is trusted, whether a coinbase
 * has matured.
 */
import { hashToHex } from '../primitives/bytes.js';
import type { KeyRing } from './keyring.js';
import { outpointId, type Ledger, type WalletTx } from './ledger.js';
import type { AddressBookEntry } from './records.js';

/** The wallet state a read needs. */
export interface WalletView {
  readonly ledger: Ledger;
  readonly keys: KeyRing;
  readonly tipHeight: number;
  readonly coinbaseMaturity: number;
  /** Locked outpoints (`txid:vout`), lockunspent. */
  readonly locked: ReadonlySet<string>;
  /** Labels by address (absent: none). */
  readonly addressBook?: ReadonlyMap<string, AddressBookEntry>;
}

/** One of our unspent outputs. */
export interface WalletCoin {
  txid: string;
  vout: number;
  value: bigint;
  script: Uint8Array;
  depth: number;
  coinbase: boolean;
  /** Confirmed, or our own unconfirmed change in the mempool (Core's IsTrusted). */
  trusted: boolean;
  wtx: WalletTx;
}

export function depthOf(view: WalletView, wtx: WalletTx): number {
  return view.ledger.depth(wtx, view.tipHeight);
}

/** Core's GetBlocksToMaturity: the wallet waits one block more than consensus before counting a coinbase. */
export function blocksToMaturity(view: WalletView, wtx: WalletTx): number {
  if (!wtx.tx.isCoinbase()) return 0;
  return Math.max(0, view.coinbaseMaturity + 1 - depthOf(view, wtx));
}

/** Core's CachedTxIsTrusted: confirmed, or in the mempool spending only trusted outputs of ours. */
export function isTrusted(view: WalletView, wtx: WalletTx, seen = new Set<string>()): boolean {
  const depth = depthOf(view, wtx);
  if (depth >= 1) return true;
  if (depth < 0 || wtx.record.state.kind !== 'mempool' || wtx.tx.isCoinbase()) return false;
  if (seen.has(wtx.txid)) return true;
  seen.add(wtx.txid);
  return wtx.tx.inputs.every((input) => {
    const parent = view.ledger.get(hashToHex(input.prevout.txid));
    const out = parent?.tx.outputs[input.prevout.vout];
    return parent !== undefined && out !== undefined && view.keys.isMine(out.scriptPubKey) && isTrusted(view, parent, seen);
  });
}

/** Sum of our outputs that `wtx`'s inputs spend (Core's debit). */
export function debitOf(view: WalletView, wtx: WalletTx): bigint {
  if (wtx.tx.isCoinbase()) return 0n;
  let sum = 0n;
  for (const input of wtx.tx.inputs) {
    const out = view.ledger.get(hashToHex(input.prevout.txid))?.tx.outputs[input.prevout.vout];
    if (out && view.keys.isMine(out.scriptPubKey)) sum += out.value;
  }
  return sum;
}

/** Sum of `wtx`'s outputs that are ours (Core's credit, change included). */
export function creditOf(view: WalletView, wtx: WalletTx): bigint {
  return wtx.tx.outputs.reduce((s, o) => (view.keys.isMine(o.scriptPubKey) ? s + o.value : s), 0n);
}

/** Every unspent output of ours in a transaction that is not conflicted (depth >= 0). */
export function unspentCoins(view: WalletView): WalletCoin[] {
  const coins: WalletCoin[] = [];
  for (const wtx of view.ledger.all()) {
    const depth = depthOf(view, wtx);
    if (depth < 0 || (wtx.tx.isCoinbase() && depth === 0)) continue;
    const trusted = isTrusted(view, wtx);
    wtx.tx.outputs.forEach((out, vout) => {
      if (!view.keys.isMine(out.scriptPubKey) || view.ledger.isSpent(wtx.txid, vout, view.tipHeight)) return;
      coins.push({ txid: wtx.txid, vout, value: out.value, script: out.scriptPubKey, depth, coinbase: wtx.tx.isCoinbase(), trusted, wtx });
    });
  }
  return coins;
}

/** Whether a coin is locked by lockunspent. */
export function isLocked(view: WalletView, coin: { txid: string; vout: number }): boolean {
  return view.locked.has(outpointId(coin.txid, coin.vout));
}
