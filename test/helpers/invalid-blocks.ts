/**
 * Invalid blocks, one per consensus rule, in the style of btcd's fullblocktests
 * and Bitcoin Core's feature_block.py. Each case takes a valid {@link TestChain}
 * prepared by {@link prepareInvalidBlockChain} (which has mature coinbase coins
 * 0, 1 and 2), builds a valid next block and mutates it so exactly one rule
 * fails, and names the reject code `TestChain.validate` must throw.
 *
 * Builders never modify the chain they are given. Chain, p2p and RPC tests can
 * run the same table through their own entry points.
 */
import type { Block } from '../../src/primitives/block.js';
import { concatBytes, hashToBigInt } from '../../src/primitives/bytes.js';
import { sha256d } from '../../src/primitives/hashes.js';
import { encodeHeightPush, nullDataScript, pushData, scriptNum } from '../../src/primitives/script.js';
import { SIGHASH_ALL } from '../../src/primitives/sighash.js';
import { signTaprootInputs } from '../../src/primitives/sign.js';
import { NULL_TXID, NULL_VOUT, Transaction, type TransactionFields, type TxOutput } from '../../src/primitives/tx.js';
import { MAX_FUTURE_BLOCK_TIME, MAX_MONEY } from '../../src/consensus/constants.js';
import { bitsToTarget } from '../../src/consensus/pow.js';
import { getBlockSubsidy } from '../../src/consensus/subsidy.js';
import { createCoinbase } from '../../src/mining/coinbase.js';
import {
  flipBit,
  mutateTx,
  ownedOutput,
  payTo,
  remakeBlock,
  spend,
  testKey,
  TestChain,
  withAlteredWitness,
  withWitness,
  type OwnedCoin,
} from './chain.js';

export interface InvalidBlockCase {
  /** What is wrong with the block. */
  name: string;
  /** The reject code (Bitcoin Core's string) validation must fail with. */
  code: string;
  /**
   * True when the block is a mutated copy of a valid block under a valid header,
   * so its failure must not mark the header invalid. False when omitted.
   */
  corruptionPossible?: boolean;
  /** Builds the invalid next block on `chain` without modifying it. */
  build(chain: TestChain): Block;
}

/** A regtest chain whose coinbase coins 0, 1 and 2 can be spent in the next block. */
export function prepareInvalidBlockChain(): TestChain {
  const chain = new TestChain();
  chain.matureCoin(2);
  return chain;
}

const FEE = 1000n;

/** Coinbase coin `index` of `chain`, which must already be mature for the next block. */
function coin(chain: TestChain, index = 0): OwnedCoin {
  const c = chain.coinbaseCoins[index];
  if (!c || chain.height + 1 - (index + 1) < chain.params.coinbaseMaturity) {
    throw new Error(`coinbase coin ${index} is not mature: use prepareInvalidBlockChain()`);
  }
  return c;
}

/** A valid signed spend of coin `index` paying `FEE`. */
function validSpend(chain: TestChain, index = 0): Transaction {
  const c = coin(chain, index);
  return spend([c], [payTo(1, c.output.value - FEE)]);
}

/** The next block with the given transactions (their fees are not claimed, so bad-cb-amount cannot interfere). */
function blockWith(chain: TestChain, ...transactions: Transaction[]): Block {
  return chain.buildBlock({ transactions });
}

/** The next block with a valid spend of coin 0 altered by `change` (its signature is kept). */
function withAlteredSpend(chain: TestChain, change: (tx: Transaction) => Partial<TransactionFields>): Block {
  const tx = validSpend(chain);
  return blockWith(chain, mutateTx(tx, change(tx)));
}

/** The next block with one extra output in an otherwise valid spend. */
function withExtraOutput(chain: TestChain, output: TxOutput): Block {
  return withAlteredSpend(chain, (tx) => ({ outputs: [...tx.outputs, output] }));
}

/** The next block with its coinbase's scriptSig replaced. */
function withCoinbaseScriptSig(chain: TestChain, scriptSig: Uint8Array): Block {
  const height = chain.height + 1;
  const cb = createCoinbase({ height, outputs: [payTo(0, getBlockSubsidy(height, chain.params))] });
  return chain.buildBlock({ coinbase: mutateTx(cb, { inputs: [{ ...cb.inputs[0]!, scriptSig }] }) });
}

/** `block` with a nonce whose hash is above the target. */
function withHighHash(block: Block): Block {
  const target = bitsToTarget(block.header.bits);
  for (let nonce = 0; ; nonce++) {
    const candidate = remakeBlock(block, { header: { nonce }, recomputeMerkleRoot: false, solve: false });
    if (hashToBigInt(candidate.hashBytes) > target) return candidate;
  }
}

