/**
 * Fuzzing of every p2p decoder (fast-check, fixed seeds): the status,
 * locator, block-request, headers and count messages of src/network/reqresp/messages.ts,
 * the block and transaction frames as the p2p layer decodes them, and the
 * length-prefixed frame reader over an in-memory stream. Random bytes and
 * mutated valid encodings must give either the decoder's typed error or a
 * value that encodes back to exactly the input bytes (so no two encodings
 * decode alike); crafted counts and lengths up to 2^64 must fail at once,
 * before anything of the claimed size is read, waited for or allocated.
 */
import { streamPair } from '@libp2p/utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeBlockRequest, decodeCount, decodeHeaders, decodeLocator, decodeStatus, encodeCount, encodeHashes, encodeHeaders, encodeStatus,
} from '../../../src/network/reqresp/messages.js';
import { P2PError } from '../../../src/network/errors.js';
import { MAX_BLOCKS_PER_REQUEST, MAX_HEADERS_PER_REPLY, MAX_LOCATOR_HASHES } from '../../../src/network/options.js';
import { Framed } from '../../../src/network/reqresp/protocols.js';
import type { PeerStatus } from '../../../src/network/interface.js';
import { Block, BlockHeader } from '../../../src/primitives/block.js';
import { concatBytes, equalBytes, hashToHex } from '../../../src/primitives/bytes.js';
import { EncodingError } from '../../../src/primitives/errors.js';
import { BufferWriter } from '../../../src/primitives/encoding.js';
import { Transaction } from '../../../src/primitives/tx.js';
import { checkAsyncProperty, checkProperty } from '../../helpers/fuzz.js';
import { recordTrial } from '../../helpers/reliability.js';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const hashHex = hash32.map(hashToHex);

/** Any Unicode scalar value, ASCII half the time (fc.string's 'binary' unit would cost seconds to set up). */
const codePoint = fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0x80, max: 0xd7ff }), fc.integer({ min: 0xe000, max: 0x10ffff })).map((c) => String.fromCodePoint(c));
/** Network names of at most 32 UTF-8 bytes (the decoder's limit), a BOM-prefixed one among them. */
const networkName = fc.oneof(
  fc.constantFrom('regtest', 'testnet', '', '\ufeffregtest'),
  fc.string({ unit: codePoint, maxLength: 8 }).filter((s) => new TextEncoder().encode(s).length <= 32),
);

const status: fc.Arbitrary<PeerStatus> = fc.record({
  network: networkName,
  genesis: hashHex,
  tipHash: hashHex,
  height: u32,
  chainWork: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
});

const header: fc.Arbitrary<BlockHeader> = fc
  .record({ version: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), prevHashBytes: hash32, merkleRootBytes: hash32, time: u32, bits: u32, nonce: u32 })
  .map((fields) => new BlockHeader(fields));

const script = fc.uint8Array({ maxLength: 40 });
const transaction: fc.Arbitrary<Transaction> = fc
  .record({
    version: fc.integer({ min: 1, max: 2 }),
    inputs: fc.array(fc.record({ prevout: fc.record({ txid: hash32, vout: u32 }), scriptSig: script, sequence: u32, witness: fc.array(script, { maxLength: 2 }) }), { minLength: 1, maxLength: 3 }),
    outputs: fc.array(fc.record({ value: fc.bigInt({ min: 0n, max: 21n * 10n ** 14n }), scriptPubKey: script }), { maxLength: 3 }),
    locktime: u32,
  })
  .map((fields) => new Transaction(fields));
const block = fc.tuple(header, fc.array(transaction, { minLength: 1, maxLength: 3 })).map(([h, txs]) => new Block(h, txs));

/** A decoder as the p2p layer calls it on one frame, the encoder its values must round-trip through, and its error. */
interface Decoder {
  name: string;
  decode: (bytes: Uint8Array) => unknown;
  encode: (value: never) => Uint8Array;
  valid: fc.Arbitrary<Uint8Array>;
  /** The typed error it must throw, and the code when there is exactly one. */
  error: typeof P2PError | typeof EncodingError;
  code?: string;
}

