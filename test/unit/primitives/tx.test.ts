/**
 * Transaction codec on real data (the BIP341 wallet vectors: a 9-input
 * transaction spending taproot, P2PKH and P2WPKH outputs) cross-checked with
 * `@scure/btc-signer`, plus hand-written malformed encodings.
 */
import { readFileSync } from 'node:fs';
import { Transaction as ScureTransaction } from '@scure/btc-signer';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { concatBytes, equalBytes, fromHex, hashToHex, reverse, toHex } from '../../../src/primitives/bytes.js';
import { EncodingError } from '../../../src/primitives/errors.js';
import { BufferReader, BufferWriter } from '../../../src/primitives/encoding.js';
import {
  NULL_TXID,
  NULL_VOUT,
  Transaction,
  isNullOutpoint,
  outpointKey,
  witnessSize,
  type TxInput,
} from '../../../src/primitives/tx.js';
import { Block, BlockHeader } from '../../../src/primitives/block.js';
import { vectorPath } from '../../helpers/vectors.js';
import { thrownCode } from '../../helpers/errors.js';

interface Bip341Vectors {
  keyPathSpending: {
    given: { rawUnsignedTx: string; utxosSpent: { scriptPubKey: string; amountSats: number }[] };
    inputSpending: { given: { txinIndex: number }; expected: { witness: string[] } }[];
    auxiliary: { fullySignedTx: string };
  }[];
}

const vectors = JSON.parse(readFileSync(vectorPath('bip341-wallet-test-vectors.json'), 'utf8')) as Bip341Vectors;
const keyPath = vectors.keyPathSpending[0]!;
const UNSIGNED_HEX = keyPath.given.rawUnsignedTx;
const SIGNED_HEX = keyPath.auxiliary.fullySignedTx;

const SCURE_OPTS = { allowUnknownOutputs: true, allowUnknownInputs: true, disableScriptCheck: true } as const;

function sha256d(data: Uint8Array): Uint8Array {
  return nobleSha256(nobleSha256(data));
}

/** What @scure/btc-signer makes of `bytes`: txid, wtxid, full and stripped encodings. */
function scureView(bytes: Uint8Array): { txid: string; wtxid: string; full: Uint8Array; stripped: Uint8Array; tx: ScureTransaction } {
  const tx = ScureTransaction.fromRaw(bytes, SCURE_OPTS);
  const full = tx.toBytes(true, true);
  return { txid: tx.id, wtxid: hashToHex(sha256d(full)), full, stripped: tx.toBytes(true, false), tx };
}

const encodingErrorCode = (fn: () => unknown): string => thrownCode(fn, EncodingError);

describe('BIP341 unsigned transaction (legacy encoding)', () => {
  const bytes = fromHex(UNSIGNED_HEX);
  const tx = Transaction.fromBytes(bytes);

  it('decodes its fields', () => {
    expect(tx.version).toBe(2);
    expect(tx.inputs).toHaveLength(9);
    expect(tx.outputs).toHaveLength(2);
    expect(tx.locktime).toBe(0x1dcd6500);
    expect(tx.outputs[0]!.value).toBe(1_000_000_000n);
    expect(tx.outputs[1]!.value).toBe(3_410_000_000n);
    expect(tx.hasWitness).toBe(false);
    expect(tx.isCoinbase()).toBe(false);
    expect(tx.inputs.every((i) => i.witness.length === 0 && i.scriptSig.length === 0)).toBe(true);
  });

  it('re-encodes byte for byte', () => {
    expect(equalBytes(tx.toBytes(), bytes)).toBe(true);
    expect(equalBytes(tx.toBytes(false), bytes)).toBe(true);
    expect(tx.toHex()).toBe(UNSIGNED_HEX);
    expect(Transaction.fromHex(UNSIGNED_HEX).toHex()).toBe(UNSIGNED_HEX);
  });

  it('has the txid @scure/btc-signer computes, and wtxid = txid without witnesses', () => {
    const scure = scureView(bytes);
    expect(tx.txid).toBe(scure.txid);
    expect(tx.txid).toBe(hashToHex(sha256d(bytes)));
    expect(tx.wtxid).toBe(tx.txid);
    expect(equalBytes(tx.wtxidBytes, tx.txidBytes)).toBe(true);
  });

  it('has weight 4 x size and vsize = size', () => {
    expect(tx.baseSize).toBe(bytes.length);
    expect(tx.totalSize).toBe(bytes.length);
    expect(tx.weight).toBe(4 * bytes.length);
    expect(tx.vsize).toBe(bytes.length);
  });
});

