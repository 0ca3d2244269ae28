/** Every export of src/primitives/script.ts: output classification, pushes and BIP34 heights. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex } from '../../../src/primitives/bytes.js';
import {
  MAX_OP_RETURN_DATA,
  OP_0,
  OP_1,
  OP_PUSHDATA1,
  OP_RETURN,
  classifyOutput,
  encodeHeightPush,
  isTaprootScript,
  isValidOutputScript,
  nullDataScript,
  pushData,
  scriptNum,
  taprootScript,
} from '../../../src/primitives/script.js';

/** A taproot output from the BIP341 wallet vectors. */
const TAPROOT_SPK = '512053a1f6e454df1aa2776a2814a721372d6258050de330b3c6d10ee8f4e0dda343';

const bytes = (n: number, fill = 0xab): Uint8Array => new Uint8Array(n).fill(fill);

describe('constants', () => {
  it('are the Bitcoin opcodes and limit', () => {
    expect([OP_0, OP_PUSHDATA1, OP_1, OP_RETURN]).toEqual([0x00, 0x4c, 0x51, 0x6a]);
    expect(MAX_OP_RETURN_DATA).toBe(80);
  });
});

describe('taprootScript', () => {
  it('is OP_1 PUSH32 <key>', () => {
    const key = fromHex(TAPROOT_SPK.slice(4));
    expect(toHex(taprootScript(key))).toBe(TAPROOT_SPK);
  });
});

describe('classifyOutput', () => {
  it('recognises taproot outputs and returns the key', () => {
    const out = classifyOutput(fromHex(TAPROOT_SPK));
    expect(out.type).toBe('taproot');
    expect(out.type === 'taproot' && toHex(out.key)).toBe(TAPROOT_SPK.slice(4));
    expect(isValidOutputScript(fromHex(TAPROOT_SPK))).toBe(true);
  });

  it('refuses near-taproot scripts', () => {
    const key = bytes(32);
    const cases = [
      concatBytes(Uint8Array.of(OP_1, 32), key, Uint8Array.of(0)), // trailing byte
      concatBytes(Uint8Array.of(OP_1, 31), key.subarray(1)), // 31-byte key
      concatBytes(Uint8Array.of(OP_1, 33), bytes(33)), // 33-byte key
      concatBytes(Uint8Array.of(OP_0, 32), key), // P2WSH (v0)
      concatBytes(Uint8Array.of(0x52, 32), key), // segwit v2
      concatBytes(Uint8Array.of(OP_1, OP_PUSHDATA1, 32), key), // non-minimal push of the key
      fromHex('0014751e76e8199196d454941c45d1b3a323f1433bd6'), // P2WPKH
      fromHex('76a914751e76e8199196d454941c45d1b3a323f1433bd688ac'), // P2PKH
      new Uint8Array(0),
    ];
    for (const script of cases) {
      expect(classifyOutput(script).type, toHex(script)).toBe('nonstandard');
      expect(isValidOutputScript(script)).toBe(false);
    }
  });

  it('recognises OP_RETURN data carriers of 0..80 bytes', () => {
    const bare = classifyOutput(Uint8Array.of(OP_RETURN));
    expect(bare.type).toBe('nulldata');
    expect(bare.type === 'nulldata' && bare.data.length).toBe(0);
    for (const n of [1, 20, 75, 76, 79, 80]) {
      const data = bytes(n, n);
      const script = nullDataScript(data);
      const out = classifyOutput(script);
      expect(out.type, `${n} bytes`).toBe('nulldata');
      expect(out.type === 'nulldata' && toHex(out.data)).toBe(toHex(data));
      expect(isValidOutputScript(script)).toBe(true);
    }
  });

  it('refuses an 81-byte OP_RETURN', () => {
    const script = nullDataScript(bytes(81));
    expect(toHex(script.subarray(0, 3))).toBe('6a4c51');
    expect(classifyOutput(script).type).toBe('nonstandard');
    expect(isValidOutputScript(script)).toBe(false);
  });

  it('refuses non-minimal and malformed OP_RETURN pushes', () => {
    const cases = [
      concatBytes(Uint8Array.of(OP_RETURN, OP_PUSHDATA1, 5), bytes(5)), // PUSHDATA1 for <= 75 bytes
      concatBytes(Uint8Array.of(OP_RETURN, OP_PUSHDATA1, 75), bytes(75)),
      concatBytes(Uint8Array.of(OP_RETURN, 0x4d, 5, 0), bytes(5)), // PUSHDATA2
      concatBytes(Uint8Array.of(OP_RETURN, 0x4e, 5, 0, 0, 0), bytes(5)), // PUSHDATA4
      Uint8Array.of(OP_RETURN, OP_0), // OP_0 is not a data push here
      Uint8Array.of(OP_RETURN, OP_1), // OP_1 likewise
      Uint8Array.of(OP_RETURN, 2, 1), // push runs past the end
      Uint8Array.of(OP_RETURN, OP_PUSHDATA1), // truncated PUSHDATA1
      Uint8Array.of(OP_RETURN, OP_PUSHDATA1, 80), // truncated PUSHDATA1 data
      Uint8Array.of(OP_RETURN, 1, 1, 0xff), // trailing byte after the push
      Uint8Array.of(OP_RETURN, 1, 1, 1, 2), // two pushes
      Uint8Array.of(OP_RETURN, OP_RETURN),
      Uint8Array.of(0x00, OP_RETURN, 1, 1), // OP_RETURN not first
    ];
    for (const script of cases) {
      expect(classifyOutput(script).type, toHex(script)).toBe('nonstandard');
      expect(isValidOutputScript(script)).toBe(false);
    }
  });

  it('classifies every nullDataScript of 0..80 bytes as its data (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: MAX_OP_RETURN_DATA }), (data) => {
        const out = classifyOutput(nullDataScript(data));
        expect(out.type).toBe('nulldata');
        expect(out.type === 'nulldata' && toHex(out.data)).toBe(toHex(data));
      }),
    );
  });

  it('never throws on arbitrary scripts (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (script) => {
        const out = classifyOutput(script);
        expect(['taproot', 'nulldata', 'nonstandard']).toContain(out.type);
        expect(isValidOutputScript(script)).toBe(out.type !== 'nonstandard');
      }),
      { numRuns: 300 },
    );
  });
});

