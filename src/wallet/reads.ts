/**
 * The wallet's read-only calls: balances, coins, history, address and wallet
 * info, descriptors. They read memory only and see the node's current tip.
 */
import { hashToHex, toHex } from '../primitives/bytes.js';
import { addressToScriptPubKey } from '../primitives/address.js';
import { getBalance, getBalances, listUnspent, type Balances, type ListUnspentOptions, type UnspentEntry } from './balances.js';
import type { WalletCore } from './core.js';
import { walletError } from './errors.js';
import { listTransactions, transactionsSince, txEntries, txSummary, withLabel, type EntryFilter, type TxEntry, type TxInfo } from './history.js';
import { formatDescriptor, withChecksum } from './descriptor.js';
import { addressesByLabel, checkLabel, listLabels, receivedByAddress, receivedByLabel, type ReceivedByAddress, type ReceivedOptions } from './labels.js';

export interface WalletInfo {
  walletname: string;
  txcount: number;
  keypoolsize: number;
  keypoolsize_hd_internal: number;
  /** Present for encrypted wallets: 0 when locked. */
  unlocked_until?: number;
  private_keys_enabled: boolean;
  encrypted: boolean;
  blank: boolean;
  birthtime: number;
  lastprocessedblock?: { hash: string; height: number };
}

export interface AddressInfo {
  address: string;
  scriptPubKey: string;
  ismine: boolean;
  solvable: boolean;
  desc?: string;
  iswatchonly: boolean;
  ischange: boolean;
  iswitness: true;
  witness_version: 1;
  witness_program: string;
  hdkeypath?: string;
  hdmasterfingerprint?: string;
  /** Core's `labels`: the address's label, when the address book has it. */
  labels: string[];
}

export class WalletReads {
  protected constructor(protected readonly core: WalletCore) {}

  getBalances(): Balances {
    return getBalances(this.core.view());
  }

  getBalance(minconf = 0): bigint {
    return getBalance(this.core.view(), minconf);
  }

  listUnspent(opts: ListUnspentOptions = {}): UnspentEntry[] {
    return listUnspent(this.core.view(), opts);
  }

  listLockUnspent(): { txid: string; vout: number }[] {
    return [...this.core.locked].map((id) => ({ txid: id.slice(0, 64), vout: Number(id.slice(65)) }));
  }

  /** listtransactions; `label` keeps only the receipts to addresses with that label. */
  listTransactions(count = 10, skip = 0, label?: string): TxEntry[] {
    if (count < 0) throw walletError('invalid-parameter', 'Negative count');
    if (skip < 0) throw walletError('invalid-parameter', 'Negative from');
    return listTransactions(this.core.view(), count, skip, label);
  }

  /** listlabels. */
  listLabels(purpose?: string): string[] {
    return listLabels(this.core.addressBook, purpose);
  }

  /** getaddressesbylabel. @throws WalletError `invalid-label` */
  getAddressesByLabel(label: string): Record<string, { purpose: string }> {
    return addressesByLabel(this.core.addressBook, checkLabel(label));
  }

  /** listreceivedbyaddress. */
  listReceivedByAddress(opts: ReceivedOptions): ReceivedByAddress[] {
    return receivedByAddress(this.core.view(), opts);
  }

  /** listreceivedbylabel. */
  listReceivedByLabel(opts: ReceivedOptions): ReturnType<typeof receivedByLabel> {
    return receivedByLabel(this.core.view(), opts);
  }

  /**
   * listsinceblock: transactions after `blockhash` (all without one), and the block
   * `targetConfirmations` deep as `lastblock`; `filter` is Core's include_change and label.
   */
  listSinceBlock(blockhash?: string, targetConfirmations = 1, filter: EntryFilter = {}): { transactions: TxEntry[]; lastblock: string } {
    const chain = this.core.node.chain;
    if (targetConfirmations < 1) throw walletError('invalid-parameter', 'Invalid parameter');
    let since: number | undefined;
    if (blockhash !== undefined) {
      const entry = chain.getEntry(blockhash);
      if (!entry) throw walletError('tx-not-found', 'Block not found');
      // A block off the main chain counts from where its branch left it.
      let e: typeof entry | null = entry;
      while (e && chain.getEntryAtHeight(e.height)?.hashHex !== e.hashHex) e = e.prev;
      since = e ? e.height : 0;
    }
    const lastHeight = Math.max(0, chain.tip.height + 1 - targetConfirmations);
    const transactions = withLabel(transactionsSince(this.core.view(), since, filter.includeChange), filter.label);
    return { transactions, lastblock: chain.getEntryAtHeight(lastHeight)!.hashHex };
  }

