/**
 * Scripts as Core prints them: ScriptToAsmStr and ScriptToUniv
 * (decodescript, and every scriptPubKey in a decoded transaction).
 */
import { scriptPubKeyToAddress } from '../../primitives/address.js';
import { toHex } from '../../primitives/bytes.js';
import { classifyOutput } from '../../primitives/script.js';
import type { RpcContext } from '../types.js';
import { inferDescriptor } from './addresses.js';

/** Opcode names from 0x61 (OP_NOP) to 0xba (OP_CHECKSIGADD), in order. */
const OP_NAMES = ('NOP VER IF NOTIF VERIF VERNOTIF ELSE ENDIF VERIFY RETURN TOALTSTACK FROMALTSTACK 2DROP 2DUP 3DUP 2OVER 2ROT 2SWAP '
  + 'IFDUP DEPTH DROP DUP NIP OVER PICK ROLL ROT SWAP TUCK CAT SUBSTR LEFT RIGHT SIZE INVERT AND OR XOR EQUAL EQUALVERIFY '
  + 'RESERVED1 RESERVED2 1ADD 1SUB 2MUL 2DIV NEGATE ABS NOT 0NOTEQUAL ADD SUB MUL DIV MOD LSHIFT RSHIFT BOOLAND BOOLOR NUMEQUAL '
  + 'NUMEQUALVERIFY NUMNOTEQUAL LESSTHAN GREATERTHAN LESSTHANOREQUAL GREATERTHANOREQUAL MIN MAX WITHIN RIPEMD160 SHA1 SHA256 '
  + 'HASH160 HASH256 CODESEPARATOR CHECKSIG CHECKSIGVERIFY CHECKMULTISIG CHECKMULTISIGVERIFY NOP1 CHECKLOCKTIMEVERIFY '
  + 'CHECKSEQUENCEVERIFY NOP4 NOP5 NOP6 NOP7 NOP8 NOP9 NOP10 CHECKSIGADD').split(' ').map((n) => `OP_${n}`);

function opName(op: number): string {
  if (op === 0x00) return '0';
  if (op === 0x4f) return '-1';
  if (op === 0x50) return 'OP_RESERVED';
  if (op >= 0x51 && op <= 0x60) return String(op - 0x50);
  return OP_NAMES[op - 0x61] ?? (op === 0xff ? 'OP_INVALIDOPCODE' : 'OP_UNKNOWN');
}

/** A push of at most 4 bytes as Core shows it: the script number it encodes (little-endian, sign bit on top). */
function pushAsNumber(data: Uint8Array): string {
  if (data.length === 0) return '0';
  let n = 0n;
  data.forEach((b, i) => { n |= BigInt(i === data.length - 1 ? b & 0x7f : b) << BigInt(8 * i); });
  return String(data[data.length - 1]! & 0x80 ? -n : n);
}

/** Core's ScriptToAsmStr: pushes as hex (or numbers up to 4 bytes), opcodes by name, `[error]` on a truncated push. */
export function scriptToAsm(script: Uint8Array): string {
  const out: string[] = [];
  for (let i = 0; i < script.length;) {
    const op = script[i++]!;
    if (op === 0 || op > 0x4e) {
      out.push(opName(op));
      continue;
    }
    const lenBytes = op === 0x4c ? 1 : op === 0x4d ? 2 : op === 0x4e ? 4 : 0;
    if (i + lenBytes > script.length) return [...out, '[error]'].join(' ');
    let len = lenBytes === 0 ? op : 0;
    for (let k = 0; k < lenBytes; k++) len += script[i + k]! * 2 ** (8 * k);
    i += lenBytes;
    if (i + len > script.length) return [...out, '[error]'].join(' ');
    const data = script.subarray(i, i + len);
    i += len;
    out.push(data.length <= 4 ? pushAsNumber(data) : toHex(data));
  }
  return out.join(' ');
}

const TYPE_NAMES = { taproot: 'witness_v1_taproot', nulldata: 'nulldata', nonstandard: 'nonstandard' } as const;

/** Core's ScriptToUniv: `{ asm, desc, hex, address?, type }`. */
export function scriptPubKeyJson(script: Uint8Array, ctx: RpcContext): Record<string, unknown> {
  const address = scriptPubKeyToAddress(ctx.params.addressPrefix, script);
  return { asm: scriptToAsm(script), desc: inferDescriptor(script), hex: toHex(script), ...(address ? { address } : {}), type: TYPE_NAMES[classifyOutput(script).type] };
}