const hashList = (max: number) => fc.array(hashHex, { maxLength: Math.min(max, 12) }).map(encodeHashes);
const DECODERS: Decoder[] = [
  { name: 'status', decode: decodeStatus, encode: encodeStatus, valid: status.map(encodeStatus), error: P2PError, code: 'malformed-message' },
  { name: 'locator', decode: decodeLocator, encode: encodeHashes, valid: hashList(MAX_LOCATOR_HASHES), error: P2PError, code: 'malformed-message' },
  { name: 'block request', decode: decodeBlockRequest, encode: encodeHashes, valid: hashList(MAX_BLOCKS_PER_REQUEST), error: P2PError, code: 'malformed-message' },
  { name: 'headers', decode: decodeHeaders, encode: encodeHeaders, valid: fc.array(header, { maxLength: 6 }).map(encodeHeaders), error: P2PError, code: 'malformed-message' },
  {
    name: 'blocks reply count', decode: (b) => decodeCount(b, MAX_BLOCKS_PER_REQUEST), encode: encodeCount,
    valid: fc.integer({ min: 0, max: MAX_BLOCKS_PER_REQUEST }).map(encodeCount), error: P2PError, code: 'malformed-message',
  },
  // Block frames of a blocks reply and gossiped blocks and transactions: reqresp/client.ts and gossip/ decode them with fromBytes and turns the EncodingError into malformed-message.
  { name: 'block frame', decode: (b) => Block.fromBytes(b), encode: (b: Block) => b.toBytes(), valid: block.map((b) => b.toBytes()), error: EncodingError },
  { name: 'transaction frame', decode: (b) => Transaction.fromBytes(b), encode: (t: Transaction) => t.toBytes(), valid: transaction.map((t) => t.toBytes()), error: EncodingError },
];

/** Either the decoder's typed error, or a value that encodes back to the same bytes. Anything else fails the property. */
function decodesCanonicallyOrFails(d: Decoder, bytes: Uint8Array): 'value' | 'error' {
  let value: unknown;
  try {
    value = d.decode(bytes);
  } catch (err) {
    if (!(err instanceof d.error)) throw new Error(`${d.name}: threw ${(err as Error)?.name ?? typeof err} instead of ${d.error.name}: ${String(err)}`);
    if (d.code !== undefined) expect((err as P2PError).code, d.name).toBe(d.code);
    return 'error';
  }
  const again = d.encode(value as never);
  if (!equalBytes(again, bytes)) throw new Error(`${d.name}: decoded a value that encodes to other bytes (not canonical)`);
  return 'value';
}

interface Mutation {
  kind: 'set' | 'cut' | 'extend' | 'insert' | 'delete' | 'prefix';
  at: number;
  byte: number;
  extra: Uint8Array;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('set' as const, 'cut' as const, 'extend' as const, 'insert' as const, 'delete' as const, 'prefix' as const),
  at: fc.nat(),
  byte: fc.oneof(fc.integer({ min: 0, max: 0xff }), fc.constantFrom(0x00, 0xfc, 0xfd, 0xfe, 0xff, 0x80)),
  extra: fc.uint8Array({ minLength: 1, maxLength: 40 }),
});

function mutate(valid: Uint8Array, m: Mutation): Uint8Array {
  const i = valid.length === 0 ? 0 : m.at % valid.length;
  switch (m.kind) {
    case 'set': {
      const out = valid.slice();
      if (out.length > 0) out[i] = m.byte;
      return out;
    }
    case 'cut': return valid.subarray(0, i);
    case 'extend': return concatBytes(valid, m.extra);
    case 'insert': return concatBytes(valid.subarray(0, i), Uint8Array.of(m.byte), valid.subarray(i));
    case 'delete': return concatBytes(valid.subarray(0, i), valid.subarray(i + 1));
    default: return concatBytes(Uint8Array.of(m.byte), m.extra, valid);
  }
}