  /**
   * listsinceblock's `removed`: wallet transactions of the blocks between
   * `blockhash` and where its branch left the main chain (empty when it is on
   * the main chain), so a client that saw them there learns they were undone.
   */
  async removedSince(blockhash: string, filter: EntryFilter = {}): Promise<TxEntry[]> {
    const chain = this.core.node.chain;
    const out: TxEntry[] = [];
    for (let e = chain.getEntry(blockhash) ?? null; e && chain.getEntryAtHeight(e.height)?.hashHex !== e.hashHex; e = e.prev) {
      const block = await chain.getBlock(e.hashHex);
      for (const tx of block?.transactions ?? []) {
        const wtx = this.core.ledger.get(tx.txid);
        if (wtx) out.push(...txEntries(this.core.view(), wtx, -Infinity, filter.includeChange));
      }
    }
    return withLabel(out, filter.label);
  }

  /** gettransaction. @throws WalletError `tx-not-found` */
  getTransaction(txid: string): TxInfo & { amount: bigint; fee?: bigint; details: TxEntry[]; hex: string; abandoned?: boolean } {
    const wtx = this.core.ledger.get(txid);
    if (!wtx) throw walletError('tx-not-found', 'Invalid or non-wallet transaction id');
    const s = txSummary(this.core.view(), wtx);
    return { ...s.info, amount: s.amount, ...(s.fee !== undefined ? { fee: s.fee } : {}), details: s.details, hex: wtx.tx.toHex(), ...(s.fee !== undefined ? { abandoned: wtx.record.abandoned } : {}) };
  }

  /** getaddressinfo. @throws WalletError `invalid-address` */
  getAddressInfo(address: string): AddressInfo {
    let script: Uint8Array;
    try {
      script = addressToScriptPubKey(this.core.params.addressPrefix, address);
    } catch {
      throw walletError('invalid-address', 'Invalid address');
    }
    const owned = this.core.keys.owner(script);
    const record = owned && this.core.keys.get(owned.descriptorId)?.record;
    const key = owned?.key;
    const desc = this.core.keys.scriptDescriptor(script);
    return {
      address, scriptPubKey: toHex(script), ismine: owned !== undefined, solvable: owned !== undefined, ...(desc ? { desc } : {}),
      iswatchonly: owned !== undefined && record?.hasPrivateKey === false, ischange: owned?.internal === true,
      iswitness: true, witness_version: 1, witness_program: toHex(script.subarray(2)),
      labels: this.core.addressBook.has(address) ? [this.core.addressBook.get(address)!.label] : [],
      ...(key && key.fullPath.length ? { hdkeypath: `m/${key.fullPath.map((i) => (i >= 0x80000000 ? `${i - 0x80000000}h` : `${i}`)).join('/')}`, hdmasterfingerprint: key.fingerprint.toString(16).padStart(8, '0') } : {}),
    };
  }

  /** listdescriptors (public forms; the private ones come from `secrets()`). */
  listDescriptors(): { desc: string; timestamp: number; active: boolean; internal: boolean; range?: [number, number]; next_index?: number }[] {
    return this.core.keys.records().map((r) => {
      const d = this.core.keys.get(r.id)!.parsed;
      const ranged = d.kind === 'tr';
      return { desc: withChecksum(formatDescriptor(d, false)), timestamp: r.timestamp, active: r.active, internal: r.internal, ...(ranged ? { range: [0, r.nextIndex + this.core.opts.lookahead - 1] as [number, number], next_index: r.nextIndex } : {}) };
    });
  }

  /** getwalletinfo. */
  info(): WalletInfo {
    const records = this.core.keys.records().filter((r) => r.active);
    const pool = (internal: boolean) => (records.some((r) => r.internal === internal) ? this.core.opts.lookahead : 0);
    const best = this.core.best;
    return {
      walletname: this.core.name,
      txcount: this.core.ledger.all().length,
      keypoolsize: pool(false),
      keypoolsize_hd_internal: pool(true),
      ...(this.core.encrypted ? { unlocked_until: this.core.keys.unlocked ? this.core.unlockedUntil : 0 } : {}),
      private_keys_enabled: !this.core.meta.watchOnly,
      encrypted: this.core.encrypted,
      blank: this.core.meta.blank,
      birthtime: this.core.meta.createdAt,
      ...(best ? { lastprocessedblock: { hash: hashToHex(best.hash), height: best.height } } : {}),
    };
  }
}
