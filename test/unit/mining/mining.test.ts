import { beforeAll, describe, expect, it } from 'vitest';
import { checkBlockHeader, checkBlockSanity, checkWitnessCommitment } from '../../../src/consensus/block-checks.js';
import { MAX_COINBASE_SCRIPT, MIN_COINBASE_SCRIPT } from '../../../src/consensus/constants.js';
import { regtest } from '../../../src/consensus/params.js';
import { bitsToTarget } from '../../../src/consensus/pow.js';
import { checkTransactionSanity } from '../../../src/consensus/tx-checks.js';
import { assembleBlock, solveBlock } from '../../../src/mining/assemble.js';
import { createCoinbase, withWitnessCommitment, WITNESS_RESERVED_VALUE } from '../../../src/mining/coinbase.js';
import { mine } from '../../../src/mining/mine.js';
import { BlockHeader } from '../../../src/primitives/block.js';
import { hashToBigInt, startsWith } from '../../../src/primitives/bytes.js';
import { computeMerkleRoot } from '../../../src/primitives/merkle.js';
import { encodeHeightPush, pushData } from '../../../src/primitives/script.js';
import type { Transaction } from '../../../src/primitives/tx.js';
import { findWitnessCommitmentIndex, WITNESS_COMMITMENT_HEADER } from '../../../src/primitives/witness.js';
import { payTo, spend, TestChain, withWitness } from '../../helpers/chain.js';

const OUTPUTS = [payTo(0, 50n * 100_000_000n)];

let chain: TestChain;
let witnessTx: Transaction;
/** The same spend without its witness (invalid to spend, but a non-witness transaction). */
let bareTx: Transaction;

beforeAll(() => {
  chain = new TestChain();
  const coin = chain.matureCoin(0);
  witnessTx = spend([coin], [payTo(1, coin.output.value - 1000n)]);
  bareTx = withWitness(witnessTx, 0, []);
});

describe('createCoinbase', () => {
  it('starts the scriptSig with the BIP34 height push', () => {
    for (const height of [0, 1, 16, 17, 127, 128, 255, 256, 32767, 32768, 65535, 2 ** 23, 2 ** 31 - 1]) {
      const cb = createCoinbase({ height, outputs: OUTPUTS });
      expect(startsWith(cb.inputs[0]!.scriptSig, encodeHeightPush(height))).toBe(true);
    }
  });

  it('pushes small heights as OP_N and larger ones as minimal script numbers', () => {
    expect(createCoinbase({ height: 1, outputs: OUTPUTS }).inputs[0]!.scriptSig[0]).toBe(0x51);
    expect(createCoinbase({ height: 16, outputs: OUTPUTS }).inputs[0]!.scriptSig[0]).toBe(0x60);
    expect([...createCoinbase({ height: 17, outputs: OUTPUTS }).inputs[0]!.scriptSig.subarray(0, 2)]).toEqual([0x01, 17]);
    expect([...createCoinbase({ height: 128, outputs: OUTPUTS }).inputs[0]!.scriptSig.subarray(0, 3)]).toEqual([0x02, 0x80, 0x00]);
    expect([...createCoinbase({ height: 1000, outputs: OUTPUTS }).inputs[0]!.scriptSig.subarray(0, 3)]).toEqual([0x02, 0xe8, 0x03]);
  });

  it('is a coinbase spending the null outpoint, with the given outputs and no witness', () => {
    const cb = createCoinbase({ height: 5, outputs: OUTPUTS });
    expect(cb.isCoinbase()).toBe(true);
    expect(cb.outputs).toEqual(OUTPUTS);
    expect(cb.hasWitness).toBe(false);
    expect(cb.locktime).toBe(0);
    expect(cb.inputs[0]!.sequence).toBe(0xffffffff);
  });

  it('keeps the scriptSig within 2..100 bytes and passes checkTransactionSanity', () => {
    for (const height of [0, 1, 16, 17, 1000, 2 ** 31 - 1]) {
      for (const tag of [undefined, new Uint8Array(0), new TextEncoder().encode('/tally/'), new Uint8Array(84)]) {
        const cb = createCoinbase({ height, outputs: OUTPUTS, extraNonce: 2n ** 64n - 1n, ...(tag ? { tag } : {}) });
        const len = cb.inputs[0]!.scriptSig.length;
        expect(len).toBeGreaterThanOrEqual(MIN_COINBASE_SCRIPT);
        expect(len).toBeLessThanOrEqual(MAX_COINBASE_SCRIPT);
        expect(() => checkTransactionSanity(cb)).not.toThrow();
      }
    }
  });

  it('refuses a tag that would make the scriptSig longer than 100 bytes (else every node rejects the block)', () => {
    expect(() => createCoinbase({ height: 2 ** 31 - 1, outputs: OUTPUTS, tag: new Uint8Array(85) })).toThrow(expect.objectContaining({ code: 'bad-coinbase-tag' }));
    expect(createCoinbase({ height: 2 ** 31 - 1, outputs: OUTPUTS, tag: new Uint8Array(84) }).inputs[0]!.scriptSig.length).toBe(100);
  });

  it('appends the extra nonce as an 8-byte push and the tag as a push', () => {
    const tag = new TextEncoder().encode('tally');
    const cb = createCoinbase({ height: 200, outputs: OUTPUTS, extraNonce: 0x0102n, tag });
    const prefix = encodeHeightPush(200);
    const scriptSig = cb.inputs[0]!.scriptSig;
    expect([...scriptSig.subarray(prefix.length, prefix.length + 9)]).toEqual([8, 0x02, 0x01, 0, 0, 0, 0, 0, 0]);
    expect(scriptSig.subarray(prefix.length + 9)).toEqual(pushData(tag));
  });

  it('gives a different txid for each extra nonce', () => {
    const txids = new Set([0n, 1n, 2n, 2n ** 32n, 2n ** 64n - 1n].map((extraNonce) => createCoinbase({ height: 7, outputs: OUTPUTS, extraNonce }).txid));
    expect(txids.size).toBe(5);
    expect(createCoinbase({ height: 7, outputs: OUTPUTS }).txid).toBe(createCoinbase({ height: 7, outputs: OUTPUTS, extraNonce: 0n }).txid);
  });
});

