import { beforeAll, describe, expect, it } from 'vitest';
import {
  asBlockError,
  checkBlockContext,
  checkBlockHeader,
  checkBlockSanity,
  checkHeaderContext,
  checkWitnessCommitment,
  headerContext,
  type HeaderContext,
} from '../../../src/consensus/block-checks.js';
import { checkBlockSpends } from '../../../src/consensus/block-spends.js';
import { MAX_FUTURE_BLOCK_TIME, MAX_MONEY } from '../../../src/consensus/constants.js';
import { getNextWorkRequired } from '../../../src/consensus/difficulty.js';
import { blockError, headerError, RuleError, txError } from '../../../src/consensus/errors.js';
import { getGenesisBlock, regtest, testnet, type NetworkParams } from '../../../src/consensus/params.js';
import { bitsToTarget } from '../../../src/consensus/pow.js';
import { createCoinbase, WITNESS_RESERVED_VALUE } from '../../../src/mining/coinbase.js';
import { Block } from '../../../src/primitives/block.js';
import { concatBytes, hashToBigInt } from '../../../src/primitives/bytes.js';
import { sha256d } from '../../../src/primitives/hashes.js';
import { encodeHeightPush, pushData, scriptNum } from '../../../src/primitives/script.js';
import { Transaction } from '../../../src/primitives/tx.js';
import { witnessCommitment, witnessCommitmentScript, witnessMerkleRoot } from '../../../src/primitives/witness.js';
import {
  catchRuleError,
  flipBit,
  mutateTx,
  payTo,
  remakeBlock,
  spend,
  TestChain,
  withWitness,
} from '../../helpers/chain.js';

let chain: TestChain;
/** A valid next block with one signed spend (so it has a witness commitment). */
let witnessBlock: Block;
/** A valid next block with only a coinbase. */
let emptyBlock: Block;
let spendTx: Transaction;
let ctx: HeaderContext;

beforeAll(() => {
  chain = new TestChain();
  chain.matureCoin(1); // coins 0 and 1 mature; the tests below never mine further
  const coin = chain.matureCoin(0);
  spendTx = spend([coin], [payTo(1, coin.output.value - 1000n)]);
  witnessBlock = chain.buildBlock({ transactions: [spendTx], fees: 1000n });
  emptyBlock = chain.buildBlock();
  ctx = headerContext(chain.parentInfo(), chain.params, chain.now);
});

/** `block` with a nonce whose hash is above its target. */
function withHighHash(block: Block): Block {
  const target = bitsToTarget(block.header.bits);
  for (let nonce = 0; ; nonce++) {
    const header = block.header.with({ nonce });
    if (hashToBigInt(header.hashBytes) > target) return new Block(header, block.transactions);
  }
}

/** `block`'s coinbase replaced (the header is kept unless `remake`). */
function withCoinbase(block: Block, coinbase: Transaction, remake = false): Block {
  const txs = [coinbase, ...block.transactions.slice(1)];
  return remake ? remakeBlock(block, { transactions: txs }) : new Block(block.header, txs);
}

function sanityError(block: Block, params: NetworkParams = regtest): RuleError {
  return catchRuleError(() => checkBlockSanity(block, params));
}