describe('BIP341 transaction with the expected taproot witnesses attached', () => {
  const unsigned = Transaction.fromHex(UNSIGNED_HEX);
  const witnesses = new Map<number, Uint8Array[]>(
    keyPath.inputSpending.map((s) => [s.given.txinIndex, s.expected.witness.map(fromHex)]),
  );
  const signed = new Transaction({
    version: unsigned.version,
    inputs: unsigned.inputs.map((input, i): TxInput => ({ ...input, witness: witnesses.get(i) ?? [] })),
    outputs: unsigned.outputs,
    locktime: unsigned.locktime,
  });

  it('uses the segwit encoding and keeps the txid of the unsigned transaction', () => {
    expect(witnesses.size).toBe(7);
    expect(signed.hasWitness).toBe(true);
    const bytes = signed.toBytes();
    expect(bytes[4]).toBe(0x00);
    expect(bytes[5]).toBe(0x01);
    expect(signed.txid).toBe(unsigned.txid);
    expect(signed.wtxid).not.toBe(signed.txid);
    expect(equalBytes(signed.toBytes(false), fromHex(UNSIGNED_HEX))).toBe(true);
  });

  it('round-trips and matches @scure/btc-signer', () => {
    const bytes = signed.toBytes();
    const decoded = Transaction.fromBytes(bytes);
    expect(equalBytes(decoded.toBytes(), bytes)).toBe(true);
    expect(decoded.txid).toBe(signed.txid);
    expect(decoded.wtxid).toBe(signed.wtxid);
    const scure = scureView(bytes);
    expect(equalBytes(scure.full, bytes)).toBe(true);
    expect(signed.txid).toBe(scure.txid);
    expect(signed.wtxid).toBe(scure.wtxid);
  });

  it('has BIP141 weight and vsize', () => {
    const base = signed.toBytes(false).length;
    const total = signed.toBytes().length;
    // Each one-item stack adds 1 (count) + 1 (length) + the signature (64 bytes, 65 with a non-default
    // hash type); plus marker and flag, plus one empty-stack byte for each of the two inputs without one.
    const sigBytes = [...witnesses.values()].reduce((n, stack) => n + 2 + stack[0]!.length, 0);
    expect(total - base).toBe(2 + sigBytes + 2);
    expect(signed.weight).toBe(3 * base + total);
    expect(signed.vsize).toBe(Math.ceil((3 * base + total) / 4));
    // The stripped encoding is rebuilt on demand (only its size is kept) and stays the same bytes.
    expect(signed.baseSize).toBe(base);
    expect(equalBytes(signed.toBytes(false), signed.toBytes(false))).toBe(true);
    const legacy = Transaction.fromBytes(signed.toBytes(false));
    expect(legacy.toBytes(false)).toBe(legacy.toBytes(true));
    expect(legacy.baseSize).toBe(base);
    expect(legacy.txid).toBe(signed.txid);
  });
});