/** A CompactSize (the 9-byte form for a bigint). */
function compactSize(n: number | bigint): Uint8Array {
  const w = new BufferWriter();
  if (typeof n === 'bigint') w.u8(0xff).u64(n);
  else w.varint(n);
  return w.finish();
}

/** Counts over a decoder's limit: 2^32 - 1, 2^32, 2^64 - 1, Bitcoin's MAX_SIZE, and one past the limit. */
function hugeCounts(max: number): Uint8Array[] {
  return [compactSize(0xffffffff), compactSize(2n ** 32n), compactSize(2n ** 64n - 1n), compactSize(0x02000000), compactSize(max + 1)];
}

describe('p2p message decoders under fuzzing', () => {
  it('valid messages round-trip to equal values and identical bytes', () => {
    let runs = 0;
    runs += checkProperty(fc.property(status, (s) => {
      const bytes = encodeStatus(s);
      expect(decodeStatus(bytes)).toEqual(s);
      expect(equalBytes(encodeStatus(decodeStatus(bytes)), bytes)).toBe(true);
    }), { seed: 71, numRuns: 300 });
    runs += checkProperty(fc.property(fc.array(hashHex, { maxLength: MAX_LOCATOR_HASHES }), (hashes) => {
      expect(decodeLocator(encodeHashes(hashes))).toEqual(hashes);
      if (hashes.length <= MAX_BLOCKS_PER_REQUEST) expect(decodeBlockRequest(encodeHashes(hashes))).toEqual(hashes);
    }), { seed: 72, numRuns: 100 });
    runs += checkProperty(fc.property(fc.array(header, { maxLength: 30 }), (headers) => {
      const bytes = encodeHeaders(headers);
      expect(decodeHeaders(bytes).map((h) => h.hash)).toEqual(headers.map((h) => h.hash));
      expect(equalBytes(encodeHeaders(decodeHeaders(bytes)), bytes)).toBe(true);
    }), { seed: 73, numRuns: 100 });
    runs += checkProperty(fc.property(fc.integer({ min: 0, max: MAX_BLOCKS_PER_REQUEST }), (n) => {
      expect(decodeCount(encodeCount(n), MAX_BLOCKS_PER_REQUEST)).toBe(n);
    }), { seed: 74, numRuns: 100 });
    recordTrial({ area: 'Fuzzing', attack: 'p2p messages (status, locator, block request, headers, count): valid encodings round-trip', times: runs, outcome: 'equal values, identical bytes' });
  });

  it('random bytes: a malformed-message (or EncodingError) or a canonical value, from every decoder', () => {
    const outcomes = { value: 0, error: 0 };
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      // Plausible prefixes (counts, lengths) followed by noise, so decoders get past their first byte.
      fc.tuple(fc.constantFrom(0, 1, 2, 7, 0xfc, 0xfd, 0xfe, 0xff), fc.uint8Array({ maxLength: 300 })).map(([p, rest]) => concatBytes(Uint8Array.of(p), rest)),
    );
    let runs = 0;
    for (const [i, d] of DECODERS.entries()) {
      runs += checkProperty(fc.property(bytes, (b) => {
        outcomes[decodesCanonicallyOrFails(d, b)]++;
      }), { seed: 100 + i, numRuns: 600 });
    }
    // Random bytes rarely decode; the valid cases come from the round-trip and mutation tests.
    expect(outcomes.error).toBeGreaterThan(runs / 2);
    recordTrial({ area: 'Fuzzing', attack: 'p2p decoders (5 message types, block and tx frames) on random bytes', times: runs, outcome: 'typed error or canonical value; no other exception' });
  });

  it('mutated valid encodings: a typed error or a canonical value, from every decoder', () => {
    const outcomes = { value: 0, error: 0 };
    let runs = 0;
    for (const [i, d] of DECODERS.entries()) {
      runs += checkProperty(fc.property(d.valid, mutation, (valid, m) => {
        outcomes[decodesCanonicallyOrFails(d, mutate(valid, m))]++;
      }), { seed: 200 + i, numRuns: 500 });
    }
    // Both outcomes occur: mutations inside hashes or values still decode (and must re-encode identically).
    expect(outcomes.value).toBeGreaterThan(runs / 20);
    expect(outcomes.error).toBeGreaterThan(runs / 4);
    recordTrial({ area: 'Fuzzing', attack: 'p2p decoders (5 message types, block and tx frames) on mutated valid encodings', times: runs, outcome: 'typed error or canonical value; no other exception' });
  });

  it('a byte-order mark in the network name is kept, so status encodings stay canonical', () => {
    const s: PeerStatus = { network: '\ufeffregtest', genesis: '00'.repeat(32), tipHash: '11'.repeat(32), height: 5, chainWork: 7n };
    const decoded = decodeStatus(encodeStatus(s));
    expect(decoded.network).toBe('\ufeffregtest');
    expect(decoded.network).not.toBe('regtest');
  });

  it('counts of up to 2^64 fail at once with malformed-message, before anything is read or allocated', () => {
    const lists: [string, (b: Uint8Array) => unknown, number][] = [
      ['locator', decodeLocator, MAX_LOCATOR_HASHES],
      ['block request', decodeBlockRequest, MAX_BLOCKS_PER_REQUEST],
      ['headers', decodeHeaders, MAX_HEADERS_PER_REPLY],
    ];
    const crafted: [string, (b: Uint8Array) => unknown, Uint8Array][] = [];
    const tails = [new Uint8Array(0), new Uint8Array(31), new Uint8Array(79), new Uint8Array(1000)];
    for (const [name, decode, max] of lists) {
      // Over the limit, or at the limit with fewer bytes than the items need: refused for the bytes missing, not after reading them.
      for (const prefix of [...hugeCounts(max), compactSize(max)]) for (const tail of tails) crafted.push([name, decode, concatBytes(prefix, tail)]);
    }
    for (const prefix of hugeCounts(MAX_BLOCKS_PER_REQUEST)) crafted.push(['count', (b) => decodeCount(b, MAX_BLOCKS_PER_REQUEST), prefix]);
    for (const [name, decode, bytes] of crafted) {
      const started = performance.now();
      expect(() => decode(bytes), name).toThrow(expect.objectContaining({ name: 'P2PError', code: 'malformed-message' }));
      // A decoder that allocated or looped over the claimed count would take seconds (or throw RangeError) here.
      expect(performance.now() - started, name).toBeLessThan(100);
    }
    // Transactions and blocks claiming 2^32 - 1 inputs, outputs, witness items, script bytes or transactions.
    const huge = compactSize(0xffffffff);
    const version = Uint8Array.of(1, 0, 0, 0);
    const input = new Uint8Array(41);
    const txs = [
      concatBytes(version, huge),
      concatBytes(version, Uint8Array.of(0, 1), huge),
      concatBytes(version, Uint8Array.of(1), input, huge),
      concatBytes(version, Uint8Array.of(0, 1, 1), input, Uint8Array.of(0), huge),
      concatBytes(version, Uint8Array.of(1), new Uint8Array(36), huge),
    ];
    const cases: [string, () => unknown][] = [...txs.map((b): [string, () => unknown] => ['transaction', () => Transaction.fromBytes(b)]), ['block', () => Block.fromBytes(concatBytes(new Uint8Array(80), huge))]];
    for (const [name, decode] of cases) {
      const started = performance.now();
      expect(decode, name).toThrow(EncodingError);
      expect(performance.now() - started, name).toBeLessThan(100);
    }
    const tries = crafted.length + cases.length;
    recordTrial({ area: 'Fuzzing', attack: 'p2p messages, blocks and transactions claiming up to 2^64 items', times: tries, outcome: 'refused in under 100 ms each (malformed-message / EncodingError), before any item is read' });
  });
});

