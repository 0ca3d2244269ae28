/**
 * Scripts as Core prints them, without any RPC or network context:
 * ScriptToAsmStr (with its sighash decoding for scriptSigs) and Solver's type
 * names. Tally's consensus knows only taproot and OP_RETURN outputs, but a
 * decoded script is named as Core would name it.
 */
import { toHex } from '../../primitives/bytes.js';

/** Opcode names from 0x61 (OP_NOP) to 0xba (OP_CHECKSIGADD), in order. */
const OP_NAMES = ('NOP VER IF NOTIF VERIF VERNOTIF ELSE ENDIF VERIFY RETURN TOALTSTACK FROMALTSTACK 2DROP 2DUP 3DUP 2OVER 2ROT 2SWAP '
  + 'IFDUP DEPTH DROP DUP NIP OVER PICK ROLL ROT SWAP TUCK CAT SUBSTR LEFT RIGHT SIZE INVERT AND OR XOR EQUAL EQUALVERIFY '
  + 'RESERVED1 RESERVED2 1ADD 1SUB 2MUL 2DIV NEGATE ABS NOT 0NOTEQUAL ADD SUB MUL DIV MOD LSHIFT RSHIFT BOOLAND BOOLOR NUMEQUAL '
  + 'NUMEQUALVERIFY NUMNOTEQUAL LESSTHAN GREATERTHAN LESSTHANOREQUAL GREATERTHANOREQUAL MIN MAX WITHIN RIPEMD160 SHA1 SHA256 '
  + 'HASH160 HASH256 CODESEPARATOR CHECKSIG CHECKSIGVERIFY CHECKMULTISIG CHECKMULTISIGVERIFY NOP1 CHECKLOCKTIMEVERIFY '
  + 'CHECKSEQUENCEVERIFY NOP4 NOP5 NOP6 NOP7 NOP8 NOP9 NOP10 CHECKSIGADD').split(' ').map((n) => `OP_${n}`);

/** Core's mapSigHashTypes, for signatures in a scriptSig. */
const SIGHASH_NAMES: Record<number, string> = { 0x01: 'ALL', 0x81: 'ALL|ANYONECANPAY', 0x02: 'NONE', 0x82: 'NONE|ANYONECANPAY', 0x03: 'SINGLE', 0x83: 'SINGLE|ANYONECANPAY' };

/** Core's GetOpName. */
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

/** BIP66's IsValidSignatureEncoding: a strict DER signature followed by a hash type byte. */
function isDerSignature(sig: Uint8Array): boolean {
  const n = sig.length;
  if (n < 9 || n > 73 || sig[0] !== 0x30 || sig[1] !== n - 3) return false;
  const lenR = sig[3]!;
  if (5 + lenR >= n) return false;
  const lenS = sig[5 + lenR]!;
  if (lenR + lenS + 7 !== n || sig[2] !== 0x02 || lenR === 0 || sig[4]! & 0x80) return false;
  if (lenR > 1 && sig[4] === 0 && !(sig[5]! & 0x80)) return false;
  if (sig[lenR + 4] !== 0x02 || lenS === 0 || sig[lenR + 6]! & 0x80) return false;
  return !(lenS > 1 && sig[lenR + 6] === 0 && !(sig[lenR + 7]! & 0x80));
}

/** A push as Core's ScriptToAsmStr shows it; with `sighash`, a DER signature's last byte as `[ALL]` etc. */
function pushText(data: Uint8Array, sighash: boolean): string {
  if (data.length <= 4) return pushAsNumber(data);
  const name = sighash && isDerSignature(data) ? SIGHASH_NAMES[data[data.length - 1]!] : undefined;
  return name ? `${toHex(data.subarray(0, -1))}[${name}]` : toHex(data);
}

export interface ScriptOp {
  op: number;
  /** The pushed bytes, for push opcodes (0x00 to 0x4e). */
  data?: Uint8Array;
}

