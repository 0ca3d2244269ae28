/**
 * Property tests of the codecs: arbitrary transactions, headers and blocks
 * round-trip byte for byte; the reader and writer agree; decoding arbitrary
 * bytes fails only with `EncodingError`; merkle branches recompute the root.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Block, BlockHeader, HEADER_SIZE } from '../../../src/primitives/block.js';
import { equalBytes, fromHex, hashFromHex, hashToHex, reverse, toHex } from '../../../src/primitives/bytes.js';
import { EncodingError } from '../../../src/primitives/errors.js';
import { BufferReader, BufferWriter, MAX_COMPACT_SIZE, varintSize } from '../../../src/primitives/encoding.js';
import { computeMerkleRoot, merkleBranch, merkleRootFromBranch } from '../../../src/primitives/merkle.js';
import { Transaction, type TxInput, type TxOutput } from '../../../src/primitives/tx.js';
import { checkProperty } from '../../helpers/fuzz.js';
import { recordTrial } from '../../helpers/reliability.js';

const I32_MIN = -(2 ** 31);
const I32_MAX = 2 ** 31 - 1;
const U32_MAX = 0xffffffff;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

const u32 = fc.integer({ min: 0, max: U32_MAX });
const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
/** Scripts and witness items up to 300 bytes, so CompactSize lengths cross the 0xfd boundary. */
const script = fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ minLength: 250, maxLength: 300 }));

const witnessStack = fc.oneof(fc.constant<Uint8Array[]>([]), fc.array(script, { maxLength: 4 }));

const txInput = (withWitness: boolean): fc.Arbitrary<TxInput> =>
  fc.record({
    prevout: fc.record({ txid: hash32, vout: u32 }),
    scriptSig: script,
    sequence: u32,
    witness: withWitness ? witnessStack : fc.constant<Uint8Array[]>([]),
  });

const txOutput: fc.Arbitrary<TxOutput> = fc.record({
  value: fc.bigInt({ min: I64_MIN, max: I64_MAX }),
  scriptPubKey: script,
});

const transaction = (withWitness = true): fc.Arbitrary<Transaction> =>
  fc
    .record({
      version: fc.integer({ min: I32_MIN, max: I32_MAX }),
      inputs: fc.array(txInput(withWitness), { minLength: 1, maxLength: 5 }),
      outputs: fc.array(txOutput, { maxLength: 5 }),
      locktime: u32,
    })
    .map((fields) => new Transaction(fields));

const header: fc.Arbitrary<BlockHeader> = fc
  .record({
    version: fc.integer({ min: I32_MIN, max: I32_MAX }),
    prevHashBytes: hash32,
    merkleRootBytes: hash32,
    time: u32,
    bits: u32,
    nonce: u32,
  })
  .map((fields) => new BlockHeader(fields));

const block: fc.Arbitrary<Block> = fc
  .tuple(header, fc.array(transaction(), { maxLength: 4 }))
  .map(([h, txs]) => new Block(h, txs));

/** Runs a decoder; returns normally when it succeeds or throws an EncodingError, fails on any other exception. */
function decodesOrEncodingError(decode: () => unknown): void {
  try {
    decode();
  } catch (err) {
    if (!(err instanceof EncodingError)) {
      throw new Error(`decoder threw ${(err as Error)?.name ?? typeof err} instead of EncodingError: ${String(err)}`);
    }
  }
}