describe('BIP341 fully signed transaction (taproot, P2PKH and P2WPKH inputs)', () => {
  const bytes = fromHex(SIGNED_HEX);
  const tx = Transaction.fromBytes(bytes);
  const scure = scureView(bytes);

  it('re-encodes byte for byte', () => {
    expect(tx.toHex()).toBe(SIGNED_HEX);
    expect(equalBytes(tx.toBytes(), scure.full)).toBe(true);
    expect(equalBytes(tx.toBytes(false), scure.stripped)).toBe(true);
  });

  it('has the witnesses and scriptSig of the vectors', () => {
    for (const spending of keyPath.inputSpending) {
      expect(tx.inputs[spending.given.txinIndex]!.witness.map(toHex)).toEqual(spending.expected.witness);
    }
    // Input 2 spends P2PKH (scriptSig, no witness); input 5 spends P2WPKH (signature and key).
    expect(tx.inputs[2]!.scriptSig.length).toBeGreaterThan(0);
    expect(tx.inputs[2]!.witness).toHaveLength(0);
    expect(tx.inputs[5]!.witness).toHaveLength(2);
  });

  it('has the txid, wtxid, weight and vsize @scure/btc-signer computes', () => {
    expect(tx.txid).toBe(scure.txid);
    expect(tx.wtxid).toBe(scure.wtxid);
    expect(tx.wtxid).toBe(hashToHex(sha256d(bytes)));
    expect(tx.txid).not.toBe(tx.wtxid);
    expect(tx.weight).toBe(scure.tx.weight);
    expect(tx.vsize).toBe(scure.tx.vsize);
    expect(tx.totalSize).toBe(bytes.length);
    expect(tx.baseSize).toBe(scure.stripped.length);
  });

  it('witnessSize sums each stack encoding', () => {
    let sum = 0;
    for (const input of tx.inputs) sum += witnessSize(input.witness);
    // marker + flag + all witness stacks = total - base
    expect(2 + sum).toBe(tx.totalSize - tx.baseSize);
    expect(witnessSize([])).toBe(1);
    expect(witnessSize([new Uint8Array(64)])).toBe(1 + 1 + 64);
    expect(witnessSize([new Uint8Array(300)])).toBe(1 + 3 + 300);
  });
});

/** Hand-built encodings. */
const VERSION = Uint8Array.of(1, 0, 0, 0);
const LOCKTIME = Uint8Array.of(0, 0, 0, 0);
const INPUT = concatBytes(new Uint8Array(32).fill(7), Uint8Array.of(1, 0, 0, 0), Uint8Array.of(0), Uint8Array.of(0xff, 0xff, 0xff, 0xff));
const OUTPUT = concatBytes(Uint8Array.of(0xe8, 0x03, 0, 0, 0, 0, 0, 0), Uint8Array.of(1, 0x6a));

