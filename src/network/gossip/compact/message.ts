/**
 * Wire encodings of compact block relay (PROTOCOL.md §9.5), after BIP152:
 * the compact block (`cmpctblock`), the request for missing transactions
 * (`getblocktxn`) and its answer (`blocktxn`). Decoders read the whole frame
 * and throw P2PError('malformed-message') on anything that does not decode
 * exactly: a count the bytes cannot hold, an index out of order or range,
 * trailing bytes.
 */
import { BlockHeader, type Block } from '../../../primitives/block.js';
import { hashFromHex, hashToHex } from '../../../primitives/bytes.js';
import { BufferWriter } from '../../../primitives/encoding.js';
import { Transaction } from '../../../primitives/tx.js';
import { P2PError } from '../../errors.js';
import { SHORT_ID_SIZE, shortId, shortIdKey } from './short-ids.js';
import { decodeExactly, readCount } from '../../decode.js';

/** Most transactions a block can hold: 4,000,000 weight units over the smallest transaction's 40 (Core's bound). */
export const MAX_BLOCK_TXS = 100_000;

/** A transaction sent whole, at its index in the block. */
export interface PrefilledTx {
  index: number;
  tx: Transaction;
}

export interface CompactBlock {
  header: BlockHeader;
  /** The relayer's salt: short ids are keyed by SHA256(header || nonce). */
  nonce: bigint;
  /** Short ids of the transactions not prefilled, in block order. */
  shortIds: number[];
  /** Prefilled transactions, by increasing index (at least the coinbase). */
  prefilled: PrefilledTx[];
}

/** The compact form of `block` under `nonce`, with the coinbase prefilled. */
export function compactBlockOf(block: Block, nonce: bigint): CompactBlock {
  const key = shortIdKey(block.header, nonce);
  const [coinbase, ...rest] = block.transactions;
  return {
    header: block.header,
    nonce,
    shortIds: rest.map((tx) => shortId(key, tx.wtxidBytes)),
    prefilled: coinbase ? [{ index: 0, tx: coinbase }] : [],
  };
}

/** Transactions in the block a compact block describes. */
export function txCount(compact: CompactBlock): number {
  return compact.shortIds.length + compact.prefilled.length;
}

export function encodeCompactBlock(c: CompactBlock): Uint8Array {
  const w = new BufferWriter(100 + SHORT_ID_SIZE * c.shortIds.length);
  c.header.encode(w);
  w.u64(c.nonce).varint(c.shortIds.length);
  for (const id of c.shortIds) w.u32(id % 0x1_0000_0000).u16(Math.floor(id / 0x1_0000_0000));
  w.varint(c.prefilled.length);
  let next = 0;
  // Indexes are differential, as BIP152's: each one is the gap after the previous one.
  for (const { index, tx } of c.prefilled) {
    w.varint(index - next);
    tx.encode(w);
    next = index + 1;
  }
  return w.finish();
}

export function decodeCompactBlock(bytes: Uint8Array): CompactBlock {
  return decodeExactly(bytes, 'compact block', (r) => {
    const header = BlockHeader.decode(r);
    const nonce = r.u64();
    const count = readCount(r, MAX_BLOCK_TXS, SHORT_ID_SIZE, 'short ids');
    const shortIds: number[] = new Array(count);
    for (let i = 0; i < count; i++) shortIds[i] = r.u32() + r.u16() * 0x1_0000_0000;
    // A transaction takes at least 10 bytes.
    const prefilledCount = readCount(r, MAX_BLOCK_TXS - count, 10, 'prefilled transactions');
    const total = count + prefilledCount;
    if (total === 0) throw new P2PError('malformed-message', 'a compact block without transactions');
    const prefilled: PrefilledTx[] = [];
    let next = 0;
    for (let i = 0; i < prefilledCount; i++) {
      const index = next + r.varint(MAX_BLOCK_TXS);
      if (index >= total) throw new P2PError('malformed-message', `prefilled index ${index} past the block's ${total} transactions`);
      prefilled.push({ index, tx: Transaction.decode(r) });
      next = index + 1;
    }
    return { header, nonce, shortIds, prefilled };
  });
}

/** A getblocktxn request: the block and the indexes of the transactions wanted, increasing. */
export interface BlockTxnRequest {
  hash: string;
  indexes: number[];
}

export function encodeBlockTxnRequest(req: BlockTxnRequest): Uint8Array {
  const w = new BufferWriter(40 + 3 * req.indexes.length).bytes(hashFromHex(req.hash)).varint(req.indexes.length);
  let next = 0;
  for (const index of req.indexes) {
    w.varint(index - next);
    next = index + 1;
  }
  return w.finish();
}

/** Decodes a request for at least one index, all below {@link MAX_BLOCK_TXS}. */
export function decodeBlockTxnRequest(bytes: Uint8Array): BlockTxnRequest {
  return decodeExactly(bytes, 'getblocktxn', (r) => {
    const hash = hashToHex(r.bytesN(32));
    const count = readCount(r, MAX_BLOCK_TXS, 1, 'indexes');
    if (count === 0) throw new P2PError('malformed-message', 'a getblocktxn request for no transactions');
    const indexes: number[] = [];
    let next = 0;
    for (let i = 0; i < count; i++) {
      const index = next + r.varint(MAX_BLOCK_TXS);
      if (index >= MAX_BLOCK_TXS) throw new P2PError('malformed-message', `index ${index} past any block`);
      indexes.push(index);
      next = index + 1;
    }
    return { hash, indexes };
  });
}

/** A blocktxn answer: the block and the transactions asked for, in request order; none when the answerer lacks the block. */
export interface BlockTxn {
  hash: string;
  txs: Transaction[];
}

export function encodeBlockTxn(reply: BlockTxn): Uint8Array {
  const w = new BufferWriter(64 + 300 * reply.txs.length).bytes(hashFromHex(reply.hash)).varint(reply.txs.length);
  for (const tx of reply.txs) tx.encode(w);
  return w.finish();
}

export function decodeBlockTxn(bytes: Uint8Array): BlockTxn {
  return decodeExactly(bytes, 'blocktxn', (r) => {
    const hash = hashToHex(r.bytesN(32));
    const count = readCount(r, MAX_BLOCK_TXS, 10, 'transactions');
    const txs: Transaction[] = new Array(count);
    for (let i = 0; i < count; i++) txs[i] = Transaction.decode(r);
    return { hash, txs };
  });
}


