/**
 * bumpfee (Core's wallet/feebumper.cpp, reduced to the change-output case): a
 * replacement of an unconfirmed transaction of ours that spends the same
 * inputs, keeps every other output, and pays a higher fee out of the change,
 * meeting BIP125's rules 3 and 4 (more absolute fee, and at least the
 * incremental relay fee for its own size on top).
 */
import { Transaction, type TxOutput } from '../primitives/tx.js';
import { DUST_LIMIT, feeFor } from './coin-select.js';
import { walletError } from './errors.js';
import type { WalletTx } from './ledger.js';
import { signalsRbf } from './history.js';
import { debitOf, depthOf, type WalletView } from './view.js';

/** Core's DEFAULT_INCREMENTAL_RELAY_FEE: 1 sat/vB. */
export const INCREMENTAL_RELAY_FEE_RATE = 1;

export interface BumpPlan {
  tx: Transaction;
  oldFee: bigint;
  newFee: bigint;
  feeRate: number;
}

/** Checks that `wtx` may be bumped. @throws WalletError `not-replaceable`, `wallet-error`, `invalid-parameter` */
export function checkBumpable(view: WalletView, wtx: WalletTx): void {
  if (depthOf(view, wtx) !== 0 || wtx.record.abandoned) throw walletError('wallet-error', 'Transaction has been mined, or is conflicted with a mined transaction');
  if (wtx.record.replacedBy) throw walletError('wallet-error', `Cannot bump transaction ${wtx.txid} which was already bumped by transaction ${wtx.record.replacedBy}`);
  if (!signalsRbf(wtx)) throw walletError('not-replaceable', 'Transaction is not BIP 125 replaceable');
  const descendants = view.ledger.withDescendants(wtx.txid).slice(1).filter((d) => depthOf(view, d) >= 0 && !d.record.abandoned);
  if (descendants.length) throw walletError('invalid-parameter', 'Transaction has descendants in the wallet');
}

/**
 * The unsigned replacement: the change output shrinks by the extra fee, or
 * goes entirely to the fee when what is left would be dust.
 * @throws WalletError `wallet-error` when there is no change or too little of it
 */
export function planBump(view: WalletView, wtx: WalletTx, requestedRate: number | undefined, estimateRate: number): BumpPlan {
  const debit = debitOf(view, wtx);
  const valueOut = wtx.tx.outputs.reduce((s, o) => s + o.value, 0n);
  const oldFee = debit - valueOut;
  // Stored transactions are signed, so this is the size the replacement will have (or more, with change).
  const vsize = wtx.tx.vsize;
  const oldRate = Number(oldFee) / vsize;
  const feeRate = requestedRate ?? Math.max(estimateRate, oldRate + INCREMENTAL_RELAY_FEE_RATE);
  const minFee = oldFee + feeFor(vsize, INCREMENTAL_RELAY_FEE_RATE);
  let newFee = feeFor(vsize, feeRate);
  if (newFee < minFee) {
    if (requestedRate !== undefined) throw walletError('invalid-parameter', `Insufficient total fee ${newFee}, must be at least ${minFee} (oldFee ${oldFee} + incrementalFee)`);
    newFee = minFee;
  }
  const changeIndex = wtx.tx.outputs.findIndex((o) => view.keys.owner(o.scriptPubKey)?.internal === true);
  if (changeIndex < 0) throw walletError('wallet-error', 'Transaction does not have a change output');
  const change = wtx.tx.outputs[changeIndex]!.value - (newFee - oldFee);
  let outputs: TxOutput[];
  if (change >= DUST_LIMIT) {
    outputs = wtx.tx.outputs.map((o, i) => (i === changeIndex ? { value: change, scriptPubKey: o.scriptPubKey } : o));
  } else if (change >= 0n) {
    // Dust change goes to the fee: a bigger bump than asked, with one output fewer.
    outputs = wtx.tx.outputs.filter((_, i) => i !== changeIndex);
    newFee = oldFee + wtx.tx.outputs[changeIndex]!.value;
  } else {
    throw walletError('wallet-error', 'Change output is too small to bump the fee');
  }
  const inputs = wtx.tx.inputs.map((i) => ({ ...i, witness: [] }));
  return { tx: new Transaction({ version: wtx.tx.version, inputs, outputs, locktime: wtx.tx.locktime }), oldFee, newFee, feeRate };
}
