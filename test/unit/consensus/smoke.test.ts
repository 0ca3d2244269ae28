import { describe, expect, it } from 'vitest';
import { TestChain, spend, payTo } from '../../helpers/chain.js';
import { COIN } from '../../../src/consensus/constants.js';

describe('TestChain', () => {
  it('builds a valid chain with a signed spend', () => {
    const chain = new TestChain();
    const coin = chain.matureCoin(0);
    const tx = spend([coin], [payTo(1, 49n * COIN)]);
    const block = chain.buildBlock({ transactions: [tx], fees: 1n * COIN });
    chain.add(block);
    expect(chain.height).toBe(102);
  });
});