describe('malformed and edge-case transactions', () => {
  it('decodes a minimal legacy transaction', () => {
    const bytes = concatBytes(VERSION, Uint8Array.of(1), INPUT, Uint8Array.of(1), OUTPUT, LOCKTIME);
    const tx = Transaction.fromBytes(bytes);
    expect(tx.inputs).toHaveLength(1);
    expect(tx.outputs[0]!.value).toBe(1000n);
    expect(equalBytes(tx.toBytes(), bytes)).toBe(true);
  });

  it('rejects a segwit marker with only empty witnesses (superfluous-witness)', () => {
    const bytes = concatBytes(VERSION, Uint8Array.of(0, 1, 1), INPUT, Uint8Array.of(1), OUTPUT, Uint8Array.of(0), LOCKTIME);
    expect(encodingErrorCode(() => Transaction.fromBytes(bytes))).toBe('superfluous-witness');
  });

  it('accepts the segwit marker when a witness is present', () => {
    const bytes = concatBytes(VERSION, Uint8Array.of(0, 1, 1), INPUT, Uint8Array.of(1), OUTPUT, Uint8Array.of(1, 1, 0xaa), LOCKTIME);
    const tx = Transaction.fromBytes(bytes);
    expect(tx.inputs[0]!.witness.map(toHex)).toEqual(['aa']);
    expect(equalBytes(tx.toBytes(), bytes)).toBe(true);
  });

  it('rejects unknown flags (unknown-tx-flags)', () => {
    for (const flag of [0x02, 0x80, 0xfe]) {
      const bytes = concatBytes(VERSION, Uint8Array.of(0, flag, 1), INPUT, Uint8Array.of(1), OUTPUT, LOCKTIME);
      expect(encodingErrorCode(() => Transaction.fromBytes(bytes))).toBe('unknown-tx-flags');
    }
    // Flag 0x03: the witness bit is handled first (as in Core), the other bit is still unknown.
    const bytes = concatBytes(VERSION, Uint8Array.of(0, 3, 1), INPUT, Uint8Array.of(1), OUTPUT, Uint8Array.of(1, 1, 0xaa), LOCKTIME);
    expect(encodingErrorCode(() => Transaction.fromBytes(bytes))).toBe('unknown-tx-flags');
    // With the witness bit set but only empty stacks, Core reports the superfluous witness first.
    const empty = concatBytes(VERSION, Uint8Array.of(0, 0xff, 1), INPUT, Uint8Array.of(1), OUTPUT, Uint8Array.of(0), LOCKTIME);
    expect(encodingErrorCode(() => Transaction.fromBytes(empty))).toBe('superfluous-witness');
  });

  it('rejects a non-canonical CompactSize (non-canonical-compactsize)', () => {
    const inputCount = concatBytes(VERSION, Uint8Array.of(0xfd, 1, 0), INPUT, Uint8Array.of(1), OUTPUT, LOCKTIME);
    expect(encodingErrorCode(() => Transaction.fromBytes(inputCount))).toBe('non-canonical-compactsize');
    const scriptLen = concatBytes(
      VERSION,
      Uint8Array.of(1),
      new Uint8Array(36),
      Uint8Array.of(0xfe, 0, 0, 0, 0),
      Uint8Array.of(0xff, 0xff, 0xff, 0xff),
      Uint8Array.of(0),
      LOCKTIME,
    );
    expect(encodingErrorCode(() => Transaction.fromBytes(scriptLen))).toBe('non-canonical-compactsize');
  });

  it('refuses a huge input count on few bytes without allocating it (read-out-of-bounds)', () => {
    // 0x01ffffff inputs, within MAX_COMPACT_SIZE, but only a handful of bytes follow.
    const bytes = concatBytes(VERSION, Uint8Array.of(0xfe, 0xff, 0xff, 0xff, 0x01), INPUT, LOCKTIME);
    expect(encodingErrorCode(() => Transaction.fromBytes(bytes))).toBe('read-out-of-bounds');
    const outputs = concatBytes(VERSION, Uint8Array.of(1), INPUT, Uint8Array.of(0xfe, 0, 0, 0, 0x02), LOCKTIME);
    expect(encodingErrorCode(() => Transaction.fromBytes(outputs))).toBe('read-out-of-bounds');
    const witness = concatBytes(VERSION, Uint8Array.of(0, 1, 1), INPUT, Uint8Array.of(1), OUTPUT, Uint8Array.of(0xfe, 0, 0, 0, 1), LOCKTIME);
    expect(encodingErrorCode(() => Transaction.fromBytes(witness))).toBe('read-out-of-bounds');
  });

  it('refuses a count above MAX_COMPACT_SIZE (compactsize-too-large)', () => {
    const bytes = concatBytes(VERSION, Uint8Array.of(0xfe, 1, 0, 0, 0x02), INPUT, LOCKTIME);
    expect(encodingErrorCode(() => Transaction.fromBytes(bytes))).toBe('compactsize-too-large');
    const u64 = concatBytes(VERSION, Uint8Array.of(0xff, 0, 0, 0, 0, 1, 0, 0, 0), INPUT, LOCKTIME);
    expect(encodingErrorCode(() => Transaction.fromBytes(u64))).toBe('compactsize-too-large');
  });

  it('rejects truncated input anywhere and trailing bytes', () => {
    const bytes = fromHex(SIGNED_HEX);
    for (let len = 0; len < bytes.length; len += 7) {
      expect(encodingErrorCode(() => Transaction.fromBytes(bytes.subarray(0, len)))).toBe('read-out-of-bounds');
    }
    expect(encodingErrorCode(() => Transaction.fromBytes(bytes.subarray(0, bytes.length - 1)))).toBe('read-out-of-bounds');
    expect(encodingErrorCode(() => Transaction.fromBytes(concatBytes(bytes, Uint8Array.of(0))))).toBe('trailing-bytes');
  });

  it('decodes a negative output value (checks reject it later) and re-encodes it', () => {
    const negative = concatBytes(new Uint8Array(8).fill(0xff), Uint8Array.of(1, 0x6a));
    const bytes = concatBytes(VERSION, Uint8Array.of(1), INPUT, Uint8Array.of(1), negative, LOCKTIME);
    const tx = Transaction.fromBytes(bytes);
    expect(tx.outputs[0]!.value).toBe(-1n);
    expect(equalBytes(tx.toBytes(), bytes)).toBe(true);
    const min = concatBytes(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0x80), Uint8Array.of(0));
    const tx2 = Transaction.fromBytes(concatBytes(VERSION, Uint8Array.of(1), INPUT, Uint8Array.of(1), min, LOCKTIME));
    expect(tx2.outputs[0]!.value).toBe(-(1n << 63n));
  });

  it('decodes a transaction with no inputs and no outputs as Core does (flag byte 0)', () => {
    const bytes = concatBytes(VERSION, Uint8Array.of(0, 0), LOCKTIME);
    const tx = Transaction.fromBytes(bytes);
    expect(tx.inputs).toHaveLength(0);
    expect(tx.outputs).toHaveLength(0);
    expect(equalBytes(tx.toBytes(), bytes)).toBe(true);
  });

  it('decode() reads one transaction and leaves the reader after it', () => {
    const bytes = fromHex(SIGNED_HEX);
    const reader = new BufferReader(concatBytes(bytes, Uint8Array.of(0xab)));
    const tx = Transaction.decode(reader);
    expect(tx.toHex()).toBe(SIGNED_HEX);
    expect(reader.remaining).toBe(1);
    const w = new BufferWriter();
    tx.encode(w, false);
    expect(equalBytes(w.finish(), tx.toBytes(false))).toBe(true);
  });
});

