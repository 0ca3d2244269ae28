/**
 * The wallet's outgoing side over its state: create (without broadcasting),
 * send, bumpfee, signrawtransactionwithwallet and the PSBT calls. A sent
 * transaction is recorded as in the mempool once the node accepted it, in the
 * same way the mempool event would record it.
 */
import { hashFromHex } from '../primitives/bytes.js';
import { Transaction } from '../primitives/tx.js';
import { outpointId } from './ledger.js';
import { planBump, checkBumpable } from './bump.js';
import type { WalletCore } from './core.js';
import { walletError } from './errors.js';
import { decodePsbt, encodePsbt, fillAndSign, finalizeAll, psbtFromDraft } from './psbt.js';
import { chooseFeeRate, draftPayment, signPayment, spentOutputs, type DraftPayment, type PaymentRequest } from './spend.js';
import { resolveInputs } from './preselect.js';
import { Changes } from './tracker.js';
import { walletKeys } from './layout.js';
import { WalletBatch } from './store.js';

/** A payment laid out and (unless `sign: false`) signed. */
export interface CreatedTransaction extends DraftPayment {
  signed: boolean;
}

async function draft(core: WalletCore, req: PaymentRequest): Promise<DraftPayment & { external: boolean }> {
  const feeRate = chooseFeeRate(core.opts, core.node.mempool, req.feeRate, req.confTarget);
  const preset = await resolveInputs(core, req.inputs ?? []);
  const changes = new Changes();
  const result = draftPayment(core.view(), core.opts, {
    ...req,
    feeRate,
    preset,
    prefix: core.params.addressPrefix,
    changeScript: () => {
      const next = core.keys.nextAddress(true);
      changes.descriptors.set(next.record.id, next.record);
      return next.script;
    },
  });
  // The change index advances only when a change output was made; it is stored with the next commit.
  await core.commit(changes);
  return { ...result, external: preset.some((p) => p.external) };
}

/**
 * Builds a payment without broadcasting it (Core's CreateTransaction).
 * @throws WalletError `insufficient-funds`, `unlock-needed`, `watch-only`, ...
 */
export async function createTransaction(core: WalletCore, req: PaymentRequest, sign = true): Promise<CreatedTransaction> {
  if (sign && core.meta.watchOnly) throw walletError('watch-only', 'Error: Private keys are disabled for this wallet');
  if (sign && !core.keys.unlocked) throw walletError('unlock-needed', 'Error: Please enter the wallet passphrase with walletpassphrase first.');
  const d = await draft(core, req);
  return sign ? { ...d, tx: signPayment(core.keys, d.tx, d.spent), signed: true } : { ...d, signed: false };
}

/** Offers a signed wallet transaction to the node and records it as in the mempool. */
export async function broadcast(core: WalletCore, tx: Transaction, link?: { replaces: string }): Promise<string> {
  await core.node.sendTransaction(tx);
  const changes = new Changes();
  core.tracker.addMempool(tx, changes);
  if (link) {
    const old = core.ledger.get(link.replaces)!;
    old.record = { ...old.record, replacedBy: tx.txid };
    const created = core.ledger.get(tx.txid)!;
    created.record = { ...created.record, replaces: link.replaces };
    changes.txs.add(old.txid).add(tx.txid);
  }
  await core.commit(changes);
  return tx.txid;
}

/** sendtoaddress / sendmany / send: create, sign and broadcast. */
export async function send(core: WalletCore, req: PaymentRequest): Promise<{ txid: string; fee: bigint; tx: Transaction }> {
  const created = await createTransaction(core, req, true);
  const txid = await broadcast(core, created.tx);
  return { txid, fee: created.fee, tx: created.tx };
}

/**
 * Core's `send`: broadcast when the wallet can sign every input; with
 * preselected inputs that are not the wallet's, or in a watch-only wallet, the
 * PSBT signed as far as the wallet can, for the other signers to complete
 * (nothing is broadcast).
 */
export async function sendOrPsbt(core: WalletCore, req: PaymentRequest): Promise<{ complete: true; txid: string } | { complete: false; psbt: string }> {
  const sign = !core.meta.watchOnly;
  if (sign && !core.keys.unlocked) throw walletError('unlock-needed', 'Error: Please enter the wallet passphrase with walletpassphrase first.');
  const d = await draft(core, req);
  if (sign && !d.external) return { complete: true, txid: await broadcast(core, signPayment(core.keys, d.tx, d.spent)) };
  const psbt = psbtFromDraft(core.keys, d);
  fillAndSign(psbt, core.keys, core.ledger, sign);
  return { complete: false, psbt: encodePsbt(psbt) };
}