describe('nullDataScript', () => {
  it('is a bare OP_RETURN for empty data and a minimal push otherwise', () => {
    expect(toHex(nullDataScript(new Uint8Array(0)))).toBe('6a');
    expect(toHex(nullDataScript(Uint8Array.of(0xde, 0xad)))).toBe('6a02dead');
    expect(toHex(nullDataScript(bytes(80, 1)))).toBe('6a4c50' + '01'.repeat(80));
  });
});

describe('pushData', () => {
  it('uses a direct push up to 75 bytes and OP_PUSHDATA1 up to 255', () => {
    expect(toHex(pushData(new Uint8Array(0)))).toBe('00');
    expect(toHex(pushData(Uint8Array.of(7)))).toBe('0107');
    expect(toHex(pushData(bytes(75)).subarray(0, 1))).toBe('4b');
    expect(pushData(bytes(75))).toHaveLength(76);
    expect(toHex(pushData(bytes(76)).subarray(0, 2))).toBe('4c4c');
    expect(pushData(bytes(76))).toHaveLength(78);
    expect(toHex(pushData(bytes(255)).subarray(0, 2))).toBe('4cff');
  });

  it('refuses more than 255 bytes', () => {
    expect(() => pushData(bytes(256))).toThrow(RangeError);
  });
});

describe('scriptNum', () => {
  it('is the minimal little-endian CScriptNum of a non-negative integer', () => {
    const cases: [number, string][] = [
      [0, ''],
      [1, '01'],
      [16, '10'],
      [127, '7f'],
      [128, '8000'],
      [255, 'ff00'],
      [256, '0001'],
      [32767, 'ff7f'],
      [32768, '008000'],
      [65535, 'ffff00'],
      [8388607, 'ffff7f'],
      [8388608, '00008000'],
      [0x7fffffff, 'ffffff7f'],
      [0x80000000, '0000008000'],
      [0xffffffff, 'ffffffff00'],
    ];
    for (const [n, hex] of cases) expect(toHex(scriptNum(n)), String(n)).toBe(hex);
  });
});

describe('encodeHeightPush (BIP34)', () => {
  // Bitcoin Core's `CScript() << n`: OP_0 for 0, OP_1..OP_16 for 1..16, else a push of CScriptNum(n).
  const cases: [number, string][] = [
    [0, '00'],
    [1, '51'],
    [2, '52'],
    [16, '60'],
    [17, '0111'],
    [127, '017f'],
    [128, '028000'],
    [255, '02ff00'],
    [256, '020001'],
    [65535, '03ffff00'],
    [8388608, '0400008000'],
    [227836, '03fc7903'],
  ];

  it.each(cases)('height %i encodes as %s', (height, hex) => {
    expect(toHex(encodeHeightPush(height))).toBe(hex);
  });
});

describe('isTaprootScript', () => {
  it('is true exactly where classifyOutput says taproot', () => {
    const scripts = [fromHex(TAPROOT_SPK), bytes(34), concatBytes(Uint8Array.of(OP_1, 32), bytes(33)), Uint8Array.of(OP_1, 32), nullDataScript(bytes(4)), new Uint8Array(0)];
    for (const script of scripts) expect(isTaprootScript(script)).toBe(classifyOutput(script).type === 'taproot');
    expect(isTaprootScript(fromHex(TAPROOT_SPK))).toBe(true);
  });

  it('classifyOutput gives a taproot key as a copy, never through the script\'s ArrayBuffer', () => {
    // A view would move a small script off the V8 heap for good, one per output.
    const script = fromHex(TAPROOT_SPK);
    Object.defineProperty(script, 'buffer', { get: () => { throw new Error('script.buffer read'); } });
    const kind = classifyOutput(script);
    expect(kind.type).toBe('taproot');
    const key = (kind as { key: Uint8Array }).key;
    expect(toHex(key)).toBe(TAPROOT_SPK.slice(4));
    script[2] ^= 1;
    expect(toHex(key)).toBe(TAPROOT_SPK.slice(4));
  });
});
