/**
 * The wallet's LevelDB: typed reads and one atomic batch per change, so a
 * crash leaves the records of the last synced block or of the one before,
 * never half of a block (layout.ts has the key table).
 */
import { Level } from 'level';
import { readU32BE, writeU32BE } from './bytes.js';
import { walletError } from './errors.js';
import { prefixEnd, WALLET_DB_VERSION, WALLET_PREFIX, walletKeys } from './layout.js';
import type { AddressBookEntry, DescriptorRecord, SecretsRecord, TxRecord, WalletMeta } from './records.js';

const ENC = { keyEncoding: 'view', valueEncoding: 'view' } as const;
type Op = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array };

const encodeJson = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));
const decodeJson = <T>(b: Uint8Array): T => JSON.parse(new TextDecoder().decode(b)) as T;

/** The last block whose changes the wallet has stored. */
export interface BestBlock {
  /** Internal byte order. */
  hash: Uint8Array;
  height: number;
}

/** A batch being built: every put/del of one wallet change. */
export class WalletBatch {
  readonly ops: Op[] = [];
  putJson(key: Uint8Array, value: unknown): this {
    this.ops.push({ type: 'put', key, value: encodeJson(value) });
    return this;
  }
  put(key: Uint8Array, value: Uint8Array): this {
    this.ops.push({ type: 'put', key, value });
    return this;
  }
  del(key: Uint8Array): this {
    this.ops.push({ type: 'del', key });
    return this;
  }
  bestBlock(best: BestBlock): this {
    const value = new Uint8Array(36);
    value.set(best.hash, 0);
    writeU32BE(value, 32, best.height);
    return this.put(walletKeys.bestBlock(), value);
  }
}

export class WalletStore {
  private db?: Level<Uint8Array, Uint8Array>;

  constructor(readonly path: string) {}

  private get handle(): Level<Uint8Array, Uint8Array> {
    if (!this.db) throw walletError('not-loaded', 'wallet database is closed');
    return this.db;
  }

  /** Opens (creating when `create`) and checks the format. @throws WalletError `not-found`, `wallet-error` */
  async open(opts: { create: boolean }): Promise<{ fresh: boolean }> {
    // Uncompressed: wallet data is small, and a byte-level check for leaked secrets must see exactly what is stored.
    this.db = new Level<Uint8Array, Uint8Array>(this.path, { ...ENC, createIfMissing: opts.create, compression: false });
    try {
      await this.db.open();
    } catch (err) {
      this.db = undefined;
      const code = (err as { cause?: { code?: string } }).cause?.code;
      if (!opts.create) throw walletError('not-found', `Wallet file not found or not readable: ${this.path}`);
      throw walletError('wallet-error', `cannot open the wallet database ${this.path}: ${code ?? (err as Error).message}`);
    }
    const version = await this.get(walletKeys.version());
    if (!version) {
      const fresh = (await this.handle.keys({ limit: 1 }).all()).length === 0;
      if (!fresh) throw walletError('wallet-error', `${this.path} is not a wallet database`);
      const v = new Uint8Array(4);
      writeU32BE(v, 0, WALLET_DB_VERSION);
      await this.handle.put(walletKeys.version(), v);
      return { fresh: true };
    }
    if (readU32BE(version, 0) !== WALLET_DB_VERSION) throw walletError('wallet-error', `wallet format ${readU32BE(version, 0)} is not ${WALLET_DB_VERSION}`);
    return { fresh: false };
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    await db?.close();
  }

  get isOpen(): boolean {
    return this.db !== undefined;
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return (await this.handle.get(key)) ?? undefined;
  }

  async getJson<T>(key: Uint8Array): Promise<T | undefined> {
    const raw = await this.get(key);
    return raw ? decodeJson<T>(raw) : undefined;
  }

  async meta(): Promise<WalletMeta | undefined> {
    return this.getJson<WalletMeta>(walletKeys.meta());
  }

  async secrets(): Promise<SecretsRecord | undefined> {
    return this.getJson<SecretsRecord>(walletKeys.secrets());
  }

  async bestBlock(): Promise<BestBlock | undefined> {
    const raw = await this.get(walletKeys.bestBlock());
    return raw ? { hash: raw.slice(0, 32), height: readU32BE(raw, 32) } : undefined;
  }

  private async scan(prefix: number): Promise<[Uint8Array, Uint8Array][]> {
    return this.handle.iterator({ gte: Uint8Array.of(prefix), lt: prefixEnd(prefix) }).all();
  }

  async descriptors(): Promise<DescriptorRecord[]> {
    return (await this.scan(WALLET_PREFIX.descriptor)).map(([, v]) => decodeJson<DescriptorRecord>(v));
  }

  async transactions(): Promise<TxRecord[]> {
    return (await this.scan(WALLET_PREFIX.tx)).map(([, v]) => decodeJson<TxRecord>(v));
  }

  /** Persistent coin locks as [txid (internal order), vout]. */
  async locks(): Promise<[Uint8Array, number][]> {
    return (await this.scan(WALLET_PREFIX.lock)).map(([k]) => [k.slice(1, 33), readU32BE(k, 33)]);
  }

  /** The address book as [address, entry]. */
  async addressBook(): Promise<[string, AddressBookEntry][]> {
    return (await this.scan(WALLET_PREFIX.addressBook)).map(([k, v]) => [new TextDecoder().decode(k.subarray(1)), decodeJson<AddressBookEntry>(v)]);
  }

  async write(batch: WalletBatch): Promise<void> {
    if (batch.ops.length) await this.handle.batch(batch.ops);
  }

  /**
   * backupwallet: copies every record, read from one snapshot, into a new
   * database at `dest` (which must not exist); the copy opens as a wallet.
   */
  async backup(dest: string): Promise<void> {
    const entries = await this.handle.iterator().all();
    const copy = new Level<Uint8Array, Uint8Array>(dest, { ...ENC, errorIfExists: true, compression: false });
    try {
      await copy.open();
      await copy.batch(entries.map(([key, value]) => ({ type: 'put' as const, key, value })));
    } finally {
      await copy.close();
    }
  }

  /** Rewrites the whole key range, so values replaced earlier (plaintext secrets) leave the table files. */
  async compact(): Promise<void> {
    // Node's `level` is classic-level, which has compactRange; the browser type in the union does not.
    const db = this.handle as unknown as { compactRange(start: Uint8Array, end: Uint8Array): Promise<void> };
    await db.compactRange(Uint8Array.of(0), Uint8Array.of(0xff));
  }
}
