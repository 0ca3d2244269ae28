/**
 * BIP341 signature hashes for taproot key-path spends (`ext_flag = 0`), and
 * the BIP341 parsing of a key-path witness stack (annex, signature, hash type).
 *
 * Tally supports only key-path spends, so there is no tapscript extension
 * (BIP342) here.
 */
import { BufferWriter } from './encoding.js';
import { TallyError } from './errors.js';
import { sha256, taggedHash } from './hashes.js';
import type { Transaction, TxOutput } from './tx.js';

/** BIP341: signs all inputs and outputs, like `SIGHASH_ALL`, but signatures stay 64 bytes. */
export const SIGHASH_DEFAULT = 0x00;
/** Signs all inputs and all outputs. */
export const SIGHASH_ALL = 0x01;
/** Signs all inputs and no outputs. */
export const SIGHASH_NONE = 0x02;
/** Signs all inputs and only the output with the same index as the input. */
export const SIGHASH_SINGLE = 0x03;
/** Modifier: signs only this input (combined with one of ALL, NONE, SINGLE). */
export const SIGHASH_ANYONECANPAY = 0x80;

/** First byte that marks the last witness item as an annex (BIP341). */
export const ANNEX_TAG = 0x50;

/** Size of a BIP340 Schnorr signature without a hash-type byte. */
const SCHNORR_SIGNATURE_SIZE = 64;

/** Stable codes of {@link SighashError}; the class's doc comment says what each means. */
export const SIGHASH_ERROR_CODES = [
  'bad-sighash-type', 'sighash-single-no-output', 'bad-input-index', 'spent-outputs-mismatch',
  'bad-annex', 'empty-witness', 'bad-signature-size', 'script-path-unsupported',
] as const;
export type SighashErrorCode = typeof SIGHASH_ERROR_CODES[number];

/**
 * A failure while computing a signature hash or parsing a key-path witness.
 * Codes:
 * - `bad-sighash-type`: a hash type BIP341 does not define (or an explicit 0x00 byte);
 * - `sighash-single-no-output`: SIGHASH_SINGLE on an input with no output at its index;
 * - `bad-input-index`: the input index is not an input of the transaction;
 * - `spent-outputs-mismatch`: not exactly one spent output per input;
 * - `bad-annex`: an annex that does not start with 0x50;
 * - `empty-witness`: a taproot spend with no witness items;
 * - `bad-signature-size`: a key-path signature that is neither 64 nor 65 bytes;
 * - `script-path-unsupported`: a witness that is a script-path spend.
 */
export class SighashError extends TallyError<SighashErrorCode> {}

/** The output an input spends: its amount and locking script. */
export type SpentOutput = TxOutput;

/**
 * True for the hash types BIP341 allows: 0x00-0x03 and 0x81-0x83.
 * Bitcoin's legacy leniency (any byte accepted) was deliberately dropped by BIP341.
 */
export function isValidTaprootHashType(hashType: number): boolean {
  return Number.isInteger(hashType) && (
    (hashType >= SIGHASH_DEFAULT && hashType <= SIGHASH_SINGLE) ||
    (hashType >= (SIGHASH_ANYONECANPAY | SIGHASH_ALL) && hashType <= (SIGHASH_ANYONECANPAY | SIGHASH_SINGLE))
  );
}

/** The writer of {@link TaprootSigHasher}'s per-transaction hashes (it grows to the largest). */
const hashAllWriter = new BufferWriter(4096);

function writeOutput(w: BufferWriter, output: TxOutput): void {
  w.i64(output.value).varBytes(output.scriptPubKey);
}

/**
 * Precomputed BIP341 signature hashing for one transaction.
 *
 * BIP341 moved the per-transaction hashes (`sha_prevouts`, `sha_amounts`,
 * `sha_scriptpubkeys`, `sha_sequences`, `sha_outputs`) out of the per-input
 * message so they can be computed once; this class does that, lazily, so a
 * transaction whose inputs are all ANYONECANPAY never hashes the prevouts.
 * Without it, hashing every input would be quadratic in the transaction size.
 */
export class TaprootSigHasher {
  readonly tx: Transaction;
  readonly spentOutputs: readonly TxOutput[];
  private cache: {
    prevouts?: Uint8Array;
    amounts?: Uint8Array;
    scriptPubKeys?: Uint8Array;
    sequences?: Uint8Array;
    outputs?: Uint8Array;
  } = {};

