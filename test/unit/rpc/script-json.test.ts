/**
 * Scripts as Core prints them (src/rpc/methods/script-json.ts): ScriptToAsmStr
 * with its number, opcode-name and sighash rules, and Solver's type names.
 * Expected strings are what Bitcoin Core's decodescript gives for the same hex.
 */
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../src/primitives/bytes.js';
import { scriptToAsm, scriptType } from '../../../src/rpc/methods/script-asm.js';
import { scriptSigJson } from '../../../src/rpc/methods/script-json.js';

const K20 = '11'.repeat(20);
const K32 = '22'.repeat(32);
const PUB33 = '02' + '33'.repeat(32);
/** The smallest strict-DER signature (r = s = 1) with SIGHASH_ALL appended. */
const DER_ALL = '300602010102010101';

const asm = (hex: string, sighash = false) => scriptToAsm(fromHex(hex), sighash);

describe('scriptToAsm (Core ScriptToAsmStr)', () => {
  it('names opcodes, shows small pushes as script numbers and longer ones as hex', () => {
    expect(asm(`76a914${K20}88ac`)).toBe(`OP_DUP OP_HASH160 ${K20} OP_EQUALVERIFY OP_CHECKSIG`);
    expect(asm(`5120${K32}`)).toBe(`1 ${K32}`);
    expect(asm('004f60ba')).toBe('0 -1 16 OP_CHECKSIGADD');
    expect(asm('0302ff7f')).toBe('8388354');
    expect(asm('0181')).toBe('-1');
    expect(asm('bbff50')).toBe('OP_UNKNOWN OP_INVALIDOPCODE OP_RESERVED');
  });

  it('writes [error] after a truncated push, as Core does', () => {
    expect(asm('4c')).toBe('[error]');
    expect(asm('5102ff')).toBe('1 [error]');
    expect(asm('4d0100')).toBe('[error]');
  });

  it('decodes the sighash type of DER signatures only when asked (scriptSigs), never in output scripts', () => {
    expect(asm(`09${DER_ALL}`, true)).toBe('3006020101020101[ALL]');
    expect(asm(`09${DER_ALL.slice(0, -2)}83`, true)).toBe('3006020101020101[SINGLE|ANYONECANPAY]');
    expect(asm(`09${DER_ALL}`)).toBe(DER_ALL);
    // Not strict DER (a length that does not add up): left as hex.
    expect(asm('09300702010102010101', true)).toBe('300702010102010101');
    expect(scriptSigJson(fromHex(`09${DER_ALL}`))).toEqual({ asm: '3006020101020101[ALL]', hex: `09${DER_ALL}` });
    expect(scriptSigJson(new Uint8Array(0))).toEqual({ asm: '', hex: '' });
  });
});

describe('scriptType (Core Solver names)', () => {
  it.each([
    [`5120${K32}`, 'witness_v1_taproot'],
    [`0014${K20}`, 'witness_v0_keyhash'],
    [`0020${K32}`, 'witness_v0_scripthash'],
    [`5220${K32}`, 'witness_unknown'],
    ['51024e73', 'anchor'],
    [`a914${K20}87`, 'scripthash'],
    [`76a914${K20}88ac`, 'pubkeyhash'],
    [`21${PUB33}ac`, 'pubkey'],
    [`5121${PUB33}21${PUB33}52ae`, 'multisig'],
    ['6a', 'nulldata'],
    ['6a04deadbeef', 'nulldata'],
    ['6a76', 'nonstandard'],
    [`0015${K20}00`, 'nonstandard'],
    ['ff', 'nonstandard'],
    ['', 'nonstandard'],
  ])('%s is %s', (hex, type) => {
    expect(scriptType(fromHex(hex))).toBe(type);
  });
});