describe('checkBlockHeader', () => {
  it('accepts a solved header and the genesis headers', () => {
    expect(() => checkBlockHeader(witnessBlock.header, regtest)).not.toThrow();
    expect(() => checkBlockHeader(getGenesisBlock(regtest).header, regtest)).not.toThrow();
    expect(() => checkBlockHeader(getGenesisBlock(testnet).header, testnet)).not.toThrow();
  });

  it('high-hash: a hash above the target', () => {
    const err = catchRuleError(() => checkBlockHeader(withHighHash(emptyBlock).header, regtest));
    expect(err.code).toBe('high-hash');
    expect(err.scope).toBe('header');
    expect(err.score).toBe(100);
    expect(err.corruptionPossible).toBe(false);
  });

  it('high-hash: a regtest-difficulty header on testnet', () => {
    // Regtest's bits are above testnet's powLimit, so the bits fail first; with testnet bits the hash fails.
    expect(catchRuleError(() => checkBlockHeader(emptyBlock.header, testnet)).code).toBe('bad-diffbits');
    const header = withHighHash(new Block(emptyBlock.header.with({ bits: testnet.powLimitBits }), [])).header;
    expect(catchRuleError(() => checkBlockHeader(header, testnet)).code).toBe('high-hash');
  });

  it.each([
    ['a target above powLimit', 0x2100ffff],
    ['a negative target', 0x20800001],
    ['a zero target', 0x20000000],
    ['an overflowing target', 0xff123456],
  ])('bad-diffbits: %s', (_name, bits) => {
    const err = catchRuleError(() => checkBlockHeader(emptyBlock.header.with({ bits }), regtest));
    expect(err.code).toBe('bad-diffbits');
    expect(err.scope).toBe('header');
  });
});

describe('checkBlockSanity', () => {
  it('accepts valid blocks, with and without witness transactions', () => {
    expect(() => checkBlockSanity(witnessBlock, regtest)).not.toThrow();
    expect(() => checkBlockSanity(emptyBlock, regtest)).not.toThrow();
  });

  it('checks the header first: high-hash', () => {
    expect(sanityError(withHighHash(witnessBlock)).code).toBe('high-hash');
  });

  it('bad-txnmrklroot (corruption possible)', () => {
    const block = remakeBlock(witnessBlock, { header: { merkleRootBytes: sha256d(Uint8Array.of(1)) } });
    const err = sanityError(block);
    expect(err.code).toBe('bad-txnmrklroot');
    expect(err.scope).toBe('block');
    expect(err.corruptionPossible).toBe(true);
  });

  it('bad-txnmrklroot: a transaction swapped under a valid header', () => {
    const other = spend([chain.matureCoin(0)], [payTo(2, 1n)]);
    const err = sanityError(new Block(witnessBlock.header, [witnessBlock.transactions[0]!, other]));
    expect(err.code).toBe('bad-txnmrklroot');
    expect(err.corruptionPossible).toBe(true);
  });

  it('bad-txns-duplicate: the last transaction of an odd list duplicated (CVE-2012-2459, corruption possible)', () => {
    const tx2 = spend([chain.matureCoin(1)], [payTo(2, chain.matureCoin(1).output.value)]);
    const odd = chain.buildBlock({ transactions: [spendTx, tx2], fees: 1000n });
    expect(() => checkBlockSanity(odd, regtest)).not.toThrow();
    const mutated = new Block(odd.header, [...odd.transactions, tx2]);
    expect(mutated.computeMerkleRoot().root).toEqual(odd.header.merkleRootBytes);
    const err = sanityError(mutated);
    expect(err.code).toBe('bad-txns-duplicate');
    expect(err.corruptionPossible).toBe(true);
  });

  it('bad-blk-length: no transactions', () => {
    const err = sanityError(remakeBlock(emptyBlock, { transactions: [] }));
    expect(err.code).toBe('bad-blk-length');
    expect(err.corruptionPossible).toBe(false);
  });

  it('bad-blk-length: more transactions, or more stripped bytes, than the weight limit allows', () => {
    const strippedSize = witnessBlock.strippedSize;
    expect(sanityError(witnessBlock, { ...regtest, maxBlockWeight: 7 }).code).toBe('bad-blk-length'); // 2 txs x 4 > 7
    expect(sanityError(witnessBlock, { ...regtest, maxBlockWeight: strippedSize * 4 - 1 }).code).toBe('bad-blk-length');
  });

  it('bad-blk-weight: over the weight limit through witness bytes alone', () => {
    const err = sanityError(witnessBlock, { ...regtest, maxBlockWeight: witnessBlock.weight - 1 });
    expect(err.code).toBe('bad-blk-weight');
    expect(err.corruptionPossible).toBe(false);
    expect(() => checkBlockSanity(witnessBlock, { ...regtest, maxBlockWeight: witnessBlock.weight })).not.toThrow();
  });

  it('bad-cb-missing: first transaction is not a coinbase', () => {
    const block = remakeBlock(witnessBlock, { transactions: [spendTx] });
    expect(sanityError(block).code).toBe('bad-cb-missing');
  });

  it('bad-cb-multiple: a second coinbase', () => {
    const second = createCoinbase({ height: chain.height + 1, extraNonce: 1n, outputs: [payTo(0, 1n)] });
    const block = remakeBlock(emptyBlock, { transactions: [emptyBlock.transactions[0]!, second] });
    expect(sanityError(block).code).toBe('bad-cb-multiple');
  });

  it('reports a transaction rule with its code and score, as a block failure', () => {
    const bad = mutateTx(spendTx, { outputs: [payTo(1, MAX_MONEY + 1n)] });
    const err = sanityError(remakeBlock(emptyBlock, { transactions: [emptyBlock.transactions[0]!, bad] }));
    expect(err.code).toBe('bad-txns-vout-toolarge');
    expect(err.scope).toBe('block');
    expect(err.score).toBe(100);
    expect(err.corruptionPossible).toBe(false);
  });

  it('checks the coinbase too: bad-cb-length', () => {
    const cb = emptyBlock.transactions[0]!;
    const short = mutateTx(cb, { inputs: [{ ...cb.inputs[0]!, scriptSig: Uint8Array.of(0x51) }] });
    expect(sanityError(withCoinbase(emptyBlock, short, true)).code).toBe('bad-cb-length');
  });

  it('checks the witness commitment: unexpected-witness', () => {
    const stripped = stripCommitment(witnessBlock.transactions[0]!);
    const err = sanityError(withCoinbase(witnessBlock, stripped, true));
    expect(err.code).toBe('unexpected-witness');
    expect(err.corruptionPossible).toBe(true);
  });
});

