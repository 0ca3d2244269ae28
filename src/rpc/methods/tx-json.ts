/**
 * Core's TxToUniv: the one JSON view of a transaction for every RPC method
 * that shows one verbosely (getrawtransaction, decoderawtransaction,
 * getblock 2 and 3). Field order follows Core's.
 */
import { hashToHex, toHex } from '../../primitives/bytes.js';
import type { Transaction } from '../../primitives/tx.js';
import type { Coin } from '../../consensus/coins.js';
import type { NetworkParams } from '../../consensus/params.js';
import { formatAmount } from '../format.js';
import { txFee } from './chain-lookup.js';
import { scriptPubKeyJson, scriptSigJson } from './script-json.js';

export interface TxJsonOptions {
  /** The coins the inputs spend, in input order (from undo data): adds `fee`. */
  spent?: readonly Coin[];
  /** Also each input's `prevout` (Core's verbosity 3 of getblock, 2 of getrawtransaction). */
  prevouts?: boolean;
  /** Whether to end with the serialized `hex` (Core leaves it out of decoderawtransaction). */
  hex?: boolean;
}

/** Core's prevout object of an input at the highest verbosity. */
export function prevoutJson(coin: Coin, params: Pick<NetworkParams, 'addressPrefix'>): Record<string, unknown> {
  return { generated: coin.coinbase, height: coin.height, value: formatAmount(coin.value), scriptPubKey: scriptPubKeyJson(coin.scriptPubKey, params) };
}

function inputsJson(tx: Transaction, params: Pick<NetworkParams, 'addressPrefix'>, opts: TxJsonOptions): Record<string, unknown>[] {
  const coinbase = tx.isCoinbase();
  return tx.inputs.map((input, i) => {
    const json: Record<string, unknown> = coinbase
      ? { coinbase: toHex(input.scriptSig) }
      : { txid: hashToHex(input.prevout.txid), vout: input.prevout.vout, scriptSig: scriptSigJson(input.scriptSig) };
    // Core writes txinwitness only for inputs that have a witness.
    if (input.witness.length > 0) json.txinwitness = input.witness.map(toHex);
    const coin = opts.spent?.[i];
    if (opts.prevouts && coin && !coinbase) json.prevout = prevoutJson(coin, params);
    json.sequence = input.sequence;
    return json;
  });
}

/** Core's TxToUniv. */
export function txToUniv(tx: Transaction, params: Pick<NetworkParams, 'addressPrefix'>, opts: TxJsonOptions = {}): Record<string, unknown> {
  const json: Record<string, unknown> = {
    txid: tx.txid, hash: tx.wtxid, version: tx.version, size: tx.totalSize, vsize: tx.vsize, weight: tx.weight, locktime: tx.locktime,
    vin: inputsJson(tx, params, opts),
    vout: tx.outputs.map((output, n) => ({ value: formatAmount(output.value), n, scriptPubKey: scriptPubKeyJson(output.scriptPubKey, params) })),
  };
  if (opts.spent && !tx.isCoinbase()) json.fee = formatAmount(txFee(tx, opts.spent));
  if (opts.hex !== false) json.hex = tx.toHex();
  return json;
}
