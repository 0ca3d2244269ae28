/**
 * The wallet database's key layout: every key prefix, in one table (as
 * src/chain/layout.ts for the chain). Each wallet has its own LevelDB at
 * `<datadir>/wallets/<name>/`. A prefix is never reused for another meaning;
 * a change of value format bumps WALLET_DB_VERSION.
 *
 * | prefix | key                          | value                                                            |
 * |--------|------------------------------|------------------------------------------------------------------|
 * | `V`    | `V`                          | format version (u32)                                             |
 * | `M`    | `M`                          | metadata, JSON: network, flags (watch-only, blank), birth time, order counter |
 * | `S`    | `S`                          | secrets, JSON: the mnemonic and private descriptors in the clear, or sealed (scrypt + AES-256-GCM) when encrypted |
 * | `d`    | `d` id(utf-8)                | descriptor, JSON: public text, internal/active flags, next index, timestamp |
 * | `t`    | `t` txid(32)                 | wallet transaction, JSON: raw hex, state (block, mempool, inactive, conflicted), abandoned, order, replacement links |
 * | `B`    | `B`                          | last synced block: hash(32) height(u32 BE); written in the same batch as the block's changes |
 * | `l`    | `l` txid(32) vout(u32 BE)    | persistent coin lock (lockunspent with persistent=true), empty value |
 * | `a`    | `a` address(utf-8)           | address book entry, JSON: label, purpose (receive or send); in the clear, as Core keeps labels |
 *
 * Txids and hashes are in internal byte order. The public descriptors are
 * stored in the clear, so a locked wallet still recognises its outputs; only
 * `S` holds key material. Labels (`a`) are not encrypted
 * either: Core's address book is not, and a locked wallet must still list them.
 */

export const WALLET_DB_VERSION = 1;

export const WALLET_PREFIX = {
  version: 0x56, // V
  meta: 0x4d, // M
  secrets: 0x53, // S
  descriptor: 0x64, // d
  tx: 0x74, // t
  bestBlock: 0x42, // B
  lock: 0x6c, // l
  addressBook: 0x61, // a
} as const;

function u32be(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

function key(prefix: number, ...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(1 + parts.reduce((n, p) => n + p.length, 0));
  out[0] = prefix;
  let off = 1;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export const walletKeys = {
  version: () => Uint8Array.of(WALLET_PREFIX.version),
  meta: () => Uint8Array.of(WALLET_PREFIX.meta),
  secrets: () => Uint8Array.of(WALLET_PREFIX.secrets),
  bestBlock: () => Uint8Array.of(WALLET_PREFIX.bestBlock),
  descriptor: (id: string) => key(WALLET_PREFIX.descriptor, new TextEncoder().encode(id)),
  tx: (txid: Uint8Array) => key(WALLET_PREFIX.tx, txid),
  lock: (txid: Uint8Array, vout: number) => key(WALLET_PREFIX.lock, txid, u32be(vout)),
  addressBook: (address: string) => key(WALLET_PREFIX.addressBook, new TextEncoder().encode(address)),
};

/** The first key after every key with `prefix`, for range scans. */
export function prefixEnd(prefix: number): Uint8Array {
  return Uint8Array.of(prefix + 1);
}
