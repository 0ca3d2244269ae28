/** Packing signature checks into the transferable batches the verify workers read (layout in verify-options.ts). */
import type { SignatureCheck } from '../consensus/signatures.js';
import { CHECK_BYTES, KEY_BYTES, MESSAGE_BYTES, SIGNATURE_BYTES } from './verify-options.js';

/**
 * Signature checks that do not fit the packed layout: the index of one that is
 * invalid by its shape alone (the verifiers fail any signature that is not 64
 * bytes or key that is not 32), `inline` when a message is not 32 bytes (valid
 * under BIP340 but never produced by BIP341), or -1 when all fit.
 */
export function scanLayout(checks: readonly SignatureCheck[]): number | 'inline' {
  let inline = false;
  for (let i = 0; i < checks.length; i++) {
    const c = checks[i]!;
    if (c.signature.length !== SIGNATURE_BYTES || c.publicKey.length !== KEY_BYTES) return i;
    if (c.message.length !== MESSAGE_BYTES) inline = true;
  }
  return inline ? 'inline' : -1;
}

/** Checks [start, start + count) in one transferable buffer (layout in verify-options.ts). */
export function packBatch(checks: readonly SignatureCheck[], start: number, count: number): ArrayBuffer {
  const bytes = new Uint8Array(count * CHECK_BYTES);
  for (let i = 0, o = 0; i < count; i++, o += CHECK_BYTES) {
    const c = checks[start + i]!;
    bytes.set(c.signature, o);
    bytes.set(c.message, o + SIGNATURE_BYTES);
    bytes.set(c.publicKey, o + SIGNATURE_BYTES + MESSAGE_BYTES);
  }
  return bytes.buffer;
}
