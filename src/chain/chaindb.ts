/**
 * LevelDB storage for the chain (layout.ts lists every key). Reads are
 * individual; writes that change chain state go through one `batch` so a crash
 * leaves either the old or the new state.
 */
import { Level } from 'level';
import { sha256 } from '@noble/hashes/sha2.js';
import { hashToHex } from '../primitives/bytes.js';
import type { OutPoint } from '../primitives/tx.js';
import type { Coin } from '../consensus/coins.js';
import { ChainError } from './errors.js';
import { DB_VERSION, keys, PREFIX, readU32BE } from './layout.js';
import {
  decodeAddrUtxo, decodeCoin, decodeHeaderRecord, decodeTxIndex, decodeUndo, type HeaderRecord, type UndoCoin,
} from './records.js';

export type BatchOp = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array };

/** Summary of the UTXO set, like Core's gettxoutsetinfo with hash_type "hash_serialized". */
export interface UtxoDigest {
  /** sha256 over every coin's key and value, in key order. */
  hash: string;
  txouts: number;
  totalAmount: bigint;
}

export interface AddressUtxo {
  txid: Uint8Array;
  vout: number;
  value: bigint;
  height: number;
}

const ENC = { keyEncoding: 'view', valueEncoding: 'view' } as const;

export class ChainDB {
  readonly path: string;
  private readonly db: Level<Uint8Array, Uint8Array>;

  constructor(path: string) {
    this.path = path;
    this.db = new Level<Uint8Array, Uint8Array>(path, ENC);
  }

  /** Opens the database, initializing it for `network` if new; refuses another network's or format's data. */
  async open(network: string): Promise<{ fresh: boolean }> {
    try {
      await this.db.open();
    } catch (err) {
      const cause = (err as { cause?: Error }).cause?.message ?? (err as Error).message;
      throw new ChainError('db-open-failed', `cannot open the chain database at ${this.path}: ${cause}`);
    }
    try {
      return await this.checkFormat(network);
    } catch (err) {
      // A database we refuse must not stay open and locked.
      await this.db.close();
      throw err;
    }
  }

  private async checkFormat(network: string): Promise<{ fresh: boolean }> {
    const version = await this.get(keys.version());
    const storedNetwork = await this.get(keys.network());
    if (!version) {
      await this.db.batch([
        { type: 'put', key: keys.version(), value: u32(DB_VERSION) },
        { type: 'put', key: keys.network(), value: new TextEncoder().encode(network) },
      ]);
      return { fresh: true };
    }
    if (readU32BE(version, 0) !== DB_VERSION) throw new ChainError('db-version', `database format ${readU32BE(version, 0)} is not ${DB_VERSION}`);
    const name = storedNetwork ? new TextDecoder().decode(storedNetwork) : '';
    if (name !== network) throw new ChainError('db-wrong-network', `the datadir holds a ${name || 'unknown'} chain, not ${network}`);
    return { fresh: false };
  }

  async close(): Promise<void> {
    if (this.db.status === 'open' || this.db.status === 'opening') await this.db.close();
  }

