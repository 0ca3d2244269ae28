/**
 * Transactions in Bitcoin's serialization, legacy and segwit (BIP144):
 * `version | [marker 0x00, flag 0x01] | inputs | outputs | [witnesses] | locktime`.
 * The txid hashes the encoding without witnesses; the wtxid hashes all of it.
 */
import { fromHex, hashToHex, toHex } from './bytes.js';
import { EncodingError } from './errors.js';
import { BufferReader, BufferWriter, varintSize } from './encoding.js';
import { sha256d } from './hashes.js';

/** A reference to an output of an earlier transaction. `txid` is in internal byte order. */
export interface OutPoint {
  readonly txid: Uint8Array;
  readonly vout: number;
}

export interface TxInput {
  readonly prevout: OutPoint;
  readonly scriptSig: Uint8Array;
  readonly sequence: number;
  /** Witness stack items; empty when the input has no witness. */
  readonly witness: readonly Uint8Array[];
}

export interface TxOutput {
  /** Amount in satoshis (the smallest unit). */
  readonly value: bigint;
  readonly scriptPubKey: Uint8Array;
}

export interface TransactionFields {
  version: number;
  inputs: readonly TxInput[];
  outputs: readonly TxOutput[];
  locktime: number;
}

/** The outpoint of a coinbase input: an all-zero txid and index 0xffffffff. */
export const NULL_TXID = new Uint8Array(32);
export const NULL_VOUT = 0xffffffff;

/** Smallest encodings, used to refuse counts that the remaining bytes cannot hold. */
const MIN_INPUT_SIZE = 32 + 4 + 1 + 4;
const MIN_OUTPUT_SIZE = 8 + 1;

/** Segwit weight factor (BIP141). */
export const WITNESS_SCALE_FACTOR = 4;

/** An immutable transaction; hashes and sizes are computed once, on first use. */
export class Transaction implements TransactionFields {
  readonly version: number;
  readonly inputs: readonly TxInput[];
  readonly outputs: readonly TxOutput[];
  readonly locktime: number;
  // The stripped encoding is not kept: once hashed into the txid only its size is asked
  // for again, and a kept copy doubled the bytes of every decoded block and mempool entry.
  private cache: { txid?: Uint8Array; wtxid?: Uint8Array; baseSize?: number; full?: Uint8Array } = {};

  constructor(fields: TransactionFields) {
    this.version = fields.version;
    this.inputs = fields.inputs;
    this.outputs = fields.outputs;
    this.locktime = fields.locktime;
  }

  /** Decodes one transaction from `reader`, advancing it. */
  static decode(reader: BufferReader): Transaction {
    const start = reader.offset;
    const version = reader.i32();
    let inputCount = readCount(reader, MIN_INPUT_SIZE);
    let flags = 0;
    let inputs: TxInput[] = [];
    let outputs: TxOutput[] = [];
    if (inputCount === 0) {
      // BIP144: an empty input list followed by a flag byte marks a segwit encoding.
      flags = reader.u8();
      if (flags !== 0) {
        inputCount = readCount(reader, MIN_INPUT_SIZE);
        inputs = readInputs(reader, inputCount);
        outputs = readOutputs(reader);
      }
    } else {
      inputs = readInputs(reader, inputCount);
      outputs = readOutputs(reader);
    }
    if (flags & 1) {
      flags ^= 1;
      inputs = inputs.map((input) => ({ ...input, witness: readWitness(reader) }));
      if (!inputs.some((i) => i.witness.length > 0)) {
        throw new EncodingError('superfluous-witness', 'segwit encoding without any witness');
      }
    }
    if (flags !== 0) throw new EncodingError('unknown-tx-flags', `unknown transaction flags 0x${flags.toString(16)}`);
    const locktime = reader.u32();
    const tx = new Transaction({ version, inputs, outputs, locktime });
    if (reader.views) tx.cache.full = ownBytes(reader.bytes, start, reader.offset, inputs, outputs);
    return tx;
  }

  /** Decodes exactly one transaction; trailing bytes are an error. */
  static fromBytes(bytes: Uint8Array): Transaction {
    const reader = new BufferReader(bytes, 0, { views: true });
    const tx = Transaction.decode(reader);
    if (reader.remaining !== 0) throw new EncodingError('trailing-bytes', `${reader.remaining} bytes after transaction`);
    return tx;
  }

  static fromHex(hex: string): Transaction {
    return Transaction.fromBytes(fromHex(hex));
  }

  /** True when any input carries witness data (so the segwit encoding is used). */
  get hasWitness(): boolean {
    return this.inputs.some((i) => i.witness.length > 0);
  }

  /** Writes the transaction; `witness: false` gives the legacy encoding that txids hash. */
  encode(writer: BufferWriter, witness = true): void {
    const segwit = witness && this.hasWitness;
    writer.i32(this.version);
    if (segwit) writer.u8(0).u8(1);
    writer.varint(this.inputs.length);
    for (const input of this.inputs) {
      writer.bytes(input.prevout.txid).u32(input.prevout.vout).varBytes(input.scriptSig).u32(input.sequence);
    }
    writer.varint(this.outputs.length);
    for (const output of this.outputs) writer.i64(output.value).varBytes(output.scriptPubKey);
    if (segwit) {
      for (const input of this.inputs) {
        writer.varint(input.witness.length);
        for (const item of input.witness) writer.varBytes(item);
      }
    }
    writer.u32(this.locktime);
  }