/**
 * A valid block with a witness spend whose coinbase is replaced by `change(coinbase)`.
 * With `remake` the merkle root is recomputed and the header re-solved (the coinbase txid
 * changed); without, the original header is kept (only the coinbase witness changed).
 */
function withCoinbaseMutation(chain: TestChain, change: (coinbase: Transaction) => Transaction, remake: boolean): Block {
  const block = blockWith(chain, validSpend(chain));
  const txs = [change(block.transactions[0]!), ...block.transactions.slice(1)];
  return remake ? remakeBlock(block, { transactions: txs }) : remakeBlock(block, { transactions: txs, recomputeMerkleRoot: false, solve: false });
}

const coinbaseWitness = (witness: Uint8Array[]) => (cb: Transaction): Transaction => withWitness(cb, 0, witness);

export const INVALID_BLOCK_CASES: readonly InvalidBlockCase[] = [
  // --- Header: proof of work and difficulty ---
  {
    name: 'hash above the target',
    code: 'high-hash',
    build: (chain) => withHighHash(chain.buildBlock()),
  },
  {
    name: 'bits harder than required',
    code: 'bad-diffbits',
    build: (chain) => chain.buildBlock({ bits: 0x201fffff }),
  },
  {
    name: 'bits easier than powLimit',
    code: 'bad-diffbits',
    build: (chain) => chain.buildBlock({ bits: 0x2100ffff }),
  },
  {
    name: 'bits encoding a negative target',
    code: 'bad-diffbits',
    build: (chain) => remakeBlock(chain.buildBlock(), { header: { bits: 0x20800001 }, solve: false }),
  },
  // --- Header: context ---
  {
    name: 'time equal to the median time past',
    code: 'time-too-old',
    build: (chain) => chain.buildBlock({ time: chain.parentInfo().medianTimePast }),
  },
  {
    name: 'time more than two hours in the future',
    code: 'time-too-new',
    build: (chain) => chain.buildBlock({ time: chain.now + MAX_FUTURE_BLOCK_TIME + 1 }),
  },
  {
    name: 'unknown previous block',
    code: 'prev-blk-not-found',
    build: (chain) => chain.buildBlock({ prevHashBytes: sha256d(new TextEncoder().encode('no such block')) }),
  },
  // --- Block structure ---
  {
    name: 'merkle root not matching the transactions',
    code: 'bad-txnmrklroot',
    corruptionPossible: true,
    build: (chain) => remakeBlock(chain.buildBlock(), { header: { merkleRootBytes: sha256d(Uint8Array.of(1)) } }),
  },
  {
    name: 'last transaction of an odd list duplicated, same merkle root (CVE-2012-2459)',
    code: 'bad-txns-duplicate',
    corruptionPossible: true,
    build: (chain) => {
      const block = blockWith(chain, validSpend(chain, 0), validSpend(chain, 1));
      const last = block.transactions[block.transactions.length - 1]!;
      return remakeBlock(block, { transactions: [...block.transactions, last], recomputeMerkleRoot: false, solve: false });
    },
  },
  {
    name: 'no transactions',
    code: 'bad-blk-length',
    build: (chain) => remakeBlock(chain.buildBlock(), { transactions: [] }),
  },
  {
    name: 'stripped size over 1,000,000 bytes',
    code: 'bad-blk-length',
    build: (chain) => withAlteredSpend(chain, (tx) => ({ inputs: [{ ...tx.inputs[0]!, scriptSig: new Uint8Array(1_000_000) }] })),
  },
  {
    name: 'weight over 4,000,000 through a huge witness item (with a valid commitment)',
    code: 'bad-blk-weight',
    build: (chain) => blockWith(chain, withWitness(validSpend(chain), 0, [new Uint8Array(4_000_000)])),
  },
  {
    name: 'first transaction not a coinbase',
    code: 'bad-cb-missing',
    build: (chain) => {
      const tx = validSpend(chain);
      return remakeBlock(blockWith(chain, tx), { transactions: [tx] });
    },
  },
  {
    name: 'a second coinbase',
    code: 'bad-cb-multiple',
    build: (chain) => blockWith(chain, createCoinbase({ height: chain.height + 1, extraNonce: 1n, outputs: [payTo(2, 1n)] })),
  },
  // --- Coinbase ---
  {
    name: 'coinbase scriptSig of 1 byte',
    code: 'bad-cb-length',
    build: (chain) => withCoinbaseScriptSig(chain, Uint8Array.of(0x51)),
  },
  {
    name: 'coinbase scriptSig of 101 bytes',
    code: 'bad-cb-length',
    build: (chain) => {
      const prefix = encodeHeightPush(chain.height + 1);
      return withCoinbaseScriptSig(chain, concatBytes(prefix, new Uint8Array(101 - prefix.length)));
    },
  },
  {
    name: 'coinbase committing to the wrong height',
    code: 'bad-cb-height',
    build: (chain) => chain.buildBlock({ coinbaseHeight: chain.height + 2 }),
  },
  {
    name: 'coinbase pushing the right height non-minimally',
    code: 'bad-cb-height',
    build: (chain) => withCoinbaseScriptSig(chain, concatBytes(pushData(concatBytes(scriptNum(chain.height + 1), Uint8Array.of(0))), new Uint8Array(8))),
  },
  {
    name: 'coinbase claiming one satoshi more than the subsidy',
    code: 'bad-cb-amount',
    build: (chain) => chain.buildBlock({ coinbaseExtra: 1n }),
  },
  {
    name: 'coinbase claiming one satoshi more than subsidy plus fees',
    code: 'bad-cb-amount',
    build: (chain) => chain.buildBlock({ transactions: [validSpend(chain)], fees: FEE + 1n }),
  },
  // --- Witness commitment (BIP141) ---
  {
    name: 'witness transaction without a commitment',
    code: 'unexpected-witness',
    corruptionPossible: true,
    build: (chain) =>
      withCoinbaseMutation(chain, (cb) => mutateTx(cb, { inputs: [{ ...cb.inputs[0]!, witness: [] }], outputs: cb.outputs.slice(0, -1) }), true),
  },
  {
    name: 'coinbase reserved value of 33 bytes',
    code: 'bad-witness-nonce-size',
    corruptionPossible: true,
    build: (chain) => withCoinbaseMutation(chain, coinbaseWitness([new Uint8Array(33)]), false),
  },
  {
    name: 'spend witness altered under a valid header',
    code: 'bad-witness-merkle-match',
    corruptionPossible: true,
    build: (chain) => withAlteredWitness(blockWith(chain, validSpend(chain))),
  },
  {
    name: 'coinbase reserved value changed',
    code: 'bad-witness-merkle-match',
    corruptionPossible: true,
    build: (chain) => withCoinbaseMutation(chain, coinbaseWitness([new Uint8Array(32).fill(0xee)]), false),
  },
  // --- Transaction sanity ---
  {
    name: 'transaction without inputs',
    code: 'bad-txns-vin-empty',
    build: (chain) => withAlteredSpend(chain, () => ({ inputs: [] })),
  },
  {
    name: 'transaction without outputs',
    code: 'bad-txns-vout-empty',
    build: (chain) => withAlteredSpend(chain, () => ({ outputs: [] })),
  },
  {
    name: 'negative output',
    code: 'bad-txns-vout-negative',
    build: (chain) => withAlteredSpend(chain, () => ({ outputs: [payTo(1, -1n)] })),
  },
  {
    name: 'output above MAX_MONEY',
    code: 'bad-txns-vout-toolarge',
    build: (chain) => withAlteredSpend(chain, () => ({ outputs: [payTo(1, MAX_MONEY + 1n)] })),
  },
  {
    name: 'outputs summing above MAX_MONEY',
    code: 'bad-txns-txouttotal-toolarge',
    build: (chain) => withAlteredSpend(chain, () => ({ outputs: [payTo(1, MAX_MONEY), payTo(2, MAX_MONEY)] })),
  },
  {
    name: 'output that is not taproot (segwit v0)',
    code: 'bad-txns-output-script',
    build: (chain) => withExtraOutput(chain, { value: 0n, scriptPubKey: concatBytes(Uint8Array.of(0x00, 0x14), new Uint8Array(20)) }),
  },
  {
    name: 'OP_RETURN output with 81 data bytes',
    code: 'bad-txns-output-script',
    build: (chain) => withExtraOutput(chain, { value: 0n, scriptPubKey: nullDataScript(new Uint8Array(81)) }),
  },
  {
    name: 'the same input twice in one transaction',
    code: 'bad-txns-inputs-duplicate',
    build: (chain) => {
      const c = coin(chain);
      return blockWith(chain, spend([c, c], [payTo(1, c.output.value)]));
    },
  },
  {
    name: 'non-coinbase input spending the null outpoint',
    code: 'bad-txns-prevout-null',
    build: (chain) =>
      withAlteredSpend(chain, (tx) => ({ inputs: [tx.inputs[0]!, { ...tx.inputs[0]!, prevout: { txid: NULL_TXID, vout: NULL_VOUT } }] })),
  },
  {
    name: 'input with a non-empty scriptSig',
    code: 'bad-txns-scriptsig-nonempty',
    build: (chain) => withAlteredSpend(chain, (tx) => ({ inputs: [{ ...tx.inputs[0]!, scriptSig: Uint8Array.of(0x51) }] })),
  },
  // --- Transaction context: finality ---
  {
    name: 'transaction locked until the block\'s own height',
    code: 'bad-txns-nonfinal',
    build: (chain) => {
      const c = coin(chain);
      return blockWith(chain, spend([c], [payTo(1, c.output.value - FEE)], { locktime: chain.height + 1 }));
    },
  },
  {
    name: 'transaction locked until the median time past',
    code: 'bad-txns-nonfinal',
    build: (chain) => {
      const c = coin(chain);
      return blockWith(chain, spend([c], [payTo(1, c.output.value - FEE)], { locktime: chain.parentInfo().medianTimePast }));
    },
  },
  // --- Spends against the UTXO set ---
  {
    name: 'input spending an unknown coin',
    code: 'bad-txns-inputs-missingorspent',
    build: (chain) => {
      const ghost: OwnedCoin = { ...coin(chain), prevout: { txid: sha256d(Uint8Array.of(0x99)), vout: 0 } };
      return blockWith(chain, spend([ghost], [payTo(1, 1n)]));
    },
  },
  {
    name: 'one coin spent by two transactions in the block',
    code: 'bad-txns-inputs-missingorspent',
    build: (chain) => {
      const c = coin(chain);
      return blockWith(chain, spend([c], [payTo(1, c.output.value - FEE)]), spend([c], [payTo(2, c.output.value - FEE)]));
    },
  },
  {
    name: 'input spending an output created later in the block',
    code: 'bad-txns-inputs-missingorspent',
    build: (chain) => {
      const first = validSpend(chain);
      const second = spend([ownedOutput(first, 0, 1)], [payTo(2, 1n)]);
      return blockWith(chain, second, first);
    },
  },
  {
    name: 'spend of the previous block\'s coinbase (depth 1)',
    code: 'bad-txns-premature-spend-of-coinbase',
    build: (chain) => {
      const young = chain.coinbaseCoins[chain.coinbaseCoins.length - 1]!;
      return blockWith(chain, spend([young], [payTo(1, 1n)]));
    },
  },
  {
    name: 'spend of a coinbase at depth 99',
    code: 'bad-txns-premature-spend-of-coinbase',
    build: (chain) => {
      const height = chain.height + 1 - (chain.params.coinbaseMaturity - 1);
      const almost = chain.coinbaseCoins[height - 1]!;
      return blockWith(chain, spend([almost], [payTo(1, 1n)]));
    },
  },
  {
    name: 'outputs worth one satoshi more than the inputs',
    code: 'bad-txns-in-belowout',
    build: (chain) => {
      const c = coin(chain);
      return blockWith(chain, spend([c], [payTo(1, c.output.value + 1n)]));
    },
  },
  // --- Signatures ---
  {
    name: 'signature with one bit flipped',
    code: 'mandatory-script-verify-flag-failed',
    build: (chain) => {
      const tx = validSpend(chain);
      return blockWith(chain, withWitness(tx, 0, [flipBit(tx.inputs[0]!.witness[0]!, 7)]));
    },
  },
  {
    name: 'signature made for a different transaction',
    code: 'mandatory-script-verify-flag-failed',
    build: (chain) => {
      const c = coin(chain);
      const other = spend([c], [payTo(2, c.output.value - FEE)]);
      return blockWith(chain, withWitness(validSpend(chain), 0, other.inputs[0]!.witness));
    },
  },
  {
    name: 'signature by a key that does not own the coin',
    code: 'mandatory-script-verify-flag-failed',
    build: (chain) => {
      const c = coin(chain);
      return blockWith(chain, spend([{ ...c, key: testKey(42) }], [payTo(1, c.output.value - FEE)]));
    },
  },
  {
    name: 'empty witness',
    code: 'mandatory-script-verify-flag-failed',
    build: (chain) => blockWith(chain, withWitness(validSpend(chain), 0, [])),
  },
  {
    name: 'invalid sighash type byte',
    code: 'mandatory-script-verify-flag-failed',
    build: (chain) => {
      const c = coin(chain);
      const signed = signTaprootInputs(withWitness(validSpend(chain), 0, []), [c.output], [c.key], SIGHASH_ALL);
      const sig = Uint8Array.of(...signed.inputs[0]!.witness[0]!.subarray(0, 64), 0x04); // 0x04 is no BIP341 hash type
      return blockWith(chain, withWitness(signed, 0, [sig]));
    },
  },
];
