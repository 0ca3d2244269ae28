/** resolveSpentCoins alone: which source each input's coin comes from, and that only earlier outputs count. */
import { describe, expect, it } from 'vitest';
import { resolveSpentCoins } from '../../../src/chain/spent-coins.js';
import { ownedOutput, payTo, spend, TestChain } from '../../helpers/chain.js';

const FEE = 10_000n;

describe('resolveSpentCoins', () => {
  const builder = new TestChain();
  const coin = builder.matureCoin(0);
  const tx1 = spend([coin], [payTo(1, coin.output.value - FEE)]);
  const tx2 = spend([ownedOutput(tx1, 0, 1)], [payTo(2, tx1.outputs[0]!.value - FEE)]);
  const undo = [{ prevout: coin.prevout, coin: { value: coin.output.value, scriptPubKey: coin.output.scriptPubKey, height: 1, coinbase: true } }];

  it('takes a coin made earlier in the block from the block, at its height, and the rest from the undo record', () => {
    const block = builder.buildBlock({ transactions: [tx1, tx2], fees: 2n * FEE });
    const height = builder.height + 1;
    expect(resolveSpentCoins(block, height, undo)).toEqual([
      [],
      [undo[0]!.coin],
      [{ value: tx1.outputs[0]!.value, scriptPubKey: tx1.outputs[0]!.scriptPubKey, height, coinbase: false }],
    ]);
  });

  it('is db-corrupt for a coin in neither, such as the output of a later transaction', () => {
    const reversed = builder.buildBlock({ transactions: [tx2, tx1], fees: 2n * FEE });
    expect(() => resolveSpentCoins(reversed, builder.height + 1, undo)).toThrow(expect.objectContaining({ code: 'db-corrupt' }));
    const block = builder.buildBlock({ transactions: [tx1, tx2], fees: 2n * FEE });
    expect(() => resolveSpentCoins(block, builder.height + 1, [])).toThrow(expect.objectContaining({ code: 'db-corrupt' }));
  });
});
