/**
 * Builds valid regtest chains in memory for consensus tests: an in-memory UTXO
 * set, keys, coinbases and signed spends. Tests mutate what it builds to make
 * each invalid case.
 */
import { Block, type BlockHeaderFields } from '../../src/primitives/block.js';
import { equalBytes } from '../../src/primitives/bytes.js';
import { outpointKey, Transaction, type OutPoint, type TransactionFields, type TxOutput } from '../../src/primitives/tx.js';
import { scriptFromSecret, signTaprootInputs } from '../../src/primitives/sign.js';
import { checkBlockContext, checkBlockSanity, headerContext, type ParentInfo } from '../../src/consensus/block-checks.js';
import { checkBlockSpends } from '../../src/consensus/block-spends.js';
import type { Coin, CoinView } from '../../src/consensus/coins.js';
import { blockError, RuleError } from '../../src/consensus/errors.js';
import { findInvalidSignature, SCRIPT_FAILURE } from '../../src/consensus/signatures.js';
import { getBlockSubsidy } from '../../src/consensus/subsidy.js';
import { medianTimePast } from '../../src/consensus/time.js';
import { getGenesisBlock, regtest, type NetworkParams } from '../../src/consensus/params.js';
import { getVerifier } from '../../src/primitives/signature.js';
import { assembleBlock, solveBlock } from '../../src/mining/assemble.js';
import { createCoinbase } from '../../src/mining/coinbase.js';
import { ASERT_ANCHOR_HEIGHT, getNextWorkRequired } from '../../src/consensus/difficulty.js';

/** A deterministic secret key from a small number (never use such keys for real coins). */
export function testKey(n: number): Uint8Array {
  const key = new Uint8Array(32);
  new DataView(key.buffer).setUint32(28, n + 1);
  return key;
}

/** A spendable coin with the key that owns it. */
export interface OwnedCoin {
  prevout: OutPoint;
  output: TxOutput;
  key: Uint8Array;
}

/** A UTXO set in a Map. */
export class MemoryCoinView implements CoinView {
  readonly coins = new Map<string, Coin>();
  getCoin(prevout: OutPoint): Coin | undefined {
    return this.coins.get(outpointKey(prevout));
  }
}

export interface NextBlockOptions {
  transactions?: Transaction[];
  time?: number;
  /** Extra value the coinbase claims beyond subsidy + fees (to test bad-cb-amount). */
  coinbaseExtra?: bigint;
  fees?: bigint;
  /** Replaces the generated coinbase (assembleBlock still adds the witness commitment when needed). */
  coinbase?: Transaction;
  /** Height the generated coinbase commits to (BIP34); the next height by default. */
  coinbaseHeight?: number;
  /** Header fields; by default those of a valid next block. */
  bits?: number;
  prevHashBytes?: Uint8Array;
  version?: number;
}

/** How a {@link TestChain} builds its blocks. */
export interface TestChainOptions {
  /** Secret key the coinbases pay to (default `testKey(0)`). */
  minerKey?: Uint8Array;
  /** Seconds added to each built block's default time (default 0). */
  timeOffset?: number;
}

/** What a chain looked like at one moment, for asserting that a rejected block changed nothing. */
export interface ChainSnapshot {
  height: number;
  tipHash: string;
  coins: Map<string, Coin>;
}

/** A valid regtest chain that tests extend block by block. */
export class TestChain {
  readonly params: NetworkParams;
  readonly blocks: Block[];
  readonly view = new MemoryCoinView();
  /** Key the generated coinbases pay to; `testKey(0)` unless given. */
  readonly minerKey: Uint8Array;
  /** Seconds added to the default time of every block this chain builds (0 unless given). */
  readonly timeOffset: number;
  /** Coinbase outputs the miner owns, by height. */
  readonly coinbaseCoins: OwnedCoin[] = [];
  now: number;
  private forks = 0;

  constructor(params: NetworkParams = regtest, opts: TestChainOptions = {}) {
    this.params = params;
    this.minerKey = opts.minerKey ?? testKey(0);
    this.timeOffset = opts.timeOffset ?? 0;
    this.blocks = [getGenesisBlock(params)];
    this.now = params.genesis.time + 1_000_000;
  }

  get tip(): Block {
    return this.blocks[this.blocks.length - 1]!;
  }

  get height(): number {
    return this.blocks.length - 1;
  }

  parentInfo(height = this.height): ParentInfo {
    const block = this.blocks[height]!;
    const times = this.blocks.slice(Math.max(0, height - 10), height + 1).map((b) => b.header.time);
    const anchorTime = height >= ASERT_ANCHOR_HEIGHT ? this.blocks[ASERT_ANCHOR_HEIGHT]!.header.time : undefined;
    return { height, time: block.header.time, medianTimePast: medianTimePast(times), anchorTime };
  }