  /**
   * @param spentOutputs - the outputs spent by `tx`'s inputs, in input order;
   *   BIP341 commits to all of them (amounts and scripts) in every non-ANYONECANPAY hash.
   * @throws SighashError `spent-outputs-mismatch` when the count differs from the input count.
   */
  constructor(tx: Transaction, spentOutputs: readonly TxOutput[]) {
    if (spentOutputs.length !== tx.inputs.length) {
      throw new SighashError(
        'spent-outputs-mismatch',
        `${spentOutputs.length} spent outputs for ${tx.inputs.length} inputs`,
      );
    }
    this.tx = tx;
    this.spentOutputs = spentOutputs;
  }

  /** BIP341 `sha_prevouts`: single SHA-256 of all input outpoints. */
  get shaPrevouts(): Uint8Array {
    return (this.cache.prevouts ??= this.hashAll(this.tx.inputs, (w, i) => w.bytes(i.prevout.txid).u32(i.prevout.vout)));
  }

  /** BIP341 `sha_amounts`: single SHA-256 of all spent amounts. */
  get shaAmounts(): Uint8Array {
    return (this.cache.amounts ??= this.hashAll(this.spentOutputs, (w, o) => w.i64(o.value)));
  }

  /** BIP341 `sha_scriptpubkeys`: single SHA-256 of all spent scriptPubKeys, each with its CompactSize length. */
  get shaScriptPubKeys(): Uint8Array {
    return (this.cache.scriptPubKeys ??= this.hashAll(this.spentOutputs, (w, o) => w.varBytes(o.scriptPubKey)));
  }

  /** BIP341 `sha_sequences`: single SHA-256 of all input sequence numbers. */
  get shaSequences(): Uint8Array {
    return (this.cache.sequences ??= this.hashAll(this.tx.inputs, (w, i) => w.u32(i.sequence)));
  }

  /** BIP341 `sha_outputs`: single SHA-256 of all outputs in transaction encoding. */
  get shaOutputs(): Uint8Array {
    return (this.cache.outputs ??= this.hashAll(this.tx.outputs, writeOutput));
  }

  private hashAll<T>(items: readonly T[], write: (w: BufferWriter, item: T) => void): Uint8Array {
    // One writer for every hash: each is hashed before the next begins, and a writer each was
    // the largest share of what connecting a block allocated.
    const w = hashAllWriter.reset();
    for (const item of items) write(w, item);
    return sha256(w.view());
  }

  /**
   * The bytes BIP341 hashes for a key-path spend: the epoch byte 0x00 followed
   * by `SigMsg(hash_type, ext_flag = 0)`, the form the BIP341 test vectors show.
   *
   * @param annex - the annex including its 0x50 tag byte, when the witness has one.
   * @throws SighashError `bad-sighash-type`, `bad-input-index`, `bad-annex`, `sighash-single-no-output`.
   */
  sigMsg(inputIndex: number, hashType: number, annex?: Uint8Array): Uint8Array {
    const tx = this.tx;
    if (!isValidTaprootHashType(hashType)) {
      throw new SighashError('bad-sighash-type', `invalid taproot hash type ${hashType}`);
    }
    if (!Number.isInteger(inputIndex) || inputIndex < 0 || inputIndex >= tx.inputs.length) {
      throw new SighashError('bad-input-index', `input ${inputIndex} out of range (${tx.inputs.length} inputs)`);
    }
    if (annex !== undefined && (annex.length === 0 || annex[0] !== ANNEX_TAG)) {
      throw new SighashError('bad-annex', 'annex must start with 0x50');
    }
    const outputType = hashType === SIGHASH_DEFAULT ? SIGHASH_ALL : hashType & 0x03;
    const anyoneCanPay = (hashType & SIGHASH_ANYONECANPAY) !== 0;
    // Checked before hashing anything: the message is undefined, and the spend invalid, in this case.
    if (outputType === SIGHASH_SINGLE && inputIndex >= tx.outputs.length) {
      throw new SighashError(
        'sighash-single-no-output',
        `SIGHASH_SINGLE on input ${inputIndex} with only ${tx.outputs.length} outputs`,
      );
    }

    const w = new BufferWriter(256);
    w.u8(0x00); // sighash epoch
    w.u8(hashType);
    w.i32(tx.version);
    w.u32(tx.locktime);
    if (!anyoneCanPay) {
      w.bytes(this.shaPrevouts).bytes(this.shaAmounts).bytes(this.shaScriptPubKeys).bytes(this.shaSequences);
    }
    if (outputType === SIGHASH_ALL) w.bytes(this.shaOutputs);
    w.u8(annex !== undefined ? 1 : 0); // spend_type = ext_flag * 2 + annex_present, ext_flag = 0
    if (anyoneCanPay) {
      const input = tx.inputs[inputIndex]!;
      const spent = this.spentOutputs[inputIndex]!;
      w.bytes(input.prevout.txid).u32(input.prevout.vout);
      w.i64(spent.value).varBytes(spent.scriptPubKey);
      w.u32(input.sequence);
    } else {
      w.u32(inputIndex);
    }
    if (annex !== undefined) w.bytes(sha256(new BufferWriter(annex.length + 9).varBytes(annex).finish()));
    if (outputType === SIGHASH_SINGLE) {
      const ow = new BufferWriter();
      writeOutput(ow, tx.outputs[inputIndex]!);
      w.bytes(sha256(ow.finish()));
    }
    return w.finish();
  }

