/** Coinbase transactions: BIP34 height, an extra nonce, the payout and the BIP141 witness commitment. */
import { concatBytes } from '../primitives/bytes.js';
import { MAX_COINBASE_SCRIPT } from '../consensus/constants.js';
import { miningError } from './errors.js';
import { encodeHeightPush, pushData } from '../primitives/script.js';
import { NULL_TXID, NULL_VOUT, Transaction, type TxOutput } from '../primitives/tx.js';
import { witnessCommitment, witnessCommitmentScript, witnessMerkleRoot } from '../primitives/witness.js';

/** The witness reserved value Tally's miners use (BIP141 allows any 32 bytes). */
export const WITNESS_RESERVED_VALUE = new Uint8Array(32);

export interface CoinbaseOptions {
  height: number;
  /** Outputs paying the subsidy and fees. */
  outputs: readonly TxOutput[];
  /** Rolled by miners when the nonce range runs out; at most 8 bytes. */
  extraNonce?: bigint;
  /** Free text after the extra nonce (a miner tag); the scriptSig stays within 100 bytes. */
  tag?: Uint8Array;
}

/** Builds a coinbase without its witness commitment (see {@link withWitnessCommitment}). */
export function createCoinbase(opts: CoinbaseOptions): Transaction {
  const extra = new Uint8Array(8);
  new DataView(extra.buffer).setBigUint64(0, opts.extraNonce ?? 0n, true);
  const scriptSig = concatBytes(encodeHeightPush(opts.height), pushData(extra), opts.tag ? pushData(opts.tag) : new Uint8Array(0));
  if (scriptSig.length > MAX_COINBASE_SCRIPT) {
    throw miningError('bad-coinbase-tag', `coinbase scriptSig would be ${scriptSig.length} bytes, more than ${MAX_COINBASE_SCRIPT}: shorten the tag`);
  }
  return new Transaction({
    version: 2,
    inputs: [{ prevout: { txid: NULL_TXID, vout: NULL_VOUT }, scriptSig, sequence: 0xffffffff, witness: [] }],
    outputs: opts.outputs,
    locktime: 0,
  });
}

/**
 * Adds the witness commitment output and reserved value to a coinbase when any
 * of `others` has witness data (BIP141), returning the coinbase to use.
 */
export function withWitnessCommitment(coinbase: Transaction, others: readonly Transaction[]): Transaction {
  if (!others.some((tx) => tx.hasWitness)) return coinbase;
  const root = witnessMerkleRoot([coinbase, ...others]);
  const commitment = witnessCommitment(root, WITNESS_RESERVED_VALUE);
  const input = coinbase.inputs[0]!;
  return new Transaction({
    version: coinbase.version,
    inputs: [{ ...input, witness: [WITNESS_RESERVED_VALUE] }],
    outputs: [...coinbase.outputs, { value: 0n, scriptPubKey: witnessCommitmentScript(commitment) }],
    locktime: coinbase.locktime,
  });
}