/** The operations of a script, or what parsed before a truncated push and `truncated`. */
export function parseScript(script: Uint8Array): { ops: ScriptOp[]; truncated: boolean } {
  const ops: ScriptOp[] = [];
  for (let i = 0; i < script.length;) {
    const op = script[i++]!;
    if (op > 0x4e) {
      ops.push({ op });
      continue;
    }
    const lenBytes = op === 0x4c ? 1 : op === 0x4d ? 2 : op === 0x4e ? 4 : 0;
    if (i + lenBytes > script.length) return { ops, truncated: true };
    let len = lenBytes === 0 ? op : 0;
    for (let k = 0; k < lenBytes; k++) len += script[i + k]! * 2 ** (8 * k);
    i += lenBytes;
    if (i + len > script.length) return { ops, truncated: true };
    ops.push({ op, data: script.subarray(i, i + len) });
    i += len;
  }
  return { ops, truncated: false };
}

/**
 * Core's ScriptToAsmStr: pushes as hex (or script numbers up to 4 bytes),
 * opcodes by name, `[error]` after a truncated push. `sighash` decodes the
 * hash type of DER signatures, as Core does for scriptSigs only.
 */
export function scriptToAsm(script: Uint8Array, sighash = false): string {
  const { ops, truncated } = parseScript(script);
  const out = ops.map(({ op, data }) => (data ? pushText(data, sighash) : opName(op)));
  if (truncated) out.push('[error]');
  return out.join(' ');
}

const isPush = (op: ScriptOp, len: number) => op.data?.length === len;

/** The witness version and program of a witness output (BIP141 IsWitnessProgram), or undefined. */
function witnessProgram(script: Uint8Array): { version: number; program: Uint8Array } | undefined {
  if (script.length < 4 || script.length > 42) return undefined;
  const v = script[0]!;
  if (v !== 0 && (v < 0x51 || v > 0x60)) return undefined;
  if (script[1]! + 2 !== script.length) return undefined;
  return { version: v === 0 ? 0 : v - 0x50, program: script.subarray(2) };
}

function witnessType(version: number, program: Uint8Array): string {
  if (version === 0) return program.length === 20 ? 'witness_v0_keyhash' : program.length === 32 ? 'witness_v0_scripthash' : 'nonstandard';
  if (version === 1 && program.length === 32) return 'witness_v1_taproot';
  if (version === 1 && program.length === 2 && program[0] === 0x4e && program[1] === 0x73) return 'anchor';
  return 'witness_unknown';
}

/** Core's Solver type names (GetTxnOutType), without multisig's key checks. */
export function scriptType(script: Uint8Array): string {
  const witness = witnessProgram(script);
  if (witness) return witnessType(witness.version, witness.program);
  const { ops, truncated } = parseScript(script);
  if (truncated) return 'nonstandard';
  if (script[0] === 0x6a && ops.slice(1).every((o) => o.op <= 0x60)) return 'nulldata';
  if (script.length === 23 && script[0] === 0xa9 && script[1] === 20 && script[22] === 0x87) return 'scripthash';
  if (script.length === 25 && script[0] === 0x76 && script[1] === 0xa9 && script[2] === 20 && script[23] === 0x88 && script[24] === 0xac) return 'pubkeyhash';
  if (ops.length === 2 && (isPush(ops[0]!, 33) || isPush(ops[0]!, 65)) && ops[1]!.op === 0xac) return 'pubkey';
  const [first, ...rest] = ops;
  const keys = rest.slice(0, -2);
  const m = first ? first.op - 0x50 : 0;
  if (ops.length >= 4 && ops[ops.length - 1]!.op === 0xae && m >= 1 && ops[ops.length - 2]!.op - 0x50 === keys.length
    && m <= keys.length && keys.every((k) => isPush(k, 33) || isPush(k, 65))) return 'multisig';
  return 'nonstandard';
}