/** A coinbase without its witness commitment output and reserved value. */
function stripCommitment(coinbase: Transaction): Transaction {
  return mutateTx(coinbase, {
    inputs: [{ ...coinbase.inputs[0]!, witness: [] }],
    outputs: coinbase.outputs.slice(0, -1),
  });
}

/** `coinbase` with its input witness replaced. */
function coinbaseWitness(coinbase: Transaction, witness: Uint8Array[]): Transaction {
  return withWitness(coinbase, 0, witness);
}

describe('checkWitnessCommitment', () => {
  it('accepts a block without witnesses and without a commitment', () => {
    expect(emptyBlock.transactions[0]!.outputs).toHaveLength(1);
    expect(() => checkWitnessCommitment(emptyBlock)).not.toThrow();
  });

  it('accepts a block with witnesses and a matching commitment', () => {
    expect(() => checkWitnessCommitment(witnessBlock)).not.toThrow();
  });

  it('accepts a matching commitment in a block without witness transactions', () => {
    const cb = emptyBlock.transactions[0]!;
    const commitment = witnessCommitment(witnessMerkleRoot([cb]), WITNESS_RESERVED_VALUE);
    const committed = mutateTx(cb, {
      inputs: [{ ...cb.inputs[0]!, witness: [WITNESS_RESERVED_VALUE] }],
      outputs: [...cb.outputs, { value: 0n, scriptPubKey: witnessCommitmentScript(commitment) }],
    });
    const block = withCoinbase(emptyBlock, committed, true);
    expect(() => checkWitnessCommitment(block)).not.toThrow();
    expect(() => checkBlockSanity(block, regtest)).not.toThrow();
  });

  it('accepts any 32-byte reserved value the commitment was made with', () => {
    const reserved = new Uint8Array(32).fill(0xab);
    const cb = witnessBlock.transactions[0]!;
    const commitment = witnessCommitment(witnessMerkleRoot(witnessBlock.transactions), reserved);
    const recommitted = mutateTx(cb, {
      inputs: [{ ...cb.inputs[0]!, witness: [reserved] }],
      outputs: [...cb.outputs.slice(0, -1), { value: 0n, scriptPubKey: witnessCommitmentScript(commitment) }],
    });
    expect(() => checkWitnessCommitment(withCoinbase(witnessBlock, recommitted, true))).not.toThrow();
  });

  it('uses the last commitment output (BIP141)', () => {
    const cb = witnessBlock.transactions[0]!;
    const good = cb.outputs[cb.outputs.length - 1]!;
    const wrong = { value: 0n, scriptPubKey: witnessCommitmentScript(new Uint8Array(32)) };
    const lastGood = mutateTx(cb, { outputs: [...cb.outputs.slice(0, -1), wrong, good] });
    expect(() => checkWitnessCommitment(withCoinbase(witnessBlock, lastGood, true))).not.toThrow();
    const lastWrong = mutateTx(cb, { outputs: [...cb.outputs.slice(0, -1), good, wrong] });
    expect(catchRuleError(() => checkWitnessCommitment(withCoinbase(witnessBlock, lastWrong, true))).code).toBe('bad-witness-merkle-match');
  });

  it('unexpected-witness: a witness transaction without a commitment (corruption possible)', () => {
    const block = withCoinbase(witnessBlock, stripCommitment(witnessBlock.transactions[0]!), true);
    const err = catchRuleError(() => checkWitnessCommitment(block));
    expect(err.code).toBe('unexpected-witness');
    expect(err.scope).toBe('block');
    expect(err.corruptionPossible).toBe(true);
  });

  it('unexpected-witness: a coinbase witness without a commitment', () => {
    const block = withCoinbase(emptyBlock, coinbaseWitness(emptyBlock.transactions[0]!, [new Uint8Array(32)]));
    expect(catchRuleError(() => checkWitnessCommitment(block)).code).toBe('unexpected-witness');
  });

  it.each([
    ['no witness item', []],
    ['a 31-byte reserved value', [new Uint8Array(31)]],
    ['a 33-byte reserved value', [new Uint8Array(33)]],
    ['two witness items', [new Uint8Array(32), new Uint8Array(32)]],
  ])('bad-witness-nonce-size: %s (corruption possible)', (_name, witness) => {
    // The coinbase witness is not part of the txid, so the header stays valid.
    const block = withCoinbase(witnessBlock, coinbaseWitness(witnessBlock.transactions[0]!, witness));
    expect(() => checkBlockHeader(block.header, regtest)).not.toThrow();
    const err = catchRuleError(() => checkWitnessCommitment(block));
    expect(err.code).toBe('bad-witness-nonce-size');
    expect(err.corruptionPossible).toBe(true);
    expect(sanityError(block).code).toBe('bad-witness-nonce-size');
  });

  it('bad-witness-merkle-match: a spend\'s witness altered under a valid header (corruption possible)', () => {
    const altered = withWitness(spendTx, 0, [flipBit(spendTx.inputs[0]!.witness[0]!, 9)]);
    const block = new Block(witnessBlock.header, [witnessBlock.transactions[0]!, altered]);
    const err = catchRuleError(() => checkWitnessCommitment(block));
    expect(err.code).toBe('bad-witness-merkle-match');
    expect(err.corruptionPossible).toBe(true);
    expect(sanityError(block).code).toBe('bad-witness-merkle-match');
  });

  it('bad-witness-merkle-match: a different reserved value', () => {
    const block = withCoinbase(witnessBlock, coinbaseWitness(witnessBlock.transactions[0]!, [new Uint8Array(32).fill(1)]));
    expect(catchRuleError(() => checkWitnessCommitment(block)).code).toBe('bad-witness-merkle-match');
  });
});

