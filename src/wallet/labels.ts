/**
 * Labels, as Core's address book has them (wallet/rpc/addresses.cpp and
 * ListReceived in wallet/rpc/coins.cpp): a label per address, `receive` for
 * ours and `send` for others', listed by label and summed per address or per
 * label over the payments the wallet received. Amounts in satoshis.
 */
import { walletError } from './errors.js';
import type { AddressBookEntry } from './records.js';
import { blocksToMaturity, depthOf, type WalletView } from './view.js';

/** Core's LabelFromValue: any string but `*`, which means "all labels" elsewhere. @throws WalletError `invalid-label` */
export function checkLabel(label: string): string {
  if (label === '*') throw walletError('invalid-label', 'Invalid label name');
  return label;
}

/** The label of an address in the book, if it has one. */
export function labelOf(view: WalletView, address: string | null): string | undefined {
  return address === null ? undefined : view.addressBook?.get(address)?.label;
}

/** `{ label }` when the address has one, for spreading into a result (Core adds the field only then). */
export function labelField(view: WalletView, address: string | null): { label?: string } {
  const label = labelOf(view, address);
  return label === undefined ? {} : { label };
}

/** listlabels: every label, sorted, optionally only those of one purpose. */
export function listLabels(book: ReadonlyMap<string, AddressBookEntry>, purpose?: string): string[] {
  const labels = new Set<string>();
  for (const entry of book.values()) if (purpose === undefined || entry.purpose === purpose) labels.add(entry.label);
  return [...labels].sort();
}

/** getaddressesbylabel: `{ address: { purpose } }`. @throws WalletError `invalid-label` when no address has it */
export function addressesByLabel(book: ReadonlyMap<string, AddressBookEntry>, label: string): Record<string, { purpose: string }> {
  const out: Record<string, { purpose: string }> = {};
  for (const [address, entry] of book) if (entry.label === label) out[address] = { purpose: entry.purpose };
  if (Object.keys(out).length === 0) throw walletError('invalid-label', `No addresses with label ${label}`);
  return out;
}

export interface ReceivedOptions {
  minconf: number;
  includeEmpty: boolean;
  includeImmatureCoinbase: boolean;
  /** Only this address (listreceivedbyaddress's `address_filter`). */
  address?: string;
}

export interface ReceivedByAddress {
  address: string;
  amount: bigint;
  /** Of the most recent payment counted; 0 when none. */
  confirmations: number;
  label: string;
  txids: string[];
  watchOnly: boolean;
}

interface Tally {
  amount: bigint;
  confirmations: number;
  txids: string[];
}

/** Core's ListReceived: what each of our addresses received at least `minconf` deep. */
function tallyReceived(view: WalletView, opts: ReceivedOptions): Map<string, Tally> {
  const tally = new Map<string, Tally>();
  for (const wtx of view.ledger.all()) {
    const depth = depthOf(view, wtx);
    if (depth < opts.minconf) continue;
    // A coinbase out of the main chain, or (unless asked) not yet mature, is not a receipt.
    if (wtx.tx.isCoinbase() && (depth < 1 || (blocksToMaturity(view, wtx) > 0 && !opts.includeImmatureCoinbase))) continue;
    for (const out of wtx.tx.outputs) {
      if (!view.keys.isMine(out.scriptPubKey)) continue;
      const address = view.keys.address(out.scriptPubKey);
      if (address === null || (opts.address !== undefined && address !== opts.address)) continue;
      const item = tally.get(address) ?? { amount: 0n, confirmations: Number.MAX_SAFE_INTEGER, txids: [] };
      item.amount += out.value;
      item.confirmations = Math.min(item.confirmations, depth);
      if (!item.txids.includes(wtx.txid)) item.txids.push(wtx.txid);
      tally.set(address, item);
    }
  }
  return tally;
}

/** listreceivedbyaddress: the addresses of the book that are ours and not change, with what they received. */
export function receivedByAddress(view: WalletView, opts: ReceivedOptions): ReceivedByAddress[] {
  const tally = tallyReceived(view, opts);
  const out: ReceivedByAddress[] = [];
  for (const [address, entry] of view.addressBook ?? []) {
    if (opts.address !== undefined && address !== opts.address) continue;
    const owned = view.keys.ownerOfAddress(address);
    if (!owned || owned.internal) continue;
    const item = tally.get(address);
    if (!item && !opts.includeEmpty) continue;
    out.push({
      address, amount: item?.amount ?? 0n, confirmations: item ? item.confirmations : 0, label: entry.label,
      txids: item?.txids ?? [], watchOnly: view.keys.get(owned.descriptorId)?.record.hasPrivateKey === false,
    });
  }
  return out;
}

/** listreceivedbylabel: the same sums, per label. */
export function receivedByLabel(view: WalletView, opts: ReceivedOptions): { label: string; amount: bigint; confirmations: number; watchOnly: boolean }[] {
  const byLabel = new Map<string, { label: string; amount: bigint; confirmations: number; watchOnly: boolean; any: boolean }>();
  for (const r of receivedByAddress(view, { ...opts, includeEmpty: true })) {
    const item = byLabel.get(r.label) ?? { label: r.label, amount: 0n, confirmations: Number.MAX_SAFE_INTEGER, watchOnly: false, any: false };
    item.amount += r.amount;
    if (r.txids.length) {
      item.confirmations = Math.min(item.confirmations, r.confirmations);
      item.any = true;
    }
    item.watchOnly ||= r.watchOnly;
    byLabel.set(r.label, item);
  }
  return [...byLabel.values()]
    .filter((l) => l.any || opts.includeEmpty)
    .map(({ any, ...l }) => ({ ...l, confirmations: any ? l.confirmations : 0 }));
}

