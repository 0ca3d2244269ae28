/**
 * Core's ScriptToUniv: the script objects of decodescript and of every
 * scriptPubKey and scriptSig in a decoded transaction (asm and type names
 * from script-asm.ts, descriptors from descriptors.ts).
 */
import { scriptPubKeyToAddress } from '../../primitives/address.js';
import { toHex } from '../../primitives/bytes.js';
import type { NetworkParams } from '../../consensus/params.js';
import { inferDescriptor } from './descriptors.js';
import { scriptToAsm, scriptType } from './script-asm.js';

export { parseScript, scriptToAsm, scriptType, type ScriptOp } from './script-asm.js';

/** Core's ScriptToUniv for an output script: `{ asm, desc, hex, address?, type }`. */
export function scriptPubKeyJson(script: Uint8Array, params: Pick<NetworkParams, 'addressPrefix'>): Record<string, unknown> {
  const address = scriptPubKeyToAddress(params.addressPrefix, script);
  return { asm: scriptToAsm(script), desc: inferDescriptor(script), hex: toHex(script), ...(address ? { address } : {}), type: scriptType(script) };
}

/** Core's scriptSig object: `{ asm, hex }`, signatures with their hash type decoded. */
export function scriptSigJson(script: Uint8Array): { asm: string; hex: string } {
  return { asm: scriptToAsm(script, true), hex: toHex(script) };
}