/** Writes `bytes` into one end of an in-memory stream (closing it unless `keepOpen`) and reads one frame at the other. */
async function readFrame(bytes: Uint8Array, maxSize: number, keepOpen = false): Promise<{ frame?: Uint8Array; error?: unknown; ms: number }> {
  const [outbound, inbound] = await streamPair({ delay: 0 });
  const framed = new Framed(inbound, maxSize);
  const started = performance.now();
  if (bytes.length > 0) outbound.send(bytes);
  if (!keepOpen) await outbound.close();
  try {
    const frame = await framed.read(AbortSignal.timeout(2_000));
    return { frame, ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  } finally {
    outbound.abort(new Error('done'));
    inbound.abort(new Error('done'));
  }
}

/** An unsigned LEB128 varint, the frame length prefix. */
function uvarint(n: bigint): Uint8Array {
  const out: number[] = [];
  do {
    let b = Number(n & 0x7fn);
    n >>= 7n;
    if (n > 0n) b |= 0x80;
    out.push(b);
  } while (n > 0n);
  return Uint8Array.from(out);
}

describe('the length-prefixed frame reader under fuzzing', () => {
  const MAX = 512;

  it('random byte streams give a frame from the front of the stream or a P2PError, never another exception', async () => {
    const codes = new Map<string, number>();
    const stream = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      // A plausible length prefix, then fewer, as many or more bytes than it announces.
      fc.tuple(fc.integer({ min: 0, max: 2 * MAX }), fc.uint8Array({ maxLength: 2 * MAX })).map(([n, body]) => concatBytes(uvarint(BigInt(n)), body)),
      // A length prefix that never ends.
      fc.tuple(fc.integer({ min: 1, max: 40 }), fc.uint8Array({ maxLength: 8 })).map(([n, rest]) => concatBytes(new Uint8Array(n).fill(0x80), rest)),
    );
    const runs = await checkAsyncProperty(fc.asyncProperty(stream, async (bytes) => {
      const { frame, error } = await readFrame(bytes, MAX);
      if (frame) {
        expect(frame.length).toBeLessThanOrEqual(MAX);
        const prefix = uvarint(BigInt(frame.length));
        expect(equalBytes(concatBytes(prefix, frame), bytes.subarray(0, prefix.length + frame.length))).toBe(true);
        codes.set('frame', (codes.get('frame') ?? 0) + 1);
        return;
      }
      if (!(error instanceof P2PError)) throw new Error(`the frame reader threw ${(error as Error)?.name}: ${String(error)}`);
      expect(['malformed-message', 'oversized-message', 'peer-unavailable']).toContain(error.code);
      codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
    }), { seed: 300, numRuns: 250 });
    // The three outcomes all occur: whole frames, lengths over the limit, streams that end mid-frame.
    for (const outcome of ['frame', 'oversized-message', 'peer-unavailable']) expect(codes.get(outcome) ?? 0, outcome).toBeGreaterThan(10);
    recordTrial({ area: 'Fuzzing', attack: 'p2p frame reader on random byte streams', times: runs, outcome: 'a frame or P2PError (oversized, truncated); no other exception' });
  });

  it('a length prefix of up to 2^63 fails at once with oversized-message, without waiting for the bytes', async () => {
    let tries = 0;
    for (const n of [BigInt(MAX + 1), 2n ** 32n, 2n ** 32n - 1n, 2n ** 53n, 2n ** 63n]) {
      // The stream stays open: a reader that waited for the announced bytes would run into the 2 s timeout instead.
      const { error, ms } = await readFrame(uvarint(n), MAX, true);
      expect(error, String(n)).toBeInstanceOf(P2PError);
      expect((error as P2PError).code, String(n)).toBe('oversized-message');
      expect(ms, String(n)).toBeLessThan(1_000);
      tries++;
    }
    // Ten continuation bytes: a length that is not even a number.
    const { error } = await readFrame(new Uint8Array(10).fill(0xff), MAX, true);
    expect((error as P2PError).code).toBe('oversized-message');
    recordTrial({ area: 'Fuzzing', attack: 'p2p frame length prefix claiming up to 2^63 bytes', times: tries + 1, outcome: 'oversized-message at once, without waiting for the announced bytes' });
  });
});