  /**
   * BIP341 key-path signature hash: `hash_TapSighash(0x00 || SigMsg(hash_type, 0))`,
   * the 32-byte message a BIP340 signature of the input signs.
   *
   * @throws SighashError as {@link TaprootSigHasher.sigMsg}.
   */
  hash(inputIndex: number, hashType: number, annex?: Uint8Array): Uint8Array {
    return taggedHash('TapSighash', this.sigMsg(inputIndex, hashType, annex));
  }
}

/**
 * BIP341 key-path signature hash of one input. For several inputs of one
 * transaction, use {@link TaprootSigHasher} so the shared hashes are computed once.
 *
 * @param spentOutputs - the outputs spent by every input of `tx`, in input order.
 * @param annex - the annex including its 0x50 tag byte, when the witness has one.
 * @throws SighashError `bad-sighash-type`, `sighash-single-no-output`, `bad-input-index`,
 *   `spent-outputs-mismatch`, `bad-annex`.
 */
export function taprootSigHash(
  tx: Transaction,
  inputIndex: number,
  spentOutputs: readonly TxOutput[],
  hashType: number,
  annex?: Uint8Array,
): Uint8Array {
  return new TaprootSigHasher(tx, spentOutputs).hash(inputIndex, hashType, annex);
}

/** A key-path witness split into its parts. */
export interface KeyPathWitness {
  /** The 64-byte BIP340 signature, without the hash-type byte. */
  signature: Uint8Array;
  /** The hash type: SIGHASH_DEFAULT for a 64-byte signature, else the 65th byte. */
  hashType: number;
  /** The annex including its 0x50 tag byte, when present. */
  annex?: Uint8Array;
}

/**
 * Splits a taproot witness stack as BIP341 prescribes for a key-path spend.
 *
 * With two or more items, a last item starting with 0x50 is the annex and is
 * removed. Exactly one item must remain (more is a script-path spend, which
 * Tally does not support). It is the signature: 64 bytes means SIGHASH_DEFAULT;
 * 65 bytes carries the hash type in its last byte, where 0x00 is invalid so
 * that every SIGHASH_DEFAULT signature has one encoding only.
 *
 * @throws SighashError `empty-witness`, `script-path-unsupported`, `bad-signature-size`, `bad-sighash-type`.
 */
export function parseKeyPathWitness(witness: readonly Uint8Array[]): KeyPathWitness {
  if (witness.length === 0) throw new SighashError('empty-witness', 'taproot spend with an empty witness');
  let stack = witness;
  let annex: Uint8Array | undefined;
  const last = witness[witness.length - 1]!;
  if (witness.length >= 2 && last.length > 0 && last[0] === ANNEX_TAG) {
    annex = last;
    stack = witness.slice(0, -1);
  }
  if (stack.length !== 1) {
    throw new SighashError('script-path-unsupported', `script-path spend (${stack.length} witness items) is not supported`);
  }
  const sig = stack[0]!;
  let hashType = SIGHASH_DEFAULT;
  if (sig.length === SCHNORR_SIGNATURE_SIZE + 1) {
    hashType = sig[SCHNORR_SIGNATURE_SIZE]!;
    if (hashType === SIGHASH_DEFAULT || !isValidTaprootHashType(hashType)) {
      throw new SighashError('bad-sighash-type', `invalid taproot hash type byte 0x${hashType.toString(16)}`);
    }
  } else if (sig.length !== SCHNORR_SIGNATURE_SIZE) {
    throw new SighashError('bad-signature-size', `taproot signature is ${sig.length} bytes, expected 64 or 65`);
  }
  const signature = sig.slice(0, SCHNORR_SIGNATURE_SIZE);
  return annex === undefined ? { signature, hashType } : { signature, hashType, annex };
}
