/**
 * Paying with the fee taken out of the recipients' amounts (Core's
 * `subtractfeefromamount` / `subtract_fee_from_outputs`): coins are chosen to
 * cover the amounts alone, and the fee is split equally among the chosen
 * outputs, the first of them paying what does not divide (as Core does).
 */
import type { TxOutput } from '../primitives/tx.js';
import { DUST_LIMIT, feeFor, InsufficientFunds, txVsize, type Coin, type Selection } from './coin-select.js';
import { walletError } from './errors.js';

/**
 * Largest coins first until the amounts are covered; change back when it is
 * above dust, otherwise the leftover counts towards the fee.
 * @returns the selection and the recipients' outputs with their share of the fee taken off
 * @throws InsufficientFunds, WalletError `wallet-error` when an output would drop to dust
 */
export function selectSubtractingFee<C extends Coin>(
  coins: readonly C[],
  outputs: readonly TxOutput[],
  subtractFrom: readonly number[],
  feeRate: number,
): { selection: Selection<C>; outputs: TxOutput[] } {
  const indexes = [...new Set(subtractFrom)];
  if (indexes.some((i) => !Number.isInteger(i) || i < 0 || i >= outputs.length)) throw walletError('invalid-parameter', 'Invalid parameter, subtract fee from an output that does not exist');
  const target = outputs.reduce((s, o) => s + o.value, 0n);
  const sorted = [...coins].sort((a, b) => (b.value > a.value ? 1 : b.value < a.value ? -1 : 0));
  const chosen: C[] = [];
  let total = 0n;
  for (const c of sorted) {
    if (total >= target) break;
    chosen.push(c);
    total += c.value;
  }
  if (total < target) throw new InsufficientFunds(target, total);
  const leftover = total - target;
  const change = leftover >= DUST_LIMIT ? leftover : 0n;
  const vsize = txVsize(chosen.length, outputs.length + (change > 0n ? 1 : 0));
  const fee = feeFor(vsize, feeRate);
  // Dust leftover already goes to the miner: the recipients pay only the rest of the fee.
  const deduct = change > 0n ? fee : fee > leftover ? fee - leftover : 0n;
  const share = deduct / BigInt(indexes.length);
  const remainder = deduct - share * BigInt(indexes.length);
  const adjusted = outputs.map((o, i) => {
    if (!indexes.includes(i)) return o;
    const value = o.value - share - (i === indexes[0] ? remainder : 0n);
    if (value < DUST_LIMIT) throw walletError('wallet-error', 'The transaction amount is too small to pay the fee');
    return { value, scriptPubKey: o.scriptPubKey };
  });
  return { selection: { coins: chosen, fee: change > 0n ? fee : leftover + deduct, change, vsize }, outputs: adjusted };
}
