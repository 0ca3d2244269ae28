/**
 * listtransactions, listsinceblock and gettransaction with Core's semantics
 * (wallet/rpc/transactions.cpp ListTransactions and WalletTxToJSON): a payment
 * we make is a `send` per output that is not our change, with a negative
 * amount and the (negative) fee; a payment to us is a `receive`, or for a
 * coinbase `generate`, `immature` or `orphan`. Amounts in satoshis.
 */
import { labelField } from './labels.js';
import type { WalletTx } from './ledger.js';
import { blocksToMaturity, creditOf, debitOf, depthOf, isTrusted, type WalletView } from './view.js';

export type TxCategory = 'send' | 'receive' | 'generate' | 'immature' | 'orphan';

/** The per-transaction fields (WalletTxToJSON). */
export interface TxInfo {
  txid: string;
  wtxid: string;
  confirmations: number;
  generated?: boolean;
  trusted?: boolean;
  blockhash?: string;
  blockheight?: number;
  blockindex?: number;
  blocktime?: number;
  walletconflicts: string[];
  replaced_by_txid?: string;
  replaces_txid?: string;
  time: number;
  timereceived: number;
  'bip125-replaceable': 'yes' | 'no' | 'unknown';
}

/** One line of listtransactions. */
export interface TxEntry extends TxInfo {
  address: string | null;
  category: TxCategory;
  amount: bigint;
  vout: number;
  /** The address's label, when it has one in the address book. */
  label?: string;
  /** Only on `send`: negative. */
  fee?: bigint;
  abandoned?: boolean;
}

/** Signals BIP125 replaceability: some input's sequence is below 0xfffffffe. */
export function signalsRbf(wtx: WalletTx): boolean {
  return wtx.tx.inputs.some((i) => i.sequence < 0xfffffffe);
}

export function txInfo(view: WalletView, wtx: WalletTx): TxInfo {
  const s = wtx.record.state;
  const confirmations = depthOf(view, wtx);
  const rbf = s.kind === 'confirmed' || s.kind === 'conflicted' ? 'no' : signalsRbf(wtx) ? 'yes' : s.kind === 'mempool' ? 'no' : 'unknown';
  return {
    txid: wtx.txid,
    wtxid: wtx.tx.wtxid,
    confirmations,
    ...(wtx.tx.isCoinbase() ? { generated: true } : {}),
    ...(s.kind === 'confirmed'
      ? { blockhash: s.hash, blockheight: s.height, blockindex: s.position, blocktime: s.time }
      : { trusted: isTrusted(view, wtx) }),
    walletconflicts: view.ledger.conflictsOf(wtx.tx).map((c) => c.txid).sort(),
    ...(wtx.record.replacedBy ? { replaced_by_txid: wtx.record.replacedBy } : {}),
    ...(wtx.record.replaces ? { replaces_txid: wtx.record.replaces } : {}),
    time: s.kind === 'confirmed' ? Math.min(wtx.record.timeReceived, s.time) : wtx.record.timeReceived,
    timereceived: wtx.record.timeReceived,
    'bip125-replaceable': rbf,
  };
}

/** Core's CachedTxGetAmounts: sent outputs (change only with `includeChange`) and received outputs, and the fee when we paid it. */
function amounts(view: WalletView, wtx: WalletTx, includeChange: boolean): { fee: bigint; sent: { vout: number; value: bigint }[]; received: { vout: number; value: bigint }[] } {
  const debit = debitOf(view, wtx);
  const fee = debit > 0n ? debit - wtx.tx.outputs.reduce((s, o) => s + o.value, 0n) : 0n;
  const sent: { vout: number; value: bigint }[] = [];
  const received: { vout: number; value: bigint }[] = [];
  wtx.tx.outputs.forEach((out, vout) => {
    const owned = view.keys.owner(out.scriptPubKey);
    if (debit > 0n) {
      if (owned?.internal && !includeChange) return;
      sent.push({ vout, value: out.value });
    }
    if (owned) received.push({ vout, value: out.value });
  });
  return { fee, sent, received };
}