describe('headerContext', () => {
  it('prev-blk-not-found with score 0 when the parent is unknown', () => {
    const err = catchRuleError(() => headerContext(undefined, regtest, 0));
    expect(err.code).toBe('prev-blk-not-found');
    expect(err.score).toBe(0);
    expect(err.scope).toBe('header');
  });

  it('derives height, required bits and median time past from the parent', () => {
    const parent = { height: 41, time: 1_800_000_000, medianTimePast: 1_799_999_000, anchorTime: 1_799_999_400 };
    expect(headerContext(parent, regtest, 1_800_000_100)).toEqual({
      height: 42,
      requiredBits: regtest.powLimitBits,
      medianTimePast: 1_799_999_000,
      now: 1_800_000_100,
    });
    expect(headerContext(parent, testnet, 5).requiredBits).toBe(getNextWorkRequired(parent, testnet));
    // 600 s (two half-lives) ahead of the schedule from block 1: a quarter of the initial target.
    expect(headerContext(parent, testnet, 5).requiredBits).toBe(0x1e00ffff);
  });
});

describe('checkHeaderContext', () => {
  const header = (): Block['header'] => emptyBlock.header;

  it('accepts the valid next header', () => {
    expect(() => checkHeaderContext(header(), ctx)).not.toThrow();
  });

  it('bad-diffbits: bits other than required, even when harder', () => {
    for (const bits of [0x201fffff, 0x1e0fffff]) {
      const err = catchRuleError(() => checkHeaderContext(header().with({ bits }), ctx));
      expect(err.code).toBe('bad-diffbits');
      expect(err.scope).toBe('header');
      expect(err.score).toBe(100);
    }
  });

  it('time-too-old: a time equal to the median time past is too old', () => {
    const err = catchRuleError(() => checkHeaderContext(header().with({ time: ctx.medianTimePast }), ctx));
    expect(err.code).toBe('time-too-old');
    expect(err.score).toBe(100);
    expect(catchRuleError(() => checkHeaderContext(header().with({ time: ctx.medianTimePast - 1 }), ctx)).code).toBe('time-too-old');
    expect(() => checkHeaderContext(header().with({ time: ctx.medianTimePast + 1 }), ctx)).not.toThrow();
  });

  it('accepts a time before the parent\'s, as long as it is after the median time past', () => {
    expect(ctx.medianTimePast + 1).toBeLessThan(chain.tip.header.time);
    expect(() => checkHeaderContext(header().with({ time: ctx.medianTimePast + 1 }), ctx)).not.toThrow();
  });

  it('time-too-new: now + 7200 is accepted, now + 7201 is not (score 0)', () => {
    expect(MAX_FUTURE_BLOCK_TIME).toBe(7200);
    expect(() => checkHeaderContext(header().with({ time: ctx.now + 7200 }), ctx)).not.toThrow();
    const err = catchRuleError(() => checkHeaderContext(header().with({ time: ctx.now + 7201 }), ctx));
    expect(err.code).toBe('time-too-new');
    expect(err.score).toBe(0);
    expect(err.scope).toBe('header');
  });
});