describe('coinbase and outpoints', () => {
  const coinbaseInput: TxInput = {
    prevout: { txid: NULL_TXID, vout: NULL_VOUT },
    scriptSig: Uint8Array.of(1, 1),
    sequence: 0xffffffff,
    witness: [],
  };
  const output = { value: 50n, scriptPubKey: Uint8Array.of(0x6a) };

  it('isCoinbase: exactly one input spending the null outpoint', () => {
    expect(new Transaction({ version: 1, inputs: [coinbaseInput], outputs: [output], locktime: 0 }).isCoinbase()).toBe(true);
    const other: TxInput = { ...coinbaseInput, prevout: { txid: new Uint8Array(32).fill(1), vout: 0 } };
    expect(new Transaction({ version: 1, inputs: [coinbaseInput, other], outputs: [output], locktime: 0 }).isCoinbase()).toBe(false);
    expect(new Transaction({ version: 1, inputs: [other], outputs: [output], locktime: 0 }).isCoinbase()).toBe(false);
    const zeroTxidVout0: TxInput = { ...coinbaseInput, prevout: { txid: new Uint8Array(32), vout: 0 } };
    expect(new Transaction({ version: 1, inputs: [zeroTxidVout0], outputs: [output], locktime: 0 }).isCoinbase()).toBe(false);
    const nonZeroTxid = new Uint8Array(32);
    nonZeroTxid[31] = 1;
    const almostNull: TxInput = { ...coinbaseInput, prevout: { txid: nonZeroTxid, vout: NULL_VOUT } };
    expect(new Transaction({ version: 1, inputs: [almostNull], outputs: [output], locktime: 0 }).isCoinbase()).toBe(false);
    expect(new Transaction({ version: 1, inputs: [], outputs: [], locktime: 0 }).isCoinbase()).toBe(false);
  });

  it('isNullOutpoint and outpointKey', () => {
    expect(isNullOutpoint({ txid: NULL_TXID, vout: NULL_VOUT })).toBe(true);
    expect(isNullOutpoint({ txid: NULL_TXID, vout: 0 })).toBe(false);
    const txid = reverse(fromHex('f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16'));
    expect(outpointKey({ txid, vout: 1 })).toBe(`${toHex(txid)}:1`);
    expect(outpointKey({ txid, vout: 1 })).not.toBe(outpointKey({ txid, vout: 0 }));
  });
});