  private async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return (await this.db.get(key)) ?? undefined;
  }

  async batch(ops: BatchOp[]): Promise<void> {
    if (ops.length === 0) return;
    try {
      await this.db.batch(ops);
    } catch (err) {
      throw new ChainError('db-write-failed', `database write failed: ${(err as Error).message}`);
    }
  }

  async getTip(): Promise<Uint8Array | undefined> {
    return this.get(keys.tip());
  }

  async getBlockBytes(hash: Uint8Array): Promise<Uint8Array | undefined> {
    return this.get(keys.block(hash));
  }

  async hasBlock(hash: Uint8Array): Promise<boolean> {
    return (await this.get(keys.block(hash))) !== undefined;
  }

  async getUndo(hash: Uint8Array): Promise<UndoCoin[]> {
    const bytes = await this.get(keys.undo(hash));
    if (!bytes) throw new ChainError('db-corrupt', `undo data of block ${hashToHex(hash)} is missing; run with --reindex`);
    return decodeUndo(bytes);
  }

  async hasUndo(hash: Uint8Array): Promise<boolean> {
    return (await this.get(keys.undo(hash))) !== undefined;
  }

  async getHashAtHeight(height: number): Promise<Uint8Array | undefined> {
    return this.get(keys.height(height));
  }

  async getCoin(prevout: OutPoint): Promise<Coin | undefined> {
    const bytes = await this.get(keys.coin(prevout.txid, prevout.vout));
    return bytes ? decodeCoin(bytes) : undefined;
  }

  /** Coins for many outpoints in one round trip; undefined where spent or unknown. */
  async getCoins(prevouts: readonly OutPoint[]): Promise<(Coin | undefined)[]> {
    if (prevouts.length === 0) return [];
    const values = await this.db.getMany(prevouts.map((p) => keys.coin(p.txid, p.vout)));
    return values.map((v) => (v ? decodeCoin(v) : undefined));
  }

  async getTxLocation(txid: Uint8Array): Promise<{ blockHash: Uint8Array; position: number } | undefined> {
    const bytes = await this.get(keys.txIndex(txid));
    return bytes ? decodeTxIndex(bytes) : undefined;
  }

  /** Every header index record (loaded once at start). */
  async loadHeaderRecords(onProgress?: (loaded: number) => void): Promise<HeaderRecord[]> {
    const out: HeaderRecord[] = [];
    const range = keys.prefixRange(Uint8Array.of(PREFIX.header));
    for await (const value of this.db.values(range)) {
      out.push(decodeHeaderRecord(value));
      if (out.length % 100_000 === 0) onProgress?.(out.length);
    }
    return out;
  }

  /** Unspent outputs paying to `script`. */
  async getAddressUtxos(script: Uint8Array): Promise<AddressUtxo[]> {
    const out: AddressUtxo[] = [];
    const range = keys.prefixRange(Uint8Array.of(PREFIX.addrUtxo), script);
    const skip = 1 + script.length;
    for await (const [key, value] of this.db.iterator(range)) {
      out.push({ txid: key.slice(skip, skip + 32), vout: readU32BE(key, skip + 32), ...decodeAddrUtxo(value) });
    }
    return out;
  }

  /** Confirmed transactions touching `script`, oldest first: [height, txid]. */
  async getAddressHistory(script: Uint8Array): Promise<{ height: number; txid: Uint8Array }[]> {
    const out: { height: number; txid: Uint8Array }[] = [];
    const range = keys.prefixRange(Uint8Array.of(PREFIX.addrHistory), script);
    const skip = 1 + script.length;
    for await (const key of this.db.keys(range)) out.push({ height: readU32BE(key, skip), txid: key.slice(skip + 4, skip + 36) });
    return out;
  }

  /** Deterministic digest of the UTXO set: equal sets give equal digests on any node. */
  async utxoDigest(): Promise<UtxoDigest> {
    const hasher = sha256.create();
    let txouts = 0;
    let totalAmount = 0n;
    const range = keys.prefixRange(Uint8Array.of(PREFIX.coin));
    for await (const [key, value] of this.db.iterator(range)) {
      hasher.update(key);
      hasher.update(value);
      txouts++;
      totalAmount += decodeCoin(value).value;
    }
    return { hash: Buffer.from(hasher.digest()).toString('hex'), txouts, totalAmount };
  }

  /** Deletes every chain-state record (coins, undo, indexes, heights, tip), keeping blocks and headers. For --reindex. */
  async clearChainState(): Promise<void> {
    for (const prefix of [PREFIX.coin, PREFIX.undo, PREFIX.txIndex, PREFIX.addrUtxo, PREFIX.addrHistory, PREFIX.height, PREFIX.tip]) {
      const range = keys.prefixRange(Uint8Array.of(prefix));
      let ops: BatchOp[] = [];
      for await (const key of this.db.keys(range)) {
        ops.push({ type: 'del', key });
        if (ops.length >= 10_000) {
          await this.batch(ops);
          ops = [];
        }
      }
      await this.batch(ops);
    }
  }
}

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}