describe('withWitnessCommitment', () => {
  const cb = createCoinbase({ height: 102, outputs: OUTPUTS });

  it('returns the coinbase unchanged when no transaction has a witness', () => {
    expect(withWitnessCommitment(cb, [])).toBe(cb);
    expect(withWitnessCommitment(cb, [bareTx])).toBe(cb);
  });

  it('adds a zero-value commitment output and the reserved value when a witness transaction exists', () => {
    const committed = withWitnessCommitment(cb, [bareTx, witnessTx]);
    expect(committed.outputs).toHaveLength(2);
    expect(committed.outputs[0]).toEqual(OUTPUTS[0]);
    const commitment = committed.outputs[1]!;
    expect(commitment.value).toBe(0n);
    expect(startsWith(commitment.scriptPubKey, WITNESS_COMMITMENT_HEADER)).toBe(true);
    expect(commitment.scriptPubKey).toHaveLength(38);
    expect(findWitnessCommitmentIndex(committed)).toBe(1);
    expect(committed.inputs[0]!.witness).toEqual([WITNESS_RESERVED_VALUE]);
    expect(committed.inputs[0]!.scriptSig).toEqual(cb.inputs[0]!.scriptSig);
    expect(WITNESS_RESERVED_VALUE).toEqual(new Uint8Array(32));
  });

  it('makes a block that passes checkWitnessCommitment and checkBlockSanity', () => {
    const block = chain.buildBlock({ transactions: [witnessTx], fees: 1000n });
    expect(findWitnessCommitmentIndex(block.transactions[0]!)).toBeGreaterThan(0);
    expect(() => checkWitnessCommitment(block)).not.toThrow();
    expect(() => checkBlockSanity(block, regtest)).not.toThrow();
    expect(() => chain.validate(block)).not.toThrow();
  });
});