  /** Canonical bytes (segwit encoding when there are witnesses). */
  toBytes(witness = true): Uint8Array {
    // Without witnesses both encodings are the same bytes: one cached copy serves both.
    if (witness || !this.hasWitness) return (this.cache.full ??= this.serialize(true));
    const base = this.serialize(false);
    this.cache.baseSize = base.length;
    return base;
  }

  private serialize(witness: boolean): Uint8Array {
    const w = new BufferWriter(this.estimateSize());
    this.encode(w, witness);
    return w.finish();
  }

  private estimateSize(): number {
    let n = 10;
    for (const i of this.inputs) n += 41 + i.scriptSig.length + 2 + i.witness.reduce((a, b) => a + b.length + 1, 0);
    for (const o of this.outputs) n += 9 + o.scriptPubKey.length;
    return n;
  }

  toHex(): string {
    return toHex(this.toBytes());
  }

  /** Transaction id in internal byte order: sha256d of the encoding without witnesses. */
  get txidBytes(): Uint8Array {
    return (this.cache.txid ??= sha256d(this.toBytes(false)));
  }

  /** Witness transaction id in internal byte order (equals the txid without witnesses). */
  get wtxidBytes(): Uint8Array {
    if (!this.hasWitness) return this.txidBytes;
    return (this.cache.wtxid ??= sha256d(this.toBytes(true)));
  }

  /** Transaction id as Bitcoin displays it (byte-reversed hex). */
  get txid(): string {
    return hashToHex(this.txidBytes);
  }

  get wtxid(): string {
    return hashToHex(this.wtxidBytes);
  }

  /** Size without witness data ("stripped size"). */
  get baseSize(): number {
    return (this.cache.baseSize ??= this.toBytes(false).length);
  }

  /** Size of the full encoding. */
  get totalSize(): number {
    return this.toBytes(true).length;
  }

  /** BIP141 weight: base size x 3 + total size. */
  get weight(): number {
    return this.baseSize * (WITNESS_SCALE_FACTOR - 1) + this.totalSize;
  }

  /** Virtual size: weight / 4, rounded up. */
  get vsize(): number {
    return Math.ceil(this.weight / WITNESS_SCALE_FACTOR);
  }

  /** A coinbase has exactly one input, spending the null outpoint. */
  isCoinbase(): boolean {
    return this.inputs.length === 1 && isNullOutpoint(this.inputs[0]!.prevout);
  }
}

/** True for the coinbase's null outpoint. */
export function isNullOutpoint(prevout: OutPoint): boolean {
  return prevout.vout === NULL_VOUT && prevout.txid.every((b) => b === 0);
}

/** Key for maps and sets of outpoints: `txidhex:vout` in internal order. */
export function outpointKey(prevout: OutPoint): string {
  return `${toHex(prevout.txid)}:${prevout.vout}`;
}

function readCount(reader: BufferReader, minItemSize: number): number {
  // A count the remaining bytes cannot hold is refused before anything is allocated.
  const count = reader.varint();
  if (count * minItemSize > reader.remaining) {
    throw new EncodingError('read-out-of-bounds', `count ${count} exceeds the remaining ${reader.remaining} bytes`);
  }
  return count;
}

function readInputs(reader: BufferReader, count: number): TxInput[] {
  const inputs: TxInput[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const txid = reader.bytesN(32);
    const vout = reader.u32();
    const scriptSig = reader.varBytes();
    const sequence = reader.u32();
    inputs[i] = { prevout: { txid, vout }, scriptSig, sequence, witness: [] };
  }
  return inputs;
}

function readOutputs(reader: BufferReader): TxOutput[] {
  const count = readCount(reader, MIN_OUTPUT_SIZE);
  const outputs: TxOutput[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const value = reader.i64();
    const scriptPubKey = reader.varBytes();
    outputs[i] = { value, scriptPubKey };
  }
  return outputs;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Gives a transaction decoded with views into `src` its own copy of its bytes, and points
 * its fields into that copy: whatever keeps the transaction (a mempool, a cached block)
 * then keeps its own bytes, in one allocation instead of one per script and hash (22,000
 * outputs of a 1 MB block were 22,000 malloc'd stores), and never a whole block or
 * message. The copy is its canonical encoding: decode refuses every other form.
 */
function ownBytes(src: Uint8Array, start: number, end: number, inputs: TxInput[], outputs: TxOutput[]): Uint8Array {
  // Uint8Array's slice, which copies: a Buffer's own slice is a view.
  const own = Uint8Array.prototype.slice.call(src, start, end);
  const base = src.byteOffset + start;
  const moved = (v: Uint8Array) => own.subarray(v.byteOffset - base, v.byteOffset - base + v.length);
  for (const input of inputs as Writable<TxInput>[]) {
    (input.prevout as Writable<OutPoint>).txid = moved(input.prevout.txid);
    input.scriptSig = moved(input.scriptSig);
    const witness = input.witness as Uint8Array[];
    for (let i = 0; i < witness.length; i++) witness[i] = moved(witness[i]!);
  }
  for (const output of outputs as Writable<TxOutput>[]) output.scriptPubKey = moved(output.scriptPubKey);
  return own;
}

function readWitness(reader: BufferReader): Uint8Array[] {
  const count = readCount(reader, 1);
  const items: Uint8Array[] = new Array(count);
  for (let i = 0; i < count; i++) items[i] = reader.varBytes();
  return items;
}

/** Encoded size of a witness stack, for weight estimates. */
export function witnessSize(witness: readonly Uint8Array[]): number {
  return witness.reduce((n, item) => n + varintSize(item.length) + item.length, varintSize(witness.length));
}