describe('decoding keeps one copy per transaction', () => {
  it("fromBytes points every field into one private copy of the transaction's bytes, its canonical encoding", () => {
    const input = fromHex(SIGNED_HEX);
    const tx = Transaction.fromBytes(input);
    const own = tx.toBytes();
    expect(toHex(own)).toBe(SIGNED_HEX);
    expect(own.buffer).not.toBe(input.buffer);
    expect(own.byteLength).toBe(own.buffer.byteLength);
    const fields = [
      ...tx.inputs.flatMap((i) => [i.prevout.txid, i.scriptSig, ...i.witness]),
      ...tx.outputs.map((o) => o.scriptPubKey),
    ];
    for (const field of fields) expect(field.buffer).toBe(own.buffer);
    // The decoded fields do not move when the input is reused.
    const before = toHex(tx.outputs[0]!.scriptPubKey);
    input.fill(0);
    expect(toHex(tx.outputs[0]!.scriptPubKey)).toBe(before);
    expect(toHex(tx.toBytes())).toBe(SIGNED_HEX);
  });

  it('copies out of a Buffer too, whose own slice would be a view', () => {
    const input = Buffer.from(SIGNED_HEX, 'hex');
    const tx = Transaction.fromBytes(input);
    expect(tx.toBytes().buffer).not.toBe(input.buffer);
    expect(tx.toBytes().buffer.byteLength).toBe(input.length);
    input.fill(0);
    expect(toHex(tx.toBytes())).toBe(SIGNED_HEX);
  });

  it('a legacy transaction keeps one copy too, which also serves the txid encoding', () => {
    const tx = Transaction.fromBytes(fromHex(UNSIGNED_HEX));
    expect(tx.hasWitness).toBe(false);
    expect(tx.toBytes(false)).toBe(tx.toBytes(true));
    expect(toHex(tx.toBytes(false))).toBe(UNSIGNED_HEX);
    expect(tx.inputs[0]!.prevout.txid.buffer).toBe(tx.toBytes().buffer);
  });

  it('transactions decoded from one reader with views do not share bytes', () => {
    const a = fromHex(SIGNED_HEX);
    const b = fromHex(UNSIGNED_HEX);
    const r = new BufferReader(concatBytes(a, b), 0, { views: true });
    const first = Transaction.decode(r);
    const second = Transaction.decode(r);
    expect(r.remaining).toBe(0);
    expect(first.outputs[0]!.scriptPubKey.buffer).not.toBe(second.outputs[0]!.scriptPubKey.buffer);
    expect(first.toBytes().byteLength).toBe(a.length);
    expect(first.toBytes().buffer.byteLength).toBe(a.length);
    expect(toHex(second.toBytes())).toBe(UNSIGNED_HEX);
  });

  it('a reader without views still copies each field, and the tx encodes the same bytes', () => {
    const input = fromHex(SIGNED_HEX);
    const tx = Transaction.decode(new BufferReader(input));
    expect(tx.outputs[0]!.scriptPubKey.buffer).not.toBe(input.buffer);
    expect(tx.outputs[0]!.scriptPubKey.buffer).not.toBe(tx.outputs[1]?.scriptPubKey.buffer ?? null);
    expect(toHex(tx.toBytes())).toBe(SIGNED_HEX);
  });
});

describe('a segwit block', () => {
  it('sums its size and stripped size from its transactions, equal to its two encodings, and decodes back', () => {
    const txs = [Transaction.fromHex(SIGNED_HEX), Transaction.fromHex(UNSIGNED_HEX)];
    const header = new BlockHeader({ version: 1, prevHashBytes: new Uint8Array(32), merkleRootBytes: new Uint8Array(32).fill(7), time: 1, bits: 0x207fffff, nonce: 0 });
    const block = new Block(header, txs);
    const full = block.toBytes();
    const stripped = block.toBytes(false);
    expect(stripped.length).toBeLessThan(full.length);
    expect(block.size).toBe(full.length);
    expect(block.strippedSize).toBe(stripped.length);
    expect(block.weight).toBe(stripped.length * 3 + full.length);
    const again = Block.fromBytes(full);
    expect(toHex(again.toBytes())).toBe(toHex(full));
    expect(toHex(again.toBytes(false))).toBe(toHex(stripped));
    expect(again.size).toBe(full.length);
    expect(again.transactions.map((t) => t.wtxid)).toEqual(txs.map((t) => t.wtxid));
  });
});
