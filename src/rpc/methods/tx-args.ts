/**
 * Arguments of the raw-transaction methods: transactions in hex, amounts,
 * fee-rate caps, and createrawtransaction's inputs and outputs.
 */
import { addressToScriptPubKey } from '../../primitives/address.js';
import { fromHex, hashFromHex, toHex } from '../../primitives/bytes.js';
import { MAX_OP_RETURN_DATA, nullDataScript } from '../../primitives/script.js';
import { Transaction, type TxInput, type TxOutput } from '../../primitives/tx.js';
import { RPC, RpcError } from '../errors.js';
import { parseAmount } from '../params.js';
import type { RpcContext } from '../types.js';

/** A transaction from hex. @throws RpcError -22 'TX decode failed' */
export function decodeTx(hex: unknown): Transaction {
  if (typeof hex !== 'string') throw new RpcError(RPC.TYPE_ERROR, 'hexstring: expected string');
  try {
    if (!/^([0-9a-fA-F]{2})+$/.test(hex)) throw new Error('not hexadecimal');
    return Transaction.fromHex(hex);
  } catch (err) {
    throw new RpcError(RPC.DESERIALIZATION_ERROR, 'TX decode failed', { reason: (err as Error).message });
  }
}

/** Satoshis of an 'amount' parameter, whose default (a JSON number) skipped validation. */
export function sats(value: unknown, name: string): bigint {
  return typeof value === 'bigint' ? value : parseAmount(value, name);
}

/** maxfeerate in sat/kvB. @throws RpcError -8 at or above 1 coin/kvB, as Core */
export function maxFeeRate(value: unknown): bigint {
  const rate = sats(value, 'maxfeerate');
  if (rate >= 100_000_000n) throw new RpcError(RPC.INVALID_PARAMETER, 'Fee rates larger than or equal to 1 coin/kvB are not accepted');
  return rate;
}

/** Core's CFeeRate::GetFee: the fee `perKvB` asks of `vsize`, rounded up. */
export function feeAt(perKvB: bigint, vsize: number): bigint {
  return (perKvB * BigInt(vsize) + 999n) / 1000n;
}

export const MAX_SEQUENCE = 0xffffffff;
const invalid = (message: string) => new RpcError(RPC.INVALID_PARAMETER, message);

/** createrawtransaction's inputs. @throws RpcError -3 wrong types, -8 bad values */
export function parseInputs(list: unknown[], defaultSequence: number, replaceable: boolean): TxInput[] {
  return list.map((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new RpcError(RPC.TYPE_ERROR, 'inputs: each input must be an object');
    const { txid, vout, sequence } = item as Record<string, unknown>;
    if (typeof txid !== 'string') throw new RpcError(RPC.TYPE_ERROR, 'inputs: txid must be a string');
    if (!/^[0-9a-fA-F]{64}$/.test(txid)) throw invalid(`txid must be 64 hexadecimal digits (not '${txid}')`);
    if (vout === undefined) throw invalid('Invalid parameter, missing vout key');
    if (typeof vout !== 'number' || !Number.isSafeInteger(vout)) throw invalid('Invalid parameter, vout must be a number');
    if (vout < 0) throw invalid('Invalid parameter, vout cannot be negative');
    if (vout > MAX_SEQUENCE) throw invalid('Invalid parameter, vout out of range');
    let seq = defaultSequence;
    if (sequence !== undefined) {
      if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence)) throw new RpcError(RPC.TYPE_ERROR, 'inputs: sequence must be an integer');
      if (sequence < 0 || sequence > MAX_SEQUENCE) throw invalid('Invalid parameter, sequence number is out of range');
      if (replaceable && sequence > 0xfffffffd) throw invalid('Invalid parameter combination: Sequence number(s) contradict replaceable option');
      seq = sequence;
    }
    return { prevout: { txid: hashFromHex(txid), vout }, scriptSig: new Uint8Array(0), sequence: seq, witness: [] };
  });
}

/** createrawtransaction's outputs: `{ address: amount, data: hex }` or an array of one-key objects. @throws RpcError -3, -5, -8 */
export function parseOutputs(value: unknown, ctx: RpcContext): TxOutput[] {
  const pairs: [string, unknown][] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalid('Invalid parameter, key-value pair not an object as expected');
      const entries = Object.entries(item as Record<string, unknown>);
      if (entries.length !== 1) throw invalid('Invalid parameter, key-value pair must contain exactly one key');
      pairs.push(entries[0]!);
    }
  } else {
    pairs.push(...Object.entries(value as Record<string, unknown>));
  }
  const seen = new Set<string>();
  return pairs.map(([key, amount]) => {
    if (key === 'data') {
      if (seen.has('data')) throw invalid('Invalid parameter, duplicate key: data');
      seen.add('data');
      if (typeof amount !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(amount)) throw invalid('Data must be hexadecimal string');
      if (amount.length / 2 > MAX_OP_RETURN_DATA) throw invalid(`Data is larger than ${MAX_OP_RETURN_DATA} bytes`);
      return { value: 0n, scriptPubKey: nullDataScript(fromHex(amount)) };
    }
    let script: Uint8Array;
    try {
      script = addressToScriptPubKey(ctx.params.addressPrefix, key);
    } catch (err) {
      throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, `Invalid address: ${key} (${(err as Error).message})`);
    }
    const canonical = toHex(script);
    if (seen.has(canonical)) throw invalid(`Invalid parameter, duplicated address: ${key}`);
    seen.add(canonical);
    return { value: parseAmount(amount, key), scriptPubKey: script };
  });
}