describe('transaction codec properties', () => {
  it('arbitrary transactions round-trip with identical bytes, txid and wtxid', () => {
    const runs = checkProperty(
      fc.property(transaction(), (tx) => {
        const bytes = tx.toBytes();
        const decoded = Transaction.fromBytes(bytes);
        expect(equalBytes(decoded.toBytes(), bytes)).toBe(true);
        expect(equalBytes(decoded.toBytes(false), tx.toBytes(false))).toBe(true);
        expect(decoded.txid).toBe(tx.txid);
        expect(decoded.wtxid).toBe(tx.wtxid);
        expect(decoded.version).toBe(tx.version);
        expect(decoded.locktime).toBe(tx.locktime);
        expect(decoded.outputs.map((o) => o.value)).toEqual(tx.outputs.map((o) => o.value));
        expect(decoded.inputs.map((i) => i.witness.map(toHex))).toEqual(tx.inputs.map((i) => i.witness.map(toHex)));
        expect(decoded.weight).toBe(3 * decoded.baseSize + decoded.totalSize);
        expect(decoded.vsize).toBe(Math.ceil(decoded.weight / 4));
      }),
    );
    recordTrial({ area: 'Fuzzing', attack: 'transaction codec: arbitrary transactions (with witnesses) round-trip', times: runs, outcome: 'identical bytes, txid and wtxid' });
  });

  it('without witnesses the encoding is legacy and txid == wtxid', () => {
    const runs = checkProperty(
      fc.property(transaction(false), (tx) => {
        expect(tx.hasWitness).toBe(false);
        const bytes = tx.toBytes();
        expect(equalBytes(bytes, tx.toBytes(false))).toBe(true);
        // Legacy: the input count (at least 1) follows the version, not the 0x00 marker.
        expect(bytes[4]).not.toBe(0);
        expect(tx.wtxid).toBe(tx.txid);
        expect(tx.weight).toBe(4 * bytes.length);
        expect(Transaction.fromBytes(bytes).txid).toBe(tx.txid);
      }),
    );
    recordTrial({ area: 'Fuzzing', attack: 'transaction codec: arbitrary legacy transactions round-trip', times: runs, outcome: 'identical bytes, txid == wtxid' });
  });

  it('with a witness the encoding carries marker and flag, and the txid ignores the witness', () => {
    fc.assert(
      fc.property(transaction(), (tx) => {
        fc.pre(tx.hasWitness);
        const bytes = tx.toBytes();
        expect(bytes[4]).toBe(0x00);
        expect(bytes[5]).toBe(0x01);
        const stripped = new Transaction({ ...tx, inputs: tx.inputs.map((i) => ({ ...i, witness: [] })) });
        expect(stripped.txid).toBe(tx.txid);
        expect(tx.totalSize).toBeGreaterThan(tx.baseSize);
      }),
    );
  });
});

describe('block codec properties', () => {
  it('arbitrary headers round-trip in 80 bytes', () => {
    const runs = checkProperty(
      fc.property(header, (h) => {
        const bytes = h.toBytes();
        expect(bytes).toHaveLength(HEADER_SIZE);
        const decoded = BlockHeader.fromBytes(bytes);
        expect(equalBytes(decoded.toBytes(), bytes)).toBe(true);
        expect(decoded.hash).toBe(h.hash);
        expect([decoded.version, decoded.time, decoded.bits, decoded.nonce]).toEqual([h.version, h.time, h.bits, h.nonce]);
        expect(decoded.prevHash).toBe(h.prevHash);
        expect(decoded.merkleRoot).toBe(h.merkleRoot);
      }),
    );
    recordTrial({ area: 'Fuzzing', attack: 'header codec: arbitrary headers round-trip', times: runs, outcome: 'identical 80 bytes and hash' });
  });

  it('blocks of arbitrary transactions round-trip', () => {
    const runs = checkProperty(
      fc.property(block, (b) => {
        const bytes = b.toBytes();
        const decoded = Block.fromBytes(bytes);
        expect(equalBytes(decoded.toBytes(), bytes)).toBe(true);
        expect(decoded.hash).toBe(b.hash);
        expect(decoded.transactions.map((tx) => tx.wtxid)).toEqual(b.transactions.map((tx) => tx.wtxid));
        expect(toHex(decoded.computeMerkleRoot().root)).toBe(toHex(b.computeMerkleRoot().root));
        expect(decoded.weight).toBe(3 * decoded.strippedSize + decoded.size);
      }),
      { numRuns: 50 },
    );
    recordTrial({ area: 'Fuzzing', attack: 'block codec: arbitrary blocks round-trip', times: runs, outcome: 'identical bytes, hash and merkle root' });
  });
});

type Op =
  | { kind: 'u8' | 'u16' | 'u32' | 'i32' | 'varint'; value: number }
  | { kind: 'u64' | 'i64'; value: bigint }
  | { kind: 'varBytes'; value: Uint8Array };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('u8' as const), value: fc.integer({ min: 0, max: 0xff }) }),
  fc.record({ kind: fc.constant('u16' as const), value: fc.integer({ min: 0, max: 0xffff }) }),
  fc.record({ kind: fc.constant('u32' as const), value: u32 }),
  fc.record({ kind: fc.constant('i32' as const), value: fc.integer({ min: I32_MIN, max: I32_MAX }) }),
  fc.record({ kind: fc.constant('u64' as const), value: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) }),
  fc.record({ kind: fc.constant('i64' as const), value: fc.bigInt({ min: I64_MIN, max: I64_MAX }) }),
  fc.record({
    kind: fc.constant('varint' as const),
    value: fc.oneof(
      fc.integer({ min: 0, max: MAX_COMPACT_SIZE }),
      fc.constantFrom(0, 0xfc, 0xfd, 0xfe, 0xff, 0xffff, 0x10000, MAX_COMPACT_SIZE),
    ),
  }),
  fc.record({ kind: fc.constant('varBytes' as const), value: script }),
);