  /** Height of the block with hash `hashBytes` (internal order), or -1. */
  heightOf(hashBytes: Uint8Array): number {
    for (let h = this.blocks.length - 1; h >= 0; h--) {
      if (equalBytes(this.blocks[h]!.hashBytes, hashBytes)) return h;
    }
    return -1;
  }

  /** Builds (but does not add) a valid next block; options override parts of it. */
  buildBlock(opts: NextBlockOptions = {}): Block {
    const height = this.height + 1;
    const txs = opts.transactions ?? [];
    const value = getBlockSubsidy(height, this.params) + (opts.fees ?? 0n) + (opts.coinbaseExtra ?? 0n);
    const coinbase = opts.coinbase ?? createCoinbase({ height: opts.coinbaseHeight ?? height, outputs: [{ value, scriptPubKey: scriptFromSecret(this.minerKey) }] });
    const block = assembleBlock({
      prevHashBytes: opts.prevHashBytes ?? this.tip.hashBytes,
      time: opts.time ?? this.tip.header.time + 1 + this.timeOffset,
      bits: opts.bits ?? getNextWorkRequired(this.parentInfo(), this.params),
      coinbase,
      transactions: txs,
      version: opts.version,
    });
    return solveBlock(block);
  }

  /**
   * Runs every consensus check on `block` as the next block; throws the first RuleError
   * (a bad signature as `mandatory-script-verify-flag-failed`). The parent is looked up
   * by the header's previous hash; only the tip can be extended.
   */
  validate(block: Block): ReturnType<typeof checkBlockSpends> {
    checkBlockSanity(block, this.params);
    const parentHeight = this.heightOf(block.header.prevHashBytes);
    const ctx = headerContext(parentHeight < 0 ? undefined : this.parentInfo(parentHeight), this.params, this.now);
    if (parentHeight !== this.height) throw new Error(`TestChain only extends its tip; block builds on height ${parentHeight}`);
    checkBlockContext(block, ctx);
    const spends = checkBlockSpends(block, this.view, ctx.height, this.params);
    const bad = findInvalidSignature(spends.signatureChecks, getVerifier());
    if (bad >= 0) {
      throw blockError(SCRIPT_FAILURE, `input ${spends.signatureChecks[bad]!.inputIndex}: invalid Schnorr signature (check ${bad})`);
    }
    return spends;
  }

  /** Validates and connects `block` to the in-memory chain. */
  add(block: Block): Block {
    const spends = this.validate(block);
    for (const { prevout } of spends.undo) this.view.coins.delete(outpointKey(prevout));
    for (const { prevout, coin } of spends.created) this.view.coins.set(outpointKey(prevout), coin);
    this.blocks.push(block);
    const cb = block.transactions[0]!;
    this.coinbaseCoins.push({ prevout: { txid: cb.txidBytes, vout: 0 }, output: cb.outputs[0]!, key: this.minerKey });
    return block;
  }

  /**
   * Appends `block` without validating it and without touching the coin view, so
   * that tests can build descendants of an invalid block (a branch that a node
   * must reject from that block on). Its coinbase is not recorded as spendable.
   */
  addUnchecked(block: Block): Block {
    if (!equalBytes(block.header.prevHashBytes, this.tip.hashBytes)) throw new Error('addUnchecked: block does not extend the tip');
    this.blocks.push(block);
    this.coinbaseCoins.push({ prevout: { txid: block.transactions[0]!.txidBytes, vout: 0 }, output: block.transactions[0]!.outputs[0]!, key: this.minerKey });
    return block;
  }

  /**
   * A new chain sharing this chain's blocks 1..`height` (and so its UTXO state at
   * that height) that builds different blocks from there: another coinbase key
   * and/or a time offset, so its next block's hash differs from this chain's.
   * Without options the fork gets a time offset one greater than any fork made
   * from this chain before, so successive forks at one height differ too.
   * The shared blocks must be valid (they are replayed without signature checks).
   */
  fork(height: number, opts: TestChainOptions = {}): TestChain {
    if (!Number.isInteger(height) || height < 0 || height > this.height) throw new RangeError(`fork height ${height} is outside 0..${this.height}`);
    this.forks++;
    const timeOffset = opts.timeOffset ?? (opts.minerKey ? this.timeOffset : this.timeOffset + this.forks);
    const copy = new TestChain(this.params, { minerKey: opts.minerKey ?? this.minerKey, timeOffset });
    copy.now = this.now;
    for (const block of this.blocks.slice(1, height + 1)) {
      const spends = checkBlockSpends(block, copy.view, copy.height + 1, copy.params);
      for (const { prevout } of spends.undo) copy.view.coins.delete(outpointKey(prevout));
      for (const { prevout, coin } of spends.created) copy.view.coins.set(outpointKey(prevout), coin);
      copy.blocks.push(block);
    }
    copy.coinbaseCoins.push(...this.coinbaseCoins.slice(0, height));
    return copy;
  }

