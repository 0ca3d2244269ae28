// What a student wants to know about an input's witness (BIP341): which item is
// what, and for a key-path signature which parts of the transaction it signs.

const BASE = { 0x01: 'SIGHASH_ALL', 0x02: 'SIGHASH_NONE', 0x03: 'SIGHASH_SINGLE' };
const SIGNS = {
  0x01: 'every input and every output',
  0x02: 'every input, no output',
  0x03: 'every input and the output at this input\'s index',
};

/** A BIP341 hash type: its name and what it commits to; undefined name for a byte BIP341 does not define. */
export function sighashType(byte) {
  if (byte === 0x00) return { name: 'SIGHASH_DEFAULT', byte, signs: 'every input and every output (like SIGHASH_ALL, with a 64-byte signature)' };
  const base = byte & 0x7f;
  const acp = (byte & 0x80) !== 0;
  if (!BASE[base] || (byte & 0x7c) !== 0) return { name: undefined, byte, signs: 'nothing: BIP341 does not define this hash type, so the signature is invalid' };
  return {
    name: `${BASE[base]}${acp ? '|ANYONECANPAY' : ''}`,
    byte,
    signs: acp ? SIGNS[base].replace('every input', 'only this input') : SIGNS[base],
  };
}

const hexBytes = (hex) => hex.length / 2;

/**
 * Labels each witness item of a taproot spend: an annex (last item starting 0x50,
 * when there are two or more), then either one key-path signature (64 bytes:
 * SIGHASH_DEFAULT; 65: the last byte is the hash type) or a script path
 * (arguments, the script, the control block).
 * @returns {{ path: 'key' | 'script' | 'none', items: { hex, bytes, role, sighash? }[] }}
 */
export function readWitness(items = []) {
  const out = items.map((hex) => ({ hex, bytes: hexBytes(hex), role: 'stack item' }));
  if (out.length === 0) return { path: 'none', items: out };
  let n = out.length;
  if (n >= 2 && out[n - 1].hex.startsWith('50')) {
    out[n - 1].role = 'annex (BIP341: ignored by today\'s rules, but signed)';
    n--;
  }
  if (n === 1) {
    const sig = out[0];
    if (sig.bytes === 64) sig.sighash = sighashType(0);
    else if (sig.bytes === 65) sig.sighash = sighashType(parseInt(sig.hex.slice(128, 130), 16));
    sig.role = sig.sighash ? 'Schnorr signature (key path)' : `key-path item of ${sig.bytes} bytes: not a valid signature length (64 or 65)`;
    return { path: 'key', items: out };
  }
  out[n - 1].role = 'control block (script path)';
  out[n - 2].role = 'leaf script (script path)';
  return { path: 'script', items: out };
}