describe('BufferWriter / BufferReader properties', () => {
  it('any sequence of writes reads back identically', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const w = new BufferWriter(1);
        for (const o of ops) {
          switch (o.kind) {
            case 'u64':
            case 'i64':
              w[o.kind](o.value);
              break;
            case 'varBytes':
              w.varBytes(o.value);
              break;
            default:
              w[o.kind](o.value);
          }
        }
        const bytes = w.finish();
        const r = new BufferReader(bytes);
        for (const o of ops) {
          if (o.kind === 'varBytes') expect(toHex(r.varBytes())).toBe(toHex(o.value));
          else if (o.kind === 'u64' || o.kind === 'i64') expect(r[o.kind]()).toBe(o.value);
          else expect(r[o.kind]()).toBe(o.value);
        }
        expect(r.remaining).toBe(0);
      }),
    );
  });

  it('varint encodes in varintSize bytes and reads back', () => {
    fc.assert(
      fc.property(u32, (n) => {
        const bytes = new BufferWriter().varint(n).finish();
        expect(bytes).toHaveLength(varintSize(n));
        expect(new BufferReader(bytes).varint(U32_MAX)).toBe(n);
      }),
    );
  });
});

describe('decoders on arbitrary bytes throw only EncodingError', () => {
  it('random bytes', () => {
    const runs = checkProperty(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        decodesOrEncodingError(() => Transaction.fromBytes(bytes));
        decodesOrEncodingError(() => Block.fromBytes(bytes));
        decodesOrEncodingError(() => BlockHeader.fromBytes(bytes));
      }),
      { numRuns: 500 },
    );
    recordTrial({ area: 'Fuzzing', attack: 'transaction, block and header decoders on random bytes (up to 300)', times: runs, outcome: 'EncodingError or a value; no other exception' });
  });

  it('a random 80-byte header followed by random bytes', () => {
    const runs = checkProperty(
      fc.property(fc.uint8Array({ minLength: 80, maxLength: 80 }), fc.uint8Array({ maxLength: 200 }), (h, rest) => {
        decodesOrEncodingError(() => BlockHeader.fromBytes(h));
        const bytes = new Uint8Array(h.length + rest.length);
        bytes.set(h);
        bytes.set(rest, h.length);
        decodesOrEncodingError(() => Block.fromBytes(bytes));
      }),
      { numRuns: 300 },
    );
    recordTrial({ area: 'Fuzzing', attack: 'header and block decoders on a random header plus random bytes', times: runs, outcome: 'EncodingError or a value; no other exception' });
  });

  it('valid encodings with bytes changed, truncated or extended', () => {
    const mutation = fc.record({
      at: fc.nat(),
      value: fc.integer({ min: 0, max: 0xff }),
      cut: fc.nat(),
      extra: fc.uint8Array({ maxLength: 4 }),
      mode: fc.constantFrom('flip', 'cut', 'extend'),
    });
    const runs = checkProperty(
      fc.property(fc.oneof(transaction().map((t) => t.toBytes()), block.map((b) => b.toBytes())), mutation, (valid, m) => {
        let bytes: Uint8Array;
        if (m.mode === 'flip') {
          bytes = valid.slice();
          bytes[m.at % bytes.length] = m.value;
        } else if (m.mode === 'cut') {
          bytes = valid.subarray(0, m.cut % valid.length);
        } else {
          bytes = new Uint8Array(valid.length + m.extra.length);
          bytes.set(valid);
          bytes.set(m.extra, valid.length);
        }
        decodesOrEncodingError(() => Transaction.fromBytes(bytes));
        decodesOrEncodingError(() => Block.fromBytes(bytes));
      }),
      { numRuns: 300 },
    );
    recordTrial({ area: 'Fuzzing', attack: 'transaction and block decoders on valid encodings with a byte changed, truncated or extended', times: runs, outcome: 'EncodingError or a value; no other exception' });
  });
});