  /** Mines `n` valid empty blocks. */
  mine(n: number): void {
    for (let i = 0; i < n; i++) this.add(this.buildBlock());
  }

  /** A mature coinbase coin (mines enough blocks first). */
  matureCoin(index = 0): OwnedCoin {
    while (this.height < index + 1 + this.params.coinbaseMaturity) this.mine(1);
    return this.coinbaseCoins[index]!;
  }

  /** An independent copy (blocks and coins are immutable, so they are shared). */
  clone(): TestChain {
    const copy = new TestChain(this.params, { minerKey: this.minerKey, timeOffset: this.timeOffset });
    copy.blocks.splice(0, copy.blocks.length, ...this.blocks);
    for (const [key, coin] of this.view.coins) copy.view.coins.set(key, coin);
    copy.coinbaseCoins.push(...this.coinbaseCoins);
    copy.now = this.now;
    return copy;
  }

  snapshot(): ChainSnapshot {
    return { height: this.height, tipHash: this.tip.hash, coins: new Map(this.view.coins) };
  }
}

/** A signed transaction spending `coins` to `outputs`. */
export function spend(coins: readonly OwnedCoin[], outputs: TxOutput[], opts: { locktime?: number; sequence?: number } = {}): Transaction {
  const unsigned = new Transaction({
    version: 2,
    inputs: coins.map((c) => ({ prevout: c.prevout, scriptSig: new Uint8Array(0), sequence: opts.sequence ?? 0xfffffffd, witness: [] })),
    outputs,
    locktime: opts.locktime ?? 0,
  });
  return signTaprootInputs(unsigned, coins.map((c) => c.output), coins.map((c) => c.key));
}

/** An output paying `value` to the BIP86 key of `testKey(n)`. */
export function payTo(n: number, value: bigint): TxOutput {
  return { value, scriptPubKey: scriptFromSecret(testKey(n)) };
}

/** Output `vout` of `tx` as a coin owned by `testKey(keyIndex)` (for spending it in the same or a later block). */
export function ownedOutput(tx: Transaction, vout: number, keyIndex: number): OwnedCoin {
  return { prevout: { txid: tx.txidBytes, vout }, output: tx.outputs[vout]!, key: testKey(keyIndex) };
}

/** A copy of `tx` with some fields replaced (its signatures are kept, valid or not). */
export function mutateTx(tx: Transaction, changes: Partial<TransactionFields>): Transaction {
  const { version, inputs, outputs, locktime } = tx;
  return new Transaction({ version, inputs, outputs, locktime, ...changes });
}

/** A copy of `tx` with input `index`'s witness replaced. */
export function withWitness(tx: Transaction, index: number, witness: readonly Uint8Array[]): Transaction {
  return mutateTx(tx, { inputs: tx.inputs.map((input, i) => (i === index ? { ...input, witness } : input)) });
}

/** A copy of `bytes` with one bit flipped. */
export function flipBit(bytes: Uint8Array, bit = 0): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
}

export interface RemakeOptions {
  transactions?: readonly Transaction[];
  header?: Partial<BlockHeaderFields>;
  /** Recompute the header's merkle root from the transactions; default: unless `header.merkleRootBytes` is given. */
  recomputeMerkleRoot?: boolean;
  /** Search a nonce meeting the header's bits again; default true. */
  solve?: boolean;
}

/**
 * Rebuilds `block` with altered transactions or header fields, the way the
 * invalid-block tests mutate a valid block. The witness commitment is not touched.
 */
export function remakeBlock(block: Block, opts: RemakeOptions = {}): Block {
  const txs = opts.transactions ?? block.transactions;
  let header = block.header.with(opts.header ?? {});
  if (opts.recomputeMerkleRoot ?? opts.header?.merkleRootBytes === undefined) {
    header = header.with({ merkleRootBytes: new Block(header, txs).computeMerkleRoot().root });
  }
  const out = new Block(header, txs);
  return (opts.solve ?? true) ? solveBlock(out) : out;
}

/**
 * `block` with the first witness item of transaction `txIndex` altered, under the same
 * header (the merkle root ignores witnesses): a mutated copy that fails with
 * bad-witness-merkle-match while its header stays valid.
 */
export function withAlteredWitness(block: Block, txIndex = 1): Block {
  const tx = block.transactions[txIndex]!;
  const altered = withWitness(tx, 0, [flipBit(tx.inputs[0]!.witness[0]!, 100)]);
  const transactions = block.transactions.map((t, i) => (i === txIndex ? altered : t));
  return remakeBlock(block, { transactions, recomputeMerkleRoot: false, solve: false });
}

/**
 * The RuleError `fn` throws. Throws an Error (failing the test) when `fn` returns
 * or throws anything else, so tests can then assert on `.code`, `.scope`, `.score`.
 */
export function catchRuleError(fn: () => unknown): RuleError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RuleError) return err;
    throw new Error(`expected a RuleError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected a RuleError, nothing was thrown');
}
