/**
 * Chains of blocks that spend each other's coins, for the connect pipeline's and
 * the block batches' tests (test/integration/chain).
 */
import type { Block } from '../../src/primitives/block.js';
import { flipBit, ownedOutput, payTo, spend, TestChain, withWitness, type OwnedCoin } from './chain.js';

/** The fee of every spend in a run. */
export const RUN_FEE = 1_000n;

/**
 * A chain with three coins fanned out at `prefix.height`, then `length` blocks each
 * spending one coin of the previous block; the spend of block `badAt` (1-based) carries
 * a forged signature, committed to by its block, so only the signature check fails.
 */
export function spendingRun(length: number, badAt?: number): { prefix: Block[]; run: Block[] } {
  const chain = new TestChain();
  const coin = chain.matureCoin(0);
  const each = coin.output.value / 4n;
  const fanOut = spend([coin], [payTo(1, each), payTo(1, each), payTo(1, each)]);
  chain.add(chain.buildBlock({ transactions: [fanOut], fees: coin.output.value - 3n * each }));
  const prefix = chain.blocks.slice(1);
  let coins: OwnedCoin[] = [0, 1, 2].map((v) => ownedOutput(fanOut, v, 1));
  for (let i = 1; i <= length; i++) {
    const txs = coins.map((c) => spend([c], [payTo(1, c.output.value - RUN_FEE)]));
    if (i === badAt) txs[1] = withWitness(txs[1]!, 0, [flipBit(txs[1]!.inputs[0]!.witness[0]!, 8)]);
    const block = chain.buildBlock({ transactions: txs, fees: RUN_FEE * BigInt(txs.length) });
    if (badAt !== undefined && i >= badAt) chain.addUnchecked(block);
    else chain.add(block);
    coins = txs.map((tx) => ownedOutput(tx, 0, 1));
  }
  return { prefix, run: chain.blocks.slice(prefix.length + 1) };
}