function receiveCategory(view: WalletView, wtx: WalletTx): TxCategory {
  if (!wtx.tx.isCoinbase()) return 'receive';
  if (depthOf(view, wtx) < 1) return 'orphan';
  return blocksToMaturity(view, wtx) > 0 ? 'immature' : 'generate';
}

/**
 * The listtransactions lines of one transaction: sends first, then receives at
 * least `minDepth` deep; our change is left out unless `includeChange` (then it
 * is both a send and a receive, as in Core).
 */
export function txEntries(view: WalletView, wtx: WalletTx, minDepth = 0, includeChange = false): TxEntry[] {
  const info = txInfo(view, wtx);
  const { fee, sent, received } = amounts(view, wtx, includeChange);
  const address = (vout: number): string | null => view.keys.address(wtx.tx.outputs[vout]!.scriptPubKey);
  const out: TxEntry[] = sent.map((s) => ({ address: address(s.vout), category: 'send' as const, amount: -s.value, ...labelField(view, address(s.vout)), vout: s.vout, fee: -fee, ...info, abandoned: wtx.record.abandoned }));
  // listtransactions shows receipts at depth >= 0 only: a conflicted payment to us did not happen.
  if (info.confirmations < minDepth) return out;
  const category = receiveCategory(view, wtx);
  for (const r of received) out.push({ address: address(r.vout), category, amount: r.value, ...labelField(view, address(r.vout)), vout: r.vout, ...info });
  return out;
}

/** Wallet transactions in the order the wallet first saw them. */
function ordered(view: WalletView): WalletTx[] {
  return view.ledger.all().sort((a, b) => a.record.orderPos - b.record.orderPos);
}

/**
 * listtransactions(label, count, skip): the most recent `count` lines after
 * skipping `skip`, oldest first (as Core). With a label, only the receipts to
 * addresses with that label (Core lists no sends then).
 */
export function listTransactions(view: WalletView, count = 10, skip = 0, label?: string): TxEntry[] {
  const newestFirst = withLabel(ordered(view).flatMap((w) => txEntries(view, w)), label).reverse();
  return newestFirst.slice(skip, skip + count).reverse();
}

/**
 * listsinceblock's transactions: those not in the main chain at or before the
 * given block (every one when there is none), as Core's "|depth| < depth of the block".
 */
export function transactionsSince(view: WalletView, sinceHeight: number | undefined, includeChange = false): TxEntry[] {
  const blockDepth = sinceHeight === undefined ? Infinity : view.tipHeight + 1 - sinceHeight;
  return ordered(view)
    .filter((w) => Math.abs(depthOf(view, w)) < blockDepth)
    .flatMap((w) => txEntries(view, w, 0, includeChange));
}

/** listsinceblock's narrowing of its lines: Core's `include_change` and `label` arguments. */
export interface EntryFilter {
  /** List our change outputs too (as a send and a receive). */
  includeChange?: boolean;
  /** Only the receipts to addresses with this label. */
  label?: string;
}

/** Core's filter_label: with a label, only the receipts to addresses with that label (no sends). */
export function withLabel(entries: TxEntry[], label: string | undefined): TxEntry[] {
  return label === undefined ? entries : entries.filter((e) => e.category !== 'send' && e.label === label);
}

/** gettransaction's summary: net amount excluding the fee, and the fee (negative) when we paid it. */
export function txSummary(view: WalletView, wtx: WalletTx): { amount: bigint; fee?: bigint; details: TxEntry[]; info: TxInfo } {
  const debit = debitOf(view, wtx);
  const credit = creditOf(view, wtx);
  const valueOut = wtx.tx.outputs.reduce((s, o) => s + o.value, 0n);
  const fee = debit > 0n ? valueOut - debit : 0n;
  return { amount: credit - debit - fee, ...(debit > 0n ? { fee } : {}), details: txEntries(view, wtx), info: txInfo(view, wtx) };
}