/** bumpfee: a signed BIP125 replacement paying more out of the change; broadcast. */
export async function bumpFee(core: WalletCore, txid: string, feeRate?: number, confTarget?: number): Promise<{ txid: string; origFee: bigint; fee: bigint }> {
  const wtx = core.ledger.get(txid);
  if (!wtx) throw walletError('tx-not-found', 'Invalid or non-wallet transaction id');
  const view = core.view();
  checkBumpable(view, wtx);
  const spent = spentOutputs(view, wtx.tx);
  const estimate = chooseFeeRate(core.opts, core.node.mempool, feeRate, confTarget);
  const plan = planBump(view, wtx, feeRate, estimate);
  const signed = signPayment(core.keys, plan.tx, spent);
  const newTxid = await broadcast(core, signed, { replaces: txid });
  return { txid: newTxid, origFee: plan.oldFee, fee: plan.newFee };
}

/** signrawtransactionwithwallet for transactions spending only our outputs. */
export function signRawTransaction(core: WalletCore, tx: Transaction): Transaction {
  return signPayment(core.keys, tx, spentOutputs(core.view(), tx));
}

/** walletcreatefundedpsbt: a funded, unsigned PSBT with the BIP371 fields filled. */
export async function createPsbt(core: WalletCore, req: PaymentRequest): Promise<{ psbt: string; fee: bigint; changePosition: number }> {
  const d = await draft(core, req);
  return { psbt: encodePsbt(psbtFromDraft(core.keys, d)), fee: d.fee, changePosition: d.changePosition };
}

/** walletprocesspsbt: fill, sign what we can (when `sign`), finalize when complete (when `finalize`). */
export function processPsbt(core: WalletCore, psbt: string, opts: { sign?: boolean; finalize?: boolean } = {}): { psbt: string; complete: boolean; hex?: string } {
  const tx = decodePsbt(psbt);
  fillAndSign(tx, core.keys, core.ledger, opts.sign ?? true);
  if (opts.finalize === false) return { psbt: encodePsbt(tx), complete: false };
  const done = finalizeAll(tx);
  return { psbt: encodePsbt(tx), ...done };
}

/** finalizepsbt: finalizes and, when complete, extracts the network transaction. */
export function finalizePsbt(psbt: string): { psbt: string; complete: boolean; hex?: string } {
  const tx = decodePsbt(psbt);
  const done = finalizeAll(tx);
  return { psbt: encodePsbt(tx), ...done };
}

/** lockunspent's persistent flag: stores or deletes the lock records. */
export async function persistLocks(core: WalletCore, outpoints: readonly { txid: Uint8Array; vout: number }[], locked: boolean): Promise<void> {
  const batch = new WalletBatch();
  for (const o of outpoints) {
    if (locked) batch.put(walletKeys.lock(o.txid, o.vout), new Uint8Array(0));
    else batch.del(walletKeys.lock(o.txid, o.vout));
  }
  await core.store.write(batch);
}

/** lockunspent: checks every outpoint first, then locks or unlocks them all (`unlock` with none: every lock). */
export async function lockUnspent(core: WalletCore, unlock: boolean, outpoints: readonly { txid: string; vout: number }[], persistent: boolean): Promise<boolean> {
  const list = unlock && outpoints.length === 0 ? [...core.locked].map((id) => ({ txid: id.slice(0, 64), vout: Number(id.slice(65)) })) : outpoints;
  for (const o of list) {
    const wtx = core.ledger.get(o.txid);
    if (!wtx || !wtx.tx.outputs[o.vout]) throw walletError('invalid-parameter', 'Invalid parameter, unknown transaction');
    if (!unlock && core.ledger.isSpent(o.txid, o.vout, core.view().tipHeight)) throw walletError('invalid-parameter', 'Invalid parameter, expected unspent output');
  }
  for (const o of list) {
    if (unlock) core.locked.delete(outpointId(o.txid, o.vout));
    else core.locked.add(outpointId(o.txid, o.vout));
  }
  if (persistent || unlock) await persistLocks(core, list.map((o) => ({ txid: hashFromHex(o.txid), vout: o.vout })), !unlock);
  return true;
}
