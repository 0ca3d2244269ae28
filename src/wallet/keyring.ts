/**
 * The wallet's descriptors and every script derived from them: which scripts
 * are ours (IsMine), the next receiving and change addresses, the lookahead
 * that keeps payments to not-yet-handed-out addresses visible, and, while
 * unlocked, the private keys that sign.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from '../primitives/bytes.js';
import { addressToScriptPubKey, scriptPubKeyToAddress } from '../primitives/address.js';
import { formatDescriptor, parseDescriptor, withChecksum, type Descriptor, type TrDescriptor } from './descriptor.js';
import { walletError } from './errors.js';
import { singleKeyScript, type TrKeyDescriptor } from './single-key.js';
import { deriveKey, deriveSecret, type DerivedKey } from './keys.js';
import type { DescriptorRecord, WalletSecrets } from './records.js';

/** One of our scripts and where it comes from. */
export interface OwnedScript {
  descriptorId: string;
  /** Derivation index; 0 for an `addr()` descriptor. */
  index: number;
  internal: boolean;
  /** The BIP86 key, for `tr()` descriptors. */
  key?: DerivedKey;
}

interface Entry {
  record: DescriptorRecord;
  parsed: Descriptor;
  /** Indexes derived so far: 0..derived-1. */
  derived: number;
}

/** The id of a descriptor: sha256 of its public text (Core's DescriptorID is likewise a hash of it). */
export function descriptorId(publicText: string): string {
  return toHex(sha256(new TextEncoder().encode(publicText)));
}

export class KeyRing {
  private readonly entries = new Map<string, Entry>();
  private readonly scripts = new Map<string, OwnedScript>();
  private privateDescriptors?: Map<string, TrDescriptor | TrKeyDescriptor>;

  constructor(private readonly addressPrefix: string, private readonly lookahead: number) {}

  /** Adds a stored or new descriptor and derives its lookahead. */
  add(record: DescriptorRecord): void {
    const parsed = parseDescriptor(record.text, this.addressPrefix);
    const entry: Entry = { record, parsed, derived: 0 };
    this.entries.set(record.id, entry);
    if (parsed.kind === 'addr') {
      this.scripts.set(toHex(parsed.script), { descriptorId: record.id, index: 0, internal: record.internal });
      return;
    }
    if (parsed.kind === 'trkey') {
      const key = singleKeyScript(parsed);
      this.scripts.set(toHex(key.script), { descriptorId: record.id, index: 0, internal: record.internal, key });
      return;
    }
    this.topUp(entry);
  }

  /** Builds the record of a new descriptor (public text, checksum, id). */
  static recordFor(d: Descriptor, opts: { internal: boolean; active: boolean; timestamp: number; hasPrivateKey: boolean; nextIndex?: number }): DescriptorRecord {
    const text = withChecksum(formatDescriptor(d, false));
    return { id: descriptorId(text), text, internal: opts.internal, active: opts.active, nextIndex: opts.nextIndex ?? 0, timestamp: opts.timestamp, hasPrivateKey: opts.hasPrivateKey };
  }

  private topUp(entry: Entry): void {
    if (entry.parsed.kind !== 'tr') return;
    const want = entry.record.nextIndex + this.lookahead;
    for (let i = entry.derived; i < want; i++) {
      const key = deriveKey(entry.parsed, i);
      this.scripts.set(toHex(key.script), { descriptorId: entry.record.id, index: i, internal: entry.record.internal, key });
    }
    entry.derived = Math.max(entry.derived, want);
  }

  records(): DescriptorRecord[] {
    return [...this.entries.values()].map((e) => e.record);
  }

  get(id: string): { record: DescriptorRecord; parsed: Descriptor } | undefined {
    return this.entries.get(id);
  }

  /** Ours, with where it comes from; undefined otherwise. */
  owner(script: Uint8Array): OwnedScript | undefined {
    return this.scripts.get(toHex(script));
  }

  /** The owner of an address's script; undefined for another network's address or one not ours. */
  ownerOfAddress(address: string): OwnedScript | undefined {
    try {
      return this.owner(addressToScriptPubKey(this.addressPrefix, address));
    } catch {
      return undefined;
    }
  }

  isMine(script: Uint8Array): boolean {
    return this.scripts.has(toHex(script));
  }