describe('assembleBlock', () => {
  const coinbase = createCoinbase({ height: 1, outputs: OUTPUTS });
  const opts = { prevHashBytes: new Uint8Array(32).fill(3), time: 1_800_000_000, bits: regtest.powLimitBits, coinbase };

  it('fills in the merkle root over the txids, coinbase first, with nonce 0 and version 1', () => {
    const block = assembleBlock({ ...opts, transactions: [bareTx] });
    expect(block.transactions).toEqual([coinbase, bareTx]);
    expect(block.header.merkleRootBytes).toEqual(computeMerkleRoot([coinbase.txidBytes, bareTx.txidBytes]).root);
    expect(block.header).toMatchObject({ version: 1, time: opts.time, bits: opts.bits, nonce: 0 });
    expect(block.header.prevHashBytes).toEqual(opts.prevHashBytes);
  });

  it('makes a coinbase-only block when given no transactions', () => {
    const block = assembleBlock(opts);
    expect(block.transactions).toEqual([coinbase]);
    expect(block.header.merkleRoot).toBe(coinbase.txid);
  });

  it('takes a version', () => {
    expect(assembleBlock({ ...opts, version: 0x20000000 }).header.version).toBe(0x20000000);
  });

  it('adds the witness commitment, and the merkle root covers the committed coinbase', () => {
    const block = assembleBlock({ ...opts, transactions: [witnessTx] });
    const committed = block.transactions[0]!;
    expect(committed.txid).not.toBe(coinbase.txid);
    expect(block.header.merkleRootBytes).toEqual(computeMerkleRoot([committed.txidBytes, witnessTx.txidBytes]).root);
    expect(() => checkWitnessCommitment(block)).not.toThrow();
  });
});

describe('mine', () => {
  const header = new BlockHeader({
    version: 1,
    prevHashBytes: new Uint8Array(32),
    merkleRootBytes: new Uint8Array(32).fill(1),
    time: 1_800_000_000,
    bits: regtest.powLimitBits,
    nonce: 0,
  });
  const hashWith = (nonce: number): bigint => hashToBigInt(header.with({ nonce }).hashBytes);

  it('finds the first nonce meeting an easy target', () => {
    const target = regtest.powLimit;
    const nonce = mine(header, target);
    expect(nonce).not.toBeNull();
    expect(hashWith(nonce!)).toBeLessThanOrEqual(target);
    for (let n = 0; n < nonce!; n++) expect(hashWith(n)).toBeGreaterThan(target);
  });

  it('searches only [nonceStart, nonceEnd]', () => {
    const target = 1n << 254n; // one in four hashes
    const nonce = mine(header, target, 1000, 2000)!;
    expect(nonce).toBeGreaterThanOrEqual(1000);
    expect(nonce).toBeLessThanOrEqual(2000);
    expect(hashWith(nonce)).toBeLessThanOrEqual(target);
  });

  it('returns null when no nonce in the range meets the target', () => {
    expect(mine(header, 0n, 0, 20)).toBeNull();
    expect(mine(header, 1n, 5, 5)).toBeNull();
    expect(mine(header, regtest.powLimit, 10, 9)).toBeNull();
  });

  it('returns null for a negative target', () => {
    expect(mine(header, -1n, 0, 100)).toBeNull();
  });

  it('throws bad-nonce-range for bounds that are not uint32', () => {
    for (const [start, end] of [[-1, 10], [0, 2 ** 32], [0.5, 10], [0, Number.NaN]] as const) {
      expect(() => mine(header, regtest.powLimit, start, end)).toThrow(expect.objectContaining({ code: 'bad-nonce-range' }));
    }
  });

  it('accepts the nonce when the hash equals the target', () => {
    const exact = hashWith(42);
    expect(mine(header, exact, 42, 42)).toBe(42);
    expect(mine(header, exact - 1n, 42, 42)).toBeNull();
  });
});

describe('solveBlock', () => {
  const coinbase = createCoinbase({ height: 1, outputs: OUTPUTS });

  it('returns the block with a nonce meeting its bits', () => {
    const draft = assembleBlock({ prevHashBytes: new Uint8Array(32), time: 1_800_000_000, bits: 0x2000ffff, coinbase });
    const solved = solveBlock(draft);
    expect(solved.transactions).toBe(draft.transactions);
    expect(solved.header.merkleRootBytes).toEqual(draft.header.merkleRootBytes);
    expect(hashToBigInt(solved.hashBytes)).toBeLessThanOrEqual(bitsToTarget(0x2000ffff));
    expect(() => checkBlockHeader(solved.header, regtest)).not.toThrow();
    expect(solved.header.nonce).toBe(mine(draft.header, bitsToTarget(0x2000ffff)));
  });
});
