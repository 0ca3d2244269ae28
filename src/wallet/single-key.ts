/**
 * Single-key taproot descriptors, `tr(KEY)` without a range (BIP386): the
 * private form takes a WIF key, the public form the 32-byte x-only key in hex,
 * as Core writes them. They exist so a key from the CLI keystore can move into
 * a node wallet (`tally wallet migrate`): its address is the BIP86 output of
 * that one key, which is what `tr(KEY)` describes.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { createBase58check } from '@scure/base';
import { fromHex, toHex } from '../primitives/bytes.js';
import { taprootScript } from '../primitives/script.js';
import { taprootTweakPublicKey, xOnlyPublicKey } from '../primitives/signature.js';
import { walletError } from './errors.js';
import type { DerivedKey } from './keys.js';

/** `tr(KEY)`: one key, key path only. */
export interface TrKeyDescriptor {
  kind: 'trkey';
  /** x-only internal key. */
  internalKey: Uint8Array;
  /** The secret key, when the descriptor is the private (WIF) form. */
  secret?: Uint8Array;
}

const base58check = createBase58check(sha256);
/** WIF version bytes: Core's test networks (Tally's) and mainnet, which a key from elsewhere may carry. */
const WIF_TEST = 0xef;
const WIF_MAIN = 0x80;

/** A secret key as WIF for a test network, compressed (the form Core writes). */
export function encodeWif(secret: Uint8Array): string {
  if (secret.length !== 32) throw walletError('invalid-descriptor', 'a secret key is 32 bytes');
  return base58check.encode(Uint8Array.of(WIF_TEST, ...secret, 0x01));
}

function decodeWif(text: string): Uint8Array {
  let raw: Uint8Array;
  try {
    raw = base58check.decode(text);
  } catch {
    throw walletError('invalid-descriptor', `key '${text.slice(0, 4)}…' is not valid`);
  }
  const compressed = raw.length === 34 && raw[33] === 0x01;
  if ((raw[0] !== WIF_TEST && raw[0] !== WIF_MAIN) || !(compressed || raw.length === 33)) throw walletError('invalid-descriptor', 'key is not a valid WIF private key');
  return raw.slice(1, 33);
}

/** Whether the inside of `tr(…)` is one key rather than an extended key with a path. */
export function isSingleKey(inner: string): boolean {
  return !inner.includes('/') && !inner.startsWith('[') && !/^[tx](pub|prv)/.test(inner);
}

/** Parses the key inside `tr(KEY)`: hex (x-only, or compressed 33 bytes) or WIF. @throws WalletError `invalid-descriptor` */
export function parseSingleKey(inner: string): TrKeyDescriptor {
  if (/^[0-9a-fA-F]+$/.test(inner)) {
    if (inner.length !== 64 && !(inner.length === 66 && /^0[23]/.test(inner))) throw walletError('invalid-descriptor', `Pubkey '${inner}' is invalid`);
    const internalKey = fromHex(inner.length === 66 ? inner.slice(2).toLowerCase() : inner.toLowerCase());
    try {
      taprootTweakPublicKey(internalKey);
    } catch {
      throw walletError('invalid-descriptor', `Pubkey '${inner}' is invalid`);
    }
    return { kind: 'trkey', internalKey };
  }
  const secret = decodeWif(inner);
  let internalKey: Uint8Array;
  try {
    internalKey = xOnlyPublicKey(secret);
  } catch {
    throw walletError('invalid-descriptor', 'key is not a valid WIF private key');
  }
  return { kind: 'trkey', internalKey, secret };
}

/** `tr(WIF)` or `tr(x-only hex)`, without checksum. */
export function formatSingleKey(d: TrKeyDescriptor, priv: boolean): string {
  return `tr(${priv && d.secret ? encodeWif(d.secret) : toHex(d.internalKey)})`;
}

/** The one script of a `tr(KEY)` descriptor, in the shape of a derived key (index 0, no path; fingerprint of the key). */
export function singleKeyScript(d: TrKeyDescriptor): DerivedKey {
  const outputKey = taprootTweakPublicKey(d.internalKey).outputKey;
  const id = ripemd160(sha256(Uint8Array.of(0x02, ...d.internalKey)));
  const fingerprint = new DataView(id.buffer, id.byteOffset, 4).getUint32(0);
  return { index: 0, internalKey: d.internalKey, outputKey, script: taprootScript(outputKey), fullPath: [], fingerprint };
}
