/** What a transaction did to each address it touches, for the `address` notification. */
import { hashToHex, toHex } from '../primitives/bytes.js';
import type { Transaction, TxOutput } from '../primitives/tx.js';
import { formatAmount } from './format.js';

/** What one transaction did to one address (amounts of outputs and inputs in coins, as in the RPC). */
export interface AddressActivity {
  received: bigint;
  spent: bigint;
  outputs: { vout: number; value: number }[];
  inputs: { txid: string; vout: number; value: number }[];
}

/**
 * The activity of `tx` per scriptPubKey (hex). `spent`: the coin of each input,
 * in input order, where known; an input whose coin is unknown is left out.
 */
export function addressActivity(tx: Transaction, spent: readonly (TxOutput | undefined)[]): Map<string, AddressActivity> {
  const activity = new Map<string, AddressActivity>();
  const touch = (script: string) => {
    let a = activity.get(script);
    if (!a) activity.set(script, (a = { received: 0n, spent: 0n, outputs: [], inputs: [] }));
    return a;
  };
  tx.outputs.forEach((o, vout) => {
    const a = touch(toHex(o.scriptPubKey));
    a.received += o.value;
    a.outputs.push({ vout, value: formatAmount(o.value) });
  });
  if (tx.isCoinbase()) return activity;
  for (const [i, input] of tx.inputs.entries()) {
    const coin = spent[i];
    if (!coin) continue;
    const a = touch(toHex(coin.scriptPubKey));
    a.spent += coin.value;
    a.inputs.push({ txid: hashToHex(input.prevout.txid), vout: input.prevout.vout, value: formatAmount(coin.value) });
  }
  return activity;
}
