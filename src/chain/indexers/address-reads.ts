/**
 * The address index, read side. Every read is a LevelDB iterator over one
 * script's key range, consumed lazily: a page of an address with 100,000
 * transactions reads that page's records, not the history. Each item carries
 * its `cursor`, the rest of its key after the script, so a caller resumes a
 * page with `after` and nothing is read twice.
 */
import type { ChainDB } from '../chaindb.js';
import { keys, PREFIX, readU32BE } from '../layout.js';
import { decodeAddrDelta, decodeAddrUnspent, type AddressDelta } from './address-index.js';

/** An unspent output paying a script, from `U` records. */
export interface AddressUtxo {
  txid: Uint8Array;
  vout: number;
  value: bigint;
  height: number;
  /** Created by a coinbase: spendable only once mature. */
  coinbase: boolean;
}

export interface AddressHistoryItem {
  height: number;
  txid: Uint8Array;
}

/** Where an address read starts and stops: heights (inclusive), a cursor from an earlier item, and the direction. */
export interface AddressRange {
  start?: number;
  end?: number;
  /** Resume after the item with this cursor (exclusive; "after" in the direction read). */
  after?: Uint8Array;
  /** Newest first. */
  reverse?: boolean;
}

/** An item of an address read, with the cursor that resumes after it. */
export type Cursored<T> = T & { cursor: Uint8Array };

const SCRIPT_OFFSET = 1;

function u32be(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

type KeyRange = { gte?: Uint8Array; gt?: Uint8Array; lt: Uint8Array; reverse: boolean };

/** The key range of `script` under `prefix`, narrowed to heights and resumed after a cursor. */
function scriptRange(prefix: number, script: Uint8Array, range: AddressRange): KeyRange {
  const head = concat(Uint8Array.of(prefix), script);
  const all = keys.prefixRange(head);
  const lt = range.end !== undefined && range.end < 0xffffffff ? concat(head, u32be(range.end + 1)) : all.lt;
  const from = range.start !== undefined ? concat(head, u32be(range.start)) : all.gte;
  const reverse = range.reverse === true;
  if (range.after === undefined) return { gte: from, lt, reverse };
  const after = concat(head, range.after);
  // Whichever is narrower: a cursor outside start..end must not widen the range.
  if (reverse) return { gte: from, lt: Buffer.compare(after, lt) < 0 ? after : lt, reverse };
  return Buffer.compare(after, from) >= 0 ? { gt: after, lt, reverse } : { gte: from, lt, reverse };
}

/** Unspent outputs paying `script`, oldest first (height, then txid and vout), or newest first. */
export async function* addressUnspent(db: ChainDB, script: Uint8Array, range: AddressRange = {}): AsyncGenerator<Cursored<AddressUtxo>> {
  const skip = SCRIPT_OFFSET + script.length;
  for await (const [key, value] of db.iterate(scriptRange(PREFIX.addrUnspent, script, range))) {
    const { value: amount, coinbase } = decodeAddrUnspent(value);
    yield { height: readU32BE(key, skip), txid: key.slice(skip + 4, skip + 36), vout: readU32BE(key, skip + 36), value: amount, coinbase, cursor: key.slice(skip) };
  }
}

/** Every change transactions made to `script`, in block order (height, position in the block, then outputs before inputs), or the reverse. */
export async function* addressDeltas(db: ChainDB, script: Uint8Array, range: AddressRange = {}): AsyncGenerator<Cursored<AddressDelta>> {
  const skip = SCRIPT_OFFSET + script.length;
  for await (const [key, value] of db.iterate(scriptRange(PREFIX.addrDelta, script, range))) {
    yield {
      height: readU32BE(key, skip),
      position: readU32BE(key, skip + 4),
      txid: key.slice(skip + 8, skip + 40),
      spending: key[skip + 40] === 1,
      index: readU32BE(key, skip + 41),
      satoshis: decodeAddrDelta(value),
      cursor: key.slice(skip),
    };
  }
}

/**
 * A cursor that resumes past every delta of the transaction at `d`, what paging by
 * transaction needs: after its last delta, or, newest first, before its first.
 */
export function afterTransaction(d: Pick<AddressDelta, 'height' | 'position' | 'txid'>, reverse = false): Uint8Array {
  const tx = concat(u32be(d.height), u32be(d.position), d.txid);
  return reverse ? tx : concat(tx, Uint8Array.of(0xff));
}

/** Unspent outputs paying `script`, oldest first: all of them, for callers that need the whole set. */
export async function getAddressUtxos(db: ChainDB, script: Uint8Array): Promise<AddressUtxo[]> {
  const out: AddressUtxo[] = [];
  for await (const { cursor: _cursor, ...u } of addressUnspent(db, script)) out.push(u);
  return out;
}

/** Confirmed transactions touching `script`, in block order, each once. */
export async function getAddressHistory(db: ChainDB, script: Uint8Array): Promise<AddressHistoryItem[]> {
  const out: AddressHistoryItem[] = [];
  let last: Uint8Array | undefined;
  for await (const d of addressDeltas(db, script)) {
    if (last && Buffer.compare(last, d.txid) === 0) continue;
    last = d.txid;
    out.push({ height: d.height, txid: d.txid });
  }
  return out;
}
