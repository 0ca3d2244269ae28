import { describe, expect, it } from 'vitest';
import { RecordBytes, varBytesSize } from '../../../src/chain/record-bytes.js';
import { BufferWriter } from '../../../src/primitives/encoding.js';

describe('RecordBytes', () => {
  it('writes the bytes BufferWriter writes, for every integer edge and length form', () => {
    const values = [0n, 1n, -1n, 2n ** 32n - 1n, 2n ** 32n, -(2n ** 32n), 2n ** 63n - 1n, -(2n ** 63n), 2_100_000_000_000_000n, -5_000_000_000n];
    const scripts = [0, 34, 0xfc, 0xfd, 0xffff, 0x10000].map((length) => Uint8Array.from({ length }, (_, i) => i & 0xff));
    const cases = [...values.map((v) => [v, scripts[1]!] as const), ...scripts.map((s) => [values[2]!, s] as const)];
    for (const [v, script] of cases) {
      const want = new BufferWriter().i64(v).u32(0xfedcba98).u8(1).varBytes(script).finish();
      const got = new RecordBytes(13 + varBytesSize(script)).i64(v).u32(0xfedcba98).u8(1).varBytes(script).finish();
      expect(Buffer.from(got).equals(Buffer.from(want))).toBe(true);
    }
  });

  it('refuses a record whose size was not what was written', () => {
    expect(() => new RecordBytes(9).i64(5n).finish()).toThrow(RangeError);
  });
});
