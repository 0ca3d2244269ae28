/**
 * LevelDB key layout: every key prefix Tally stores, in one table. A prefix is
 * never reused for another meaning; a change of value format bumps DB_VERSION.
 *
 * | prefix | key                                        | value                                                |
 * |--------|--------------------------------------------|------------------------------------------------------|
 * | `V`    | `V`                                        | database format version (u32)                        |
 * | `T`    | `T`                                        | coin set's tip: the block whose state the `c`, `u`, `t`, `U`, `D` and `H` records hold; written only with them (in a state-cache flush) |
 * | `B`    | `B`                                        | block tip: the last block connected, written with each block change; ahead of `T` until the next flush, when the start replays the blocks between them (absent in older databases: then `T`) |
 * | `N`    | `N`                                        | network name (utf-8): refuses a datadir of another network |
 * | `b`    | `b` hash(32)                               | block, canonical encoding                            |
 * | `h`    | `h` hash(32)                               | header index entry: header(80) height(u32) status(u8) chainwork(32, BE) |
 * | `H`    | `H` height(u32 BE)                         | hash of the best-chain block at that height          |
 * | `c`    | `c` txid(32) vout(u32 BE)                  | unspent coin: value(i64) height(u32) coinbase(u8) script(varbytes) |
 * | `u`    | `u` hash(32)                               | undo data of a connected block: the coins it spent   |
 * | `t`    | `t` txid(32)                               | transaction index: block hash(32) position(u32)      |
 * | `a`    | retired in format 2 (address index, unspent, by txid); never reused |                                 |
 * | `A`    | retired in format 2 (address index, history without positions); never reused |                       |
 * | `U`    | `U` script(34) height(u32 BE) txid(32) vout(u32 BE) | address index, unspent: value(i64) coinbase(u8) |
 * | `D`    | `D` script(34) height(u32 BE) position(u32 BE) txid(32) spending(u8) index(u32 BE) | address index, deltas: satoshis(i64, negative when spending) |
 * | `R`    | `R`                                        | reindex required: why (utf-8); set when LevelDB dropped damaged records while opening, deleted when a reindex finishes |
 *
 * Hashes and txids are in internal byte order. Heights are big-endian in keys
 * so that iteration follows height order; `D` keys follow block order (height,
 * then the transaction's position), so an address's history pages with one
 * bounded iterator (indexers/address-reads.ts).
 */

export const DB_VERSION = 2;

/** Older formats that `--reindex` upgrades in place (it rebuilds every record that changed). */
export const REINDEX_UPGRADABLE_VERSIONS: readonly number[] = [1];

export const PREFIX = {
  version: 0x56, // V
  tip: 0x54, // T
  blockTip: 0x42, // B
  network: 0x4e, // N
  block: 0x62, // b
  header: 0x68, // h
  height: 0x48, // H
  coin: 0x63, // c
  undo: 0x75, // u
  txIndex: 0x74, // t
  /** Retired (format 1); kept so that a reindex deletes what an older format left. */
  addrUtxo: 0x61, // a
  /** Retired (format 1), likewise. */
  addrHistory: 0x41, // A
  addrUnspent: 0x55, // U
  addrDelta: 0x44, // D
  reindexRequired: 0x52, // R
} as const;

