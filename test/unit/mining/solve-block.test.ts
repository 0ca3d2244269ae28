import { describe, expect, it, vi } from 'vitest';
import { regtest } from '../../../src/consensus/params.js';
import { assembleBlock, solveBlock } from '../../../src/mining/assemble.js';
import { createCoinbase } from '../../../src/mining/coinbase.js';
import { MiningError } from '../../../src/mining/errors.js';
import { payTo } from '../../helpers/chain.js';

// Exhausting all 2^32 nonces for real would take hours; stand in a search that finds nothing.
vi.mock('../../../src/mining/mine.js', () => ({ mine: vi.fn(() => null) }));

describe('solveBlock when the nonce range is exhausted', () => {
  it('throws MiningError nonce-space-exhausted', () => {
    const draft = assembleBlock({
      prevHashBytes: new Uint8Array(32),
      time: 1_800_000_000,
      bits: regtest.powLimitBits,
      coinbase: createCoinbase({ height: 1, outputs: [payTo(0, 1n)] }),
    });
    let caught: unknown;
    try {
      solveBlock(draft);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(MiningError);
    expect((caught as MiningError).code).toBe('nonce-space-exhausted');
  });
});
