/**
 * The output scripts Tally's consensus accepts. There is no general script
 * interpreter: an output is either a taproot key-path output (BIP341,
 * `OP_1 <32-byte x-only key>`) or an `OP_RETURN` data carrier of at most 80 bytes.
 */
import { concatBytes, equalBytes } from './bytes.js';

export const OP_0 = 0x00;
export const OP_PUSHDATA1 = 0x4c;
export const OP_1 = 0x51;
export const OP_RETURN = 0x6a;

/** Largest data payload of an OP_RETURN output. */
export const MAX_OP_RETURN_DATA = 80;

export type OutputType =
  | { type: 'taproot'; key: Uint8Array }
  | { type: 'nulldata'; data: Uint8Array }
  | { type: 'nonstandard' };

/** `OP_1 0x20 <key>`: a segwit v1 (taproot) output paying to an x-only key. */
export function taprootScript(xOnlyKey: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(OP_1, 32), xOnlyKey);
}

/** `OP_RETURN <push data>` with the minimal push, or a bare OP_RETURN for empty data. */
export function nullDataScript(data: Uint8Array): Uint8Array {
  if (data.length === 0) return Uint8Array.of(OP_RETURN);
  return concatBytes(Uint8Array.of(OP_RETURN), pushData(data));
}

/** Minimal push of `data` (up to 255 bytes, which is all Tally ever pushes). */
export function pushData(data: Uint8Array): Uint8Array {
  if (data.length <= 75) return concatBytes(Uint8Array.of(data.length), data);
  if (data.length <= 255) return concatBytes(Uint8Array.of(OP_PUSHDATA1, data.length), data);
  throw new RangeError('pushData supports at most 255 bytes');
}

/** Decides what kind of output `script` is; anything else is `nonstandard` and invalid in Tally. */
export function classifyOutput(script: Uint8Array): OutputType {
  // A copy, not a view: a view of a small script would move it off the V8 heap for good
  // (its own malloc'd store, one per output of every block and mempool transaction).
  if (isTaprootScript(script)) return { type: 'taproot', key: script.slice(2) };
  if (script[0] === OP_RETURN) {
    if (script.length === 1) return { type: 'nulldata', data: new Uint8Array(0) };
    const data = parseSinglePush(script.subarray(1));
    if (data && data.length <= MAX_OP_RETURN_DATA) return { type: 'nulldata', data };
  }
  return { type: 'nonstandard' };
}

/** True for `OP_1 0x20 <32 bytes>`, the one kind of output that is a spendable coin; allocates nothing. */
export function isTaprootScript(script: Uint8Array): boolean {
  return script.length === 34 && script[0] === OP_1 && script[1] === 32;
}

/** The data of a script that is exactly one minimal push, or null. */
function parseSinglePush(script: Uint8Array): Uint8Array | null {
  const op = script[0];
  if (op === undefined) return null;
  let start: number;
  let len: number;
  if (op >= 1 && op <= 75) {
    start = 1;
    len = op;
  } else if (op === OP_PUSHDATA1 && script.length >= 2) {
    start = 2;
    len = script[1]!;
    if (len <= 75) return null;
  } else {
    return null;
  }
  if (script.length !== start + len) return null;
  const data = script.subarray(start);
  return equalBytes(pushData(data), script) ? data : null;
}

/** True for outputs consensus accepts. */
export function isValidOutputScript(script: Uint8Array): boolean {
  return classifyOutput(script).type !== 'nonstandard';
}

/** Script number encoding (CScriptNum) of a non-negative integer, as BIP34 pushes the height. */
export function scriptNum(n: number): Uint8Array {
  if (n === 0) return new Uint8Array(0);
  const out: number[] = [];
  let v = n;
  while (v > 0) {
    out.push(v & 0xff);
    v = Math.floor(v / 256);
  }
  if (out[out.length - 1]! & 0x80) out.push(0);
  return Uint8Array.from(out);
}

/** BIP34 coinbase prefix: the height pushed as a minimal script number (OP_0 for height 0, OP_1..OP_16 small ints). */
export function encodeHeightPush(height: number): Uint8Array {
  if (height === 0) return Uint8Array.of(OP_0);
  if (height >= 1 && height <= 16) return Uint8Array.of(OP_1 + height - 1);
  return pushData(scriptNum(height));
}
