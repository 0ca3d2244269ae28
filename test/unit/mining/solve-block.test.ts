import { describe, expect, it, vi } from 'vitest';
import { regtest } from '../../../src/consensus/params.js';
import { assembleBlock, solveBlock } from '../../../src/mining/assemble.js';
import { createCoinbase } from '../../../src/mining/coinbase.js';
import { payTo } from '../../helpers/chain.js';

// Exhausting all 2^32 nonces for real would take hours; stand in a search that finds nothing.
vi.mock('../../../src/mining/mine.js', () => ({ mine: vi.fn(() => null) }));

describe('solveBlock when the nonce range is exhausted', () => {
  it('throws, asking for another time or extra nonce', () => {
    const draft = assembleBlock({
      prevHashBytes: new Uint8Array(32),
      time: 1_800_000_000,
      bits: regtest.powLimitBits,
      coinbase: createCoinbase({ height: 1, outputs: [payTo(0, 1n)] }),
    });
    expect(() => solveBlock(draft)).toThrow(/no nonce/);
  });
});