describe('hex properties', () => {
  it('toHex / fromHex round-trip, either case', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const hex = toHex(bytes);
        expect(hex).toMatch(/^[0-9a-f]*$/);
        expect(hex).toHaveLength(2 * bytes.length);
        expect(equalBytes(fromHex(hex), bytes)).toBe(true);
        expect(equalBytes(fromHex(hex.toUpperCase()), bytes)).toBe(true);
      }),
    );
  });

  it('fromHex rejects odd length with bad-hex', () => {
    const runs = checkProperty(
      fc.property(fc.uint8Array({ maxLength: 50 }), fc.constantFrom(...'0123456789abcdef'), (bytes, digit) => {
        expect(() => fromHex(toHex(bytes) + digit)).toThrow(expect.objectContaining({ code: 'bad-hex' }));
      }),
    );
    recordTrial({ area: 'Fuzzing', attack: 'fromHex on odd-length hex', times: runs, outcome: 'EncodingError bad-hex' });
  });

  it('fromHex rejects any non-hex character with bad-hex', () => {
    const nonHexChar = fc
      .integer({ min: 0, max: 0xffff })
      .map((c) => String.fromCharCode(c))
      .filter((c) => !/^[0-9a-fA-F]$/.test(c));
    const runs = checkProperty(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 20 }), fc.nat(), nonHexChar, (bytes, at, bad) => {
        const hex = toHex(bytes);
        const pos = at % hex.length;
        const broken = hex.slice(0, pos) + bad + hex.slice(pos + 1);
        let code: string | undefined;
        try {
          fromHex(broken);
        } catch (err) {
          expect(err).toBeInstanceOf(EncodingError);
          code = (err as EncodingError).code;
        }
        expect(code).toBe('bad-hex');
      }),
    );
    recordTrial({ area: 'Fuzzing', attack: 'fromHex on hex with a non-hex character', times: runs, outcome: 'EncodingError bad-hex' });
  });

  it('hashToHex / hashFromHex round-trip and reverse the bytes', () => {
    fc.assert(
      fc.property(hash32, (hash) => {
        const display = hashToHex(hash);
        expect(display).toBe(toHex(reverse(hash)));
        expect(equalBytes(hashFromHex(display), hash)).toBe(true);
        expect(equalBytes(hashFromHex(display.toUpperCase()), hash)).toBe(true);
      }),
    );
  });
});

describe('merkle properties', () => {
  const hashes = (min: number, max: number): fc.Arbitrary<Uint8Array[]> =>
    fc.uniqueArray(hash32, { minLength: min, maxLength: max, selector: (h) => toHex(h) });

  it('an empty list gives 32 zero bytes and a single hash is its own root', () => {
    expect(computeMerkleRoot([])).toEqual({ root: new Uint8Array(32), mutated: false });
    fc.assert(
      fc.property(hash32, (h) => {
        const { root, mutated } = computeMerkleRoot([h]);
        expect(toHex(root)).toBe(toHex(h));
        expect(mutated).toBe(false);
        expect(merkleBranch([h], 0)).toHaveLength(0);
        expect(toHex(merkleRootFromBranch(h, [], 0))).toBe(toHex(h));
      }),
      { numRuns: 20 },
    );
  });

  it('merkleRootFromBranch(leaf, merkleBranch(hashes, i), i) equals the root for every i', () => {
    fc.assert(
      fc.property(hashes(1, 17), (list) => {
        const { root, mutated } = computeMerkleRoot(list);
        expect(mutated).toBe(false);
        for (let i = 0; i < list.length; i++) {
          const branch = merkleBranch(list, i);
          expect(branch).toHaveLength(Math.ceil(Math.log2(list.length)));
          expect(toHex(merkleRootFromBranch(list[i]!, branch, i))).toBe(toHex(root));
        }
      }),
      { numRuns: 50 },
    );
  });

  it('duplicating the last of an odd list keeps the root and reports the mutation (CVE-2012-2459)', () => {
    fc.assert(
      fc.property(
        hashes(3, 17).filter((l) => l.length % 2 === 1),
        (list) => {
          const original = computeMerkleRoot(list);
          const padded = computeMerkleRoot([...list, list[list.length - 1]!]);
          expect(toHex(padded.root)).toBe(toHex(original.root));
          expect(original.mutated).toBe(false);
          expect(padded.mutated).toBe(true);
        },
      ),
    );
  });

  it('does not modify its input list', () => {
    fc.assert(
      fc.property(hashes(1, 9), (list) => {
        const copy = list.map(toHex);
        computeMerkleRoot(list);
        merkleBranch(list, 0);
        expect(list.map(toHex)).toEqual(copy);
      }),
    );
  });
});