  /** Records that `script` received a payment: moves its descriptor's next index past it. Returns the record when it changed. */
  markUsed(script: Uint8Array): DescriptorRecord | undefined {
    const owned = this.owner(script);
    const entry = owned && this.entries.get(owned.descriptorId);
    if (!owned || !entry || entry.parsed.kind !== 'tr' || owned.index < entry.record.nextIndex) return undefined;
    entry.record = { ...entry.record, nextIndex: owned.index + 1 };
    this.topUp(entry);
    return entry.record;
  }

  /** The next unused address of the active receiving (or change) descriptor, and its updated record. */
  nextAddress(internal: boolean): { address: string; script: Uint8Array; record: DescriptorRecord } {
    const entry = [...this.entries.values()].find((e) => e.record.active && e.record.internal === internal && e.parsed.kind === 'tr');
    if (!entry || entry.parsed.kind !== 'tr') {
      throw walletError('keypool-ran-out', `Error: This wallet has no available keys (no active ${internal ? 'internal' : 'external'} descriptor)`);
    }
    const key = deriveKey(entry.parsed, entry.record.nextIndex);
    entry.record = { ...entry.record, nextIndex: entry.record.nextIndex + 1 };
    this.topUp(entry);
    return { address: scriptPubKeyToAddress(this.addressPrefix, key.script)!, script: key.script, record: entry.record };
  }

  /** Whether any descriptor can sign (the wallet is not watch-only). */
  get hasPrivateKeys(): boolean {
    return [...this.entries.values()].some((e) => e.record.hasPrivateKey);
  }

  get unlocked(): boolean {
    return this.privateDescriptors !== undefined;
  }

  /** Loads the private descriptors (from the decrypted secrets). */
  unlock(secrets: WalletSecrets): void {
    const map = new Map<string, TrDescriptor | TrKeyDescriptor>();
    for (const [id, text] of Object.entries(secrets.descriptors)) {
      const parsed = parseDescriptor(text, this.addressPrefix);
      if (parsed.kind !== 'addr') map.set(id, parsed);
    }
    this.privateDescriptors = map;
  }

  lock(): void {
    for (const d of this.privateDescriptors?.values() ?? []) {
      if (d.kind === 'tr') d.key.wipePrivateData();
      else d.secret?.fill(0);
    }
    this.privateDescriptors = undefined;
  }

  /** The BIP86 (untweaked) secret key of one of our scripts. @throws WalletError `unlock-needed`, `watch-only` */
  secretFor(script: Uint8Array): Uint8Array {
    const owned = this.owner(script);
    const entry = owned && this.entries.get(owned.descriptorId);
    if (!owned || !entry || !entry.record.hasPrivateKey) throw walletError('watch-only', 'Private keys are not available for this output');
    if (!this.privateDescriptors) throw walletError('unlock-needed', 'Error: Please enter the wallet passphrase with walletpassphrase first.');
    const priv = this.privateDescriptors.get(owned.descriptorId);
    if (!priv || (priv.kind === 'trkey' && !priv.secret)) throw walletError('watch-only', 'Private keys are not available for this output');
    // A copy: callers wipe what they are given.
    return priv.kind === 'trkey' ? priv.secret!.slice() : deriveSecret(priv, owned.index);
  }

  /** The address of a script of ours, or of any taproot script. */
  address(script: Uint8Array): string | null {
    return scriptPubKeyToAddress(this.addressPrefix, script);
  }

  /** The descriptor text of one derived script (Core's `desc` field: the key with its origin). */
  scriptDescriptor(script: Uint8Array): string | undefined {
    const owned = this.owner(script);
    const entry = owned && this.entries.get(owned.descriptorId);
    if (!owned || !entry) return undefined;
    if (entry.parsed.kind === 'addr' || !owned.key) return withChecksum(`addr(${this.address(script)})`);
    if (entry.parsed.kind === 'trkey') return entry.record.text;
    const fp = owned.key.fingerprint.toString(16).padStart(8, '0');
    const path = owned.key.fullPath.map((i) => (i >= 0x80000000 ? `${i - 0x80000000}h` : `${i}`)).join('/');
    return withChecksum(`tr([${fp}/${path}]${toHex(owned.key.internalKey)})`);
  }
}