function key(prefix: number, ...parts: Uint8Array[]): Uint8Array {
  let len = 1;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  out[0] = prefix;
  let off = 1;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function u32be(n: number): Uint8Array {
  const b = new Uint8Array(4);
  putU32(b, 0, n);
  return b;
}

// Byte by byte: a DataView would move a small array off the V8 heap (one malloc per key).
function putU32(out: Uint8Array, at: number, n: number): number {
  out[at] = n >>> 24;
  out[at + 1] = (n >>> 16) & 0xff;
  out[at + 2] = (n >>> 8) & 0xff;
  out[at + 3] = n & 0xff;
  return at + 4;
}

function putBytes(out: Uint8Array, at: number, bytes: Uint8Array): number {
  out.set(bytes, at);
  return at + bytes.length;
}

/** `c` txid vout, written in place: one array per key (there are several per output of every block). */
function coinKey(txid: Uint8Array, vout: number): Uint8Array {
  const out = new Uint8Array(1 + txid.length + 4);
  out[0] = PREFIX.coin;
  putU32(out, putBytes(out, 1, txid), vout);
  return out;
}

/** Bytes of each shared buffer that long keys are cut from. */
const LONG_KEY_CHUNK_BYTES = 64 * 1024;
let longKeyChunk = new Uint8Array(0);
let longKeyUsed = 0;

/**
 * A new zeroed key of `length` bytes. One over 64 bytes (the address index's, two per output of
 * every block) cannot live in V8's heap, and allocated alone would cost a malloc'd store and its
 * bookkeeping each, tens of thousands per block, freed only when the collector reaches them: it is
 * cut from a shared buffer instead (which a kept key keeps alive; keys are short-lived, and the
 * state cache keeps its keys as strings).
 */
function newKey(length: number): Uint8Array {
  if (length <= 64) return new Uint8Array(length);
  if (longKeyUsed + length > longKeyChunk.length) {
    longKeyChunk = new Uint8Array(Math.max(LONG_KEY_CHUNK_BYTES, length));
    longKeyUsed = 0;
  }
  longKeyUsed += length;
  return longKeyChunk.subarray(longKeyUsed - length, longKeyUsed);
}

function addrUnspentKey(script: Uint8Array, height: number, txid: Uint8Array, vout: number): Uint8Array {
  const out = newKey(1 + script.length + 4 + txid.length + 4);
  out[0] = PREFIX.addrUnspent;
  putU32(out, putBytes(out, putU32(out, putBytes(out, 1, script), height), txid), vout);
  return out;
}

function addrDeltaKey(script: Uint8Array, d: { height: number; position: number; txid: Uint8Array; spending: boolean; index: number }): Uint8Array {
  const out = newKey(1 + script.length + 8 + d.txid.length + 5);
  out[0] = PREFIX.addrDelta;
  let at = putU32(out, putU32(out, putBytes(out, 1, script), d.height), d.position);
  at = putBytes(out, at, d.txid);
  out[at] = d.spending ? 1 : 0;
  putU32(out, at + 1, d.index);
  return out;
}

export const keys = {
  version: () => Uint8Array.of(PREFIX.version),
  tip: () => Uint8Array.of(PREFIX.tip),
  blockTip: () => Uint8Array.of(PREFIX.blockTip),
  network: () => Uint8Array.of(PREFIX.network),
  reindexRequired: () => Uint8Array.of(PREFIX.reindexRequired),
  block: (hash: Uint8Array) => key(PREFIX.block, hash),
  header: (hash: Uint8Array) => key(PREFIX.header, hash),
  height: (height: number) => key(PREFIX.height, u32be(height)),
  coin: coinKey,
  undo: (hash: Uint8Array) => key(PREFIX.undo, hash),
  txIndex: (txid: Uint8Array) => key(PREFIX.txIndex, txid),
  addrUnspent: addrUnspentKey,
  addrDelta: addrDeltaKey,
  /** The first key after every key starting with `prefix` bytes (for range scans). */
  prefixRange: (...prefix: Uint8Array[]) => {
    const gte = key(prefix[0]![0]!, prefix[0]!.subarray(1), ...prefix.slice(1));
    const lt = gte.slice();
    let i = lt.length - 1;
    while (i >= 0 && lt[i] === 0xff) i--;
    if (i < 0) return { gte, lt: Uint8Array.of(0xff) };
    lt[i]! += 1;
    return { gte, lt: lt.subarray(0, i + 1) };
  },
};

/** Reads a big-endian u32 from a key at `offset`. */
export function readU32BE(bytes: Uint8Array, offset: number): number {
  if (offset < 0 || offset + 4 > bytes.length) throw new RangeError(`readU32BE: offset ${offset} outside a ${bytes.length}-byte key`);
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

/** A big-endian u32 as its own 4 bytes (for values such as the database version). */
export function writeU32BE(n: number): Uint8Array {
  const b = new Uint8Array(4);
  // Byte by byte: a DataView would move this small array off the V8 heap (one malloc per key).
  b[0] = n >>> 24;
  b[1] = (n >>> 16) & 0xff;
  b[2] = (n >>> 8) & 0xff;
  b[3] = n & 0xff;
  return b;
}
