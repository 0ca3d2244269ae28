/** Storage encodings of chain records (separate from wire encodings, as the layout table describes). */
import { BlockHeader } from '../primitives/block.js';
import { BufferReader, BufferWriter, varintSize } from '../primitives/encoding.js';
import type { Coin } from '../consensus/coins.js';
import type { OutPoint } from '../primitives/tx.js';

export function encodeCoin(coin: Coin): Uint8Array {
  return new BufferWriter(13 + varintSize(coin.scriptPubKey.length) + coin.scriptPubKey.length).i64(coin.value).u32(coin.height).u8(coin.coinbase ? 1 : 0).varBytes(coin.scriptPubKey).finishExact();
}

export function decodeCoin(bytes: Uint8Array): Coin {
  return readCoin(new BufferReader(bytes));
}

function readCoin(r: BufferReader): Coin {
  const value = r.i64();
  const height = r.u32();
  const coinbase = r.u8() === 1;
  return { value, height, coinbase, scriptPubKey: r.varBytes() };
}

/** Undo data: the coins a block spent, with their outpoints, in spend order. */
export interface UndoCoin {
  prevout: OutPoint;
  coin: Coin;
}

export function encodeUndo(coins: readonly UndoCoin[]): Uint8Array {
  const w = new BufferWriter(64 * coins.length + 8).varint(coins.length);
  for (const { prevout, coin } of coins) w.bytes(prevout.txid).u32(prevout.vout).bytes(encodeCoin(coin));
  return w.finish();
}

export function decodeUndo(bytes: Uint8Array): UndoCoin[] {
  const r = new BufferReader(bytes);
  const n = r.varint();
  const out: UndoCoin[] = [];
  for (let i = 0; i < n; i++) {
    const prevout = { txid: r.bytesN(32), vout: r.u32() };
    out.push({ prevout, coin: readCoin(r) });
  }
  return out;
}

/** Status bits of a header index entry. */
export const BlockStatus = {
  /** The full block is stored. */
  HAVE_DATA: 1,
  /** The block passed every rule when it was connected. */
  VALID: 2,
  /** The block broke a rule. */
  FAILED: 4,
  /** An ancestor broke a rule. */
  FAILED_PARENT: 8,
} as const;

export interface HeaderRecord {
  header: BlockHeader;
  height: number;
  status: number;
  chainWork: bigint;
}

export function encodeHeaderRecord(rec: HeaderRecord): Uint8Array {
  const work = rec.chainWork.toString(16).padStart(64, '0');
  const w = new BufferWriter(117);
  rec.header.encode(w);
  w.u32(rec.height).u8(rec.status);
  for (let i = 0; i < 64; i += 2) w.u8(parseInt(work.slice(i, i + 2), 16));
  return w.finish();
}

export function decodeHeaderRecord(bytes: Uint8Array): HeaderRecord {
  const r = new BufferReader(bytes);
  const header = BlockHeader.decode(r);
  const height = r.u32();
  const status = r.u8();
  let hex = '';
  for (const b of r.bytesN(32)) hex += b.toString(16).padStart(2, '0');
  return { header, height, status, chainWork: BigInt('0x' + hex) };
}

export function encodeTxIndex(blockHash: Uint8Array, position: number): Uint8Array {
  return new BufferWriter(36).bytes(blockHash).u32(position).finish();
}

export function decodeTxIndex(bytes: Uint8Array): { blockHash: Uint8Array; position: number } {
  const r = new BufferReader(bytes);
  return { blockHash: r.bytesN(32), position: r.u32() };
}