describe('checkBlockContext', () => {
  it('accepts the valid next block', () => {
    expect(() => checkBlockContext(witnessBlock, ctx)).not.toThrow();
  });

  it('runs the header rules', () => {
    const block = new Block(emptyBlock.header.with({ time: ctx.medianTimePast }), emptyBlock.transactions);
    expect(catchRuleError(() => checkBlockContext(block, ctx)).code).toBe('time-too-old');
  });

  it('bad-cb-height: a coinbase committing to another height', () => {
    for (const height of [ctx.height - 1, ctx.height + 1, 0]) {
      const cb = createCoinbase({ height, outputs: [payTo(0, 1n)] });
      const err = catchRuleError(() => checkBlockContext(withCoinbase(emptyBlock, cb, true), ctx));
      expect(err.code).toBe('bad-cb-height');
      expect(err.scope).toBe('block');
    }
  });

  it('bad-cb-height: the right height pushed non-minimally', () => {
    const nonMinimal = concatBytes(pushData(concatBytes(scriptNum(ctx.height), Uint8Array.of(0))), new Uint8Array(4));
    const cb = mutateTx(emptyBlock.transactions[0]!, { inputs: [{ ...emptyBlock.transactions[0]!.inputs[0]!, scriptSig: nonMinimal }] });
    expect(catchRuleError(() => checkBlockContext(withCoinbase(emptyBlock, cb, true), ctx)).code).toBe('bad-cb-height');
  });

  it('accepts anything after the height push', () => {
    const scriptSig = concatBytes(encodeHeightPush(ctx.height), Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
    const cb = mutateTx(emptyBlock.transactions[0]!, { inputs: [{ ...emptyBlock.transactions[0]!.inputs[0]!, scriptSig }] });
    expect(() => checkBlockContext(withCoinbase(emptyBlock, cb, true), ctx)).not.toThrow();
  });

  it('bad-txns-nonfinal: a height-locked transaction, reported as a block failure', () => {
    const locked = spend([chain.matureCoin(0)], [payTo(1, 1n)], { locktime: ctx.height });
    const block = chain.buildBlock({ transactions: [locked] });
    const err = catchRuleError(() => checkBlockContext(block, ctx));
    expect(err.code).toBe('bad-txns-nonfinal');
    expect(err.scope).toBe('block');
    const unlocked = spend([chain.matureCoin(0)], [payTo(1, 1n)], { locktime: ctx.height - 1 });
    expect(() => checkBlockContext(chain.buildBlock({ transactions: [unlocked] }), ctx)).not.toThrow();
  });

  it('bad-txns-nonfinal: time locks are judged against the median time past, not the block time (BIP113)', () => {
    const locktime = ctx.medianTimePast;
    const locked = spend([chain.matureCoin(0)], [payTo(1, 1n)], { locktime });
    const block = chain.buildBlock({ transactions: [locked], time: locktime + 100 });
    expect(block.header.time).toBeGreaterThan(locktime);
    expect(catchRuleError(() => checkBlockContext(block, ctx)).code).toBe('bad-txns-nonfinal');
    const earlier = spend([chain.matureCoin(0)], [payTo(1, 1n)], { locktime: locktime - 1 });
    expect(() => checkBlockContext(chain.buildBlock({ transactions: [earlier] }), ctx)).not.toThrow();
  });

  it('accepts a locked transaction whose inputs all have final sequences', () => {
    const locked = spend([chain.matureCoin(0)], [payTo(1, 1n)], { locktime: ctx.height + 10, sequence: 0xffffffff });
    expect(() => checkBlockContext(chain.buildBlock({ transactions: [locked] }), ctx)).not.toThrow();
  });
});

describe('asBlockError', () => {
  it('turns a transaction failure into a block failure with the same code and score', () => {
    const tx = txError('bad-txns-inputs-missingorspent', 'gone', 0);
    const err = asBlockError(tx, 'ab'.repeat(32)) as RuleError;
    expect(err).toBeInstanceOf(RuleError);
    expect(err.scope).toBe('block');
    expect(err.code).toBe('bad-txns-inputs-missingorspent');
    expect(err.score).toBe(0);
    expect(err.corruptionPossible).toBe(false);
    expect(err.message).toContain('ab'.repeat(32));
  });

  it('returns block and header failures and other errors unchanged', () => {
    const block = blockError('bad-cb-amount', 'x');
    const header = headerError('high-hash', 'x');
    const other = new Error('boom');
    expect(asBlockError(block, 'id')).toBe(block);
    expect(asBlockError(header, 'id')).toBe(header);
    expect(asBlockError(other, 'id')).toBe(other);
    expect(asBlockError('text', 'id')).toBe('text');
  });
});

describe('corruptionPossible', () => {
  it('is false for failures that condemn the block itself: bad-cb-amount, high-hash, bad-cb-height', () => {
    const greedy = chain.buildBlock({ coinbaseExtra: 1n });
    const amount = catchRuleError(() => checkBlockSpends(greedy, chain.view, ctx.height, regtest));
    expect(amount.code).toBe('bad-cb-amount');
    expect(amount.corruptionPossible).toBe(false);
    expect(catchRuleError(() => checkBlockHeader(withHighHash(emptyBlock).header, regtest)).corruptionPossible).toBe(false);
    const cb = createCoinbase({ height: ctx.height + 1, outputs: [payTo(0, 1n)] });
    expect(catchRuleError(() => checkBlockContext(withCoinbase(emptyBlock, cb, true), ctx)).corruptionPossible).toBe(false);
  });
});
