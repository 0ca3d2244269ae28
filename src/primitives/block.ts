/**
 * Blocks: Bitcoin's 80-byte header (version, previous hash, merkle root, time,
 * bits, nonce) followed by a CompactSize count and the transactions.
 * The block hash is sha256d of the header.
 */
import { fromHex, hashToHex, toHex } from './bytes.js';
import { EncodingError } from './errors.js';
import { BufferReader, BufferWriter, varintSize } from './encoding.js';
import { sha256d } from './hashes.js';
import { computeMerkleRoot, type MerkleResult } from './merkle.js';
import { Transaction, WITNESS_SCALE_FACTOR } from './tx.js';

export const HEADER_SIZE = 80;

export interface BlockHeaderFields {
  version: number;
  /** Previous block hash, internal byte order. */
  prevHashBytes: Uint8Array;
  /** Merkle root of the txids, internal byte order. */
  merkleRootBytes: Uint8Array;
  /** Seconds since the Unix epoch. */
  time: number;
  /** Compact target. */
  bits: number;
  nonce: number;
}

export class BlockHeader implements BlockHeaderFields {
  readonly version: number;
  readonly prevHashBytes: Uint8Array;
  readonly merkleRootBytes: Uint8Array;
  readonly time: number;
  readonly bits: number;
  readonly nonce: number;
  private cachedHash?: Uint8Array;

  constructor(fields: BlockHeaderFields) {
    this.version = fields.version;
    this.prevHashBytes = fields.prevHashBytes;
    this.merkleRootBytes = fields.merkleRootBytes;
    this.time = fields.time;
    this.bits = fields.bits;
    this.nonce = fields.nonce;
  }

  static decode(reader: BufferReader): BlockHeader {
    return new BlockHeader({
      version: reader.i32(),
      // Copies: the block index keeps headers, which must not hold a whole block's bytes.
      prevHashBytes: reader.copyN(32),
      merkleRootBytes: reader.copyN(32),
      time: reader.u32(),
      bits: reader.u32(),
      nonce: reader.u32(),
    });
  }

  /** Decodes exactly 80 bytes. */
  static fromBytes(bytes: Uint8Array): BlockHeader {
    if (bytes.length !== HEADER_SIZE) {
      throw new EncodingError('bad-header-length', `header expected ${HEADER_SIZE} bytes, got ${bytes.length}`);
    }
    return BlockHeader.decode(new BufferReader(bytes));
  }

  static fromHex(hex: string): BlockHeader {
    return BlockHeader.fromBytes(fromHex(hex));
  }

  encode(writer: BufferWriter): void {
    writer.i32(this.version).bytes(this.prevHashBytes).bytes(this.merkleRootBytes);
    writer.u32(this.time).u32(this.bits).u32(this.nonce);
  }

  toBytes(): Uint8Array {
    const w = new BufferWriter(HEADER_SIZE);
    this.encode(w);
    return w.finish();
  }

  toHex(): string {
    return toHex(this.toBytes());
  }

  /** Header hash in internal byte order. */
  get hashBytes(): Uint8Array {
    return (this.cachedHash ??= sha256d(this.toBytes()));
  }

  /** Block hash as Bitcoin displays it. */
  get hash(): string {
    return hashToHex(this.hashBytes);
  }

  get prevHash(): string {
    return hashToHex(this.prevHashBytes);
  }

  get merkleRoot(): string {
    return hashToHex(this.merkleRootBytes);
  }

  /** A copy with some fields replaced (mining changes nonce, time and root). */
  with(changes: Partial<BlockHeaderFields>): BlockHeader {
    const { version, prevHashBytes, merkleRootBytes, time, bits, nonce } = this;
    return new BlockHeader({ version, prevHashBytes, merkleRootBytes, time, bits, nonce, ...changes });
  }
}

export class Block {
  readonly header: BlockHeader;
  readonly transactions: readonly Transaction[];
  private cachedBytes?: Uint8Array;

  constructor(header: BlockHeader, transactions: readonly Transaction[]) {
    this.header = header;
    this.transactions = transactions;
  }

  static decode(reader: BufferReader): Block {
    const header = BlockHeader.decode(reader);
    const count = reader.varint();
    // Each transaction takes at least 10 bytes; refuse counts the input cannot hold.
    if (count * 10 > reader.remaining) {
      throw new EncodingError('read-out-of-bounds', `transaction count ${count} exceeds the remaining bytes`);
    }
    const transactions: Transaction[] = new Array(count);
    for (let i = 0; i < count; i++) transactions[i] = Transaction.decode(reader);
    return new Block(header, transactions);
  }

  /** Decodes exactly one block; trailing bytes are an error. */
  static fromBytes(bytes: Uint8Array): Block {
    // Views: each transaction copies its own bytes once (Transaction.decode).
    const reader = new BufferReader(bytes, 0, { views: true });
    const block = Block.decode(reader);
    if (reader.remaining !== 0) throw new EncodingError('trailing-bytes', `${reader.remaining} bytes after block`);
    return block;
  }

  static fromHex(hex: string): Block {
    return Block.fromBytes(fromHex(hex));
  }

  encode(writer: BufferWriter, witness = true): void {
    this.header.encode(writer);
    writer.varint(this.transactions.length);
    // The transactions' own encodings, which decoding already holds: one copy each.
    for (const tx of this.transactions) writer.bytes(tx.toBytes(witness));
  }

  toBytes(witness = true): Uint8Array {
    if (!witness) return this.serialize(false);
    return (this.cachedBytes ??= this.serialize(true));
  }

  private serialize(witness: boolean): Uint8Array {
    const w = new BufferWriter(witness ? this.size : this.strippedSize);
    this.encode(w, witness);
    return w.finishExact();
  }

  toHex(): string {
    return toHex(this.toBytes());
  }

  get hash(): string {
    return this.header.hash;
  }

  get hashBytes(): Uint8Array {
    return this.header.hashBytes;
  }

  /** Full serialized size (summed, not serialized: a block's encoding is its parts'). */
  get size(): number {
    if (this.cachedBytes) return this.cachedBytes.length;
    let n = HEADER_SIZE + varintSize(this.transactions.length);
    for (const tx of this.transactions) n += tx.totalSize;
    return n;
  }

  /** Size without witness data. */
  get strippedSize(): number {
    let n = HEADER_SIZE + varintSize(this.transactions.length);
    for (const tx of this.transactions) n += tx.baseSize;
    return n;
  }

  /** BIP141 block weight. */
  get weight(): number {
    return this.strippedSize * (WITNESS_SCALE_FACTOR - 1) + this.size;
  }

  /** Merkle root over the txids, with the CVE-2012-2459 mutation flag. */
  computeMerkleRoot(): MerkleResult {
    return computeMerkleRoot(this.transactions.map((tx) => tx.txidBytes));
  }
}
