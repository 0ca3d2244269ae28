/** Hash functions used by consensus: SHA-256, double SHA-256 and BIP340 tagged hashes. */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from './bytes.js';

/** SHA-256. */
export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

/** SHA-256 applied twice, Bitcoin's hash for block headers, txids and merkle nodes. */
export function sha256d(data: Uint8Array): Uint8Array {
  return nobleSha256(nobleSha256(data));
}

const tagPrefixes = new Map<string, Uint8Array>();

/** `SHA256(SHA256(tag) || SHA256(tag) || data...)` as BIP340 defines tagged hashes. */
export function taggedHash(tag: string, ...data: Uint8Array[]): Uint8Array {
  let prefix = tagPrefixes.get(tag);
  if (!prefix) {
    const t = nobleSha256(new TextEncoder().encode(tag));
    prefix = concatBytes(t, t);
    tagPrefixes.set(tag, prefix);
  }
  return nobleSha256(concatBytes(prefix, ...data));
}
