/**
 * LevelDB key layout: every key prefix Tally stores, in one table. A prefix is
 * never reused for another meaning; a change of value format bumps DB_VERSION.
 *
 * | prefix | key                                        | value                                                |
 * |--------|--------------------------------------------|------------------------------------------------------|
 * | `V`    | `V`                                        | database format version (u32)                        |
 * | `T`    | `T`                                        | hash of the best (tip) block                         |
 * | `N`    | `N`                                        | network name (utf-8): refuses a datadir of another network |
 * | `b`    | `b` hash(32)                               | block, canonical encoding                            |
 * | `h`    | `h` hash(32)                               | header index entry: header(80) height(u32) status(u8) chainwork(32, BE) |
 * | `H`    | `H` height(u32 BE)                         | hash of the best-chain block at that height          |
 * | `c`    | `c` txid(32) vout(u32 BE)                  | unspent coin: value(i64) height(u32) coinbase(u8) script(varbytes) |
 * | `u`    | `u` hash(32)                               | undo data of a connected block: the coins it spent   |
 * | `t`    | `t` txid(32)                               | transaction index: block hash(32) position(u32)      |
 * | `a`    | `a` script(34) txid(32) vout(u32 BE)        | address index, unspent: value(i64) height(u32)       |
 * | `A`    | `A` script(34) height(u32 BE) txid(32)       | address index, history (empty value)                 |
 * | `R`    | `R`                                        | reindex required: why (utf-8); set when LevelDB dropped damaged records while opening, deleted when a reindex finishes |
 *
 * Hashes and txids are in internal byte order. Heights are big-endian in keys
 * so that iteration follows height order.
 */

export const DB_VERSION = 1;

export const PREFIX = {
  version: 0x56, // V
  tip: 0x54, // T
  network: 0x4e, // N
  block: 0x62, // b
  header: 0x68, // h
  height: 0x48, // H
  coin: 0x63, // c
  undo: 0x75, // u
  txIndex: 0x74, // t
  addrUtxo: 0x61, // a
  addrHistory: 0x41, // A
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
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

export const keys = {
  version: () => Uint8Array.of(PREFIX.version),
  tip: () => Uint8Array.of(PREFIX.tip),
  network: () => Uint8Array.of(PREFIX.network),
  reindexRequired: () => Uint8Array.of(PREFIX.reindexRequired),
  block: (hash: Uint8Array) => key(PREFIX.block, hash),
  header: (hash: Uint8Array) => key(PREFIX.header, hash),
  height: (height: number) => key(PREFIX.height, u32be(height)),
  coin: (txid: Uint8Array, vout: number) => key(PREFIX.coin, txid, u32be(vout)),
  undo: (hash: Uint8Array) => key(PREFIX.undo, hash),
  txIndex: (txid: Uint8Array) => key(PREFIX.txIndex, txid),
  addrUtxo: (script: Uint8Array, txid: Uint8Array, vout: number) => key(PREFIX.addrUtxo, script, txid, u32be(vout)),
  addrHistory: (script: Uint8Array, height: number, txid: Uint8Array) => key(PREFIX.addrHistory, script, u32be(height), txid),
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
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset);
}
