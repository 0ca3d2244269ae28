/** getbalances, getbalance and listunspent, with Core's buckets and filters. Amounts in satoshis. */
import { toHex } from '../primitives/bytes.js';
import { labelField } from './labels.js';
import { blocksToMaturity, isLocked, unspentCoins, type WalletView } from './view.js';

/** Core's `getbalances().mine`. A descriptor wallet reports watch-only descriptors here too (Core does the same since 0.21). */
export interface Balances {
  /** Confirmed, or our own unconfirmed change in the mempool. */
  trusted: bigint;
  /** Unconfirmed payments from others in the mempool. */
  untrustedPending: bigint;
  /** Coinbase outputs not yet mature. */
  immature: bigint;
}

export function getBalances(view: WalletView): Balances {
  const b: Balances = { trusted: 0n, untrustedPending: 0n, immature: 0n };
  for (const coin of unspentCoins(view)) {
    if (coin.coinbase && blocksToMaturity(view, coin.wtx) > 0) b.immature += coin.value;
    else if (coin.trusted) b.trusted += coin.value;
    else if (coin.depth === 0 && coin.wtx.record.state.kind === 'mempool') b.untrustedPending += coin.value;
  }
  return b;
}

/** Core's getbalance(minconf): trusted coins at least `minconf` deep (0 counts trusted unconfirmed change). */
export function getBalance(view: WalletView, minconf = 0): bigint {
  return unspentCoins(view)
    .filter((c) => c.trusted && c.depth >= minconf && !(c.coinbase && blocksToMaturity(view, c.wtx) > 0))
    .reduce((s, c) => s + c.value, 0n);
}

export interface UnspentEntry {
  txid: string;
  vout: number;
  address: string | null;
  /** The address's label, when it has one. */
  label?: string;
  scriptPubKey: string;
  amount: bigint;
  confirmations: number;
  spendable: boolean;
  solvable: boolean;
  desc?: string;
  /** Core's `safe`: confirmed, or trusted unconfirmed; unsafe coins are not spent by default. */
  safe: boolean;
}

export interface ListUnspentOptions {
  minconf?: number;
  maxconf?: number;
  addresses?: readonly string[];
  includeUnsafe?: boolean;
}

/** listunspent: mature unspent outputs within the depth range, locked ones excluded (Core's AvailableCoins). */
export function listUnspent(view: WalletView, opts: ListUnspentOptions = {}): UnspentEntry[] {
  const minconf = opts.minconf ?? 1;
  const maxconf = opts.maxconf ?? 9_999_999;
  const wanted = opts.addresses ? new Set(opts.addresses) : undefined;
  const out: UnspentEntry[] = [];
  for (const c of unspentCoins(view)) {
    if (c.depth < minconf || c.depth > maxconf || isLocked(view, c)) continue;
    if (c.coinbase && blocksToMaturity(view, c.wtx) > 0) continue;
    const safe = c.depth > 0 || c.trusted;
    if (!safe && opts.includeUnsafe === false) continue;
    const address = view.keys.address(c.script);
    if (wanted && (address === null || !wanted.has(address))) continue;
    const owned = view.keys.owner(c.script);
    const spendable = owned !== undefined && view.keys.get(owned.descriptorId)?.record.hasPrivateKey === true;
    const desc = view.keys.scriptDescriptor(c.script);
    out.push({ txid: c.txid, vout: c.vout, address, ...labelField(view, address), scriptPubKey: toHex(c.script), amount: c.value, confirmations: c.depth, spendable, solvable: true, ...(desc ? { desc } : {}), safe });
  }
  return out.sort((a, b) => b.confirmations - a.confirmations || a.txid.localeCompare(b.txid) || a.vout - b.vout);
}
