/**
 * acceptHeaders alone (block index in memory, no storage): a run of headers
 * becomes entries plus exactly one record per new header for the caller's one
 * batch, and stops at the first failure with nothing after it in the index.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { acceptHeaders } from '../../../src/chain/accept-headers.js';
import { BlockIndex } from '../../../src/chain/block-index.js';
import { ChainEntry } from '../../../src/chain/entry.js';
import { keys } from '../../../src/chain/layout.js';
import { BlockStatus } from '../../../src/chain/records.js';
import { RuleError } from '../../../src/consensus/errors.js';
import { getGenesisBlock, regtest } from '../../../src/consensus/params.js';
import type { BlockHeader } from '../../../src/primitives/block.js';
import { TestChain } from '../../helpers/chain.js';

let builder: TestChain;
let headers: BlockHeader[];
beforeAll(() => {
  builder = new TestChain();
  builder.mine(10);
  headers = builder.blocks.slice(1).map((b) => b.header);
});

function genesisIndex(): BlockIndex {
  const index = new BlockIndex();
  const genesis = new ChainEntry(getGenesisBlock(regtest).header, null, BlockStatus.HAVE_DATA | BlockStatus.VALID);
  index.reset([genesis]);
  index.mainChain.push(genesis);
  index.linkAll();
  return index;
}

describe('acceptHeaders', () => {
  it('queues one header record per new header, in order, and none for known ones', () => {
    const index = genesisIndex();
    const first = acceptHeaders(headers.slice(0, 6), index, regtest, builder.now);
    expect(first.failure).toBeUndefined();
    expect(first.added).toBe(6);
    expect(first.ops.map((op) => op.key)).toEqual(headers.slice(0, 6).map((h) => keys.header(index.get(h.hash)!.hash)));
    const second = acceptHeaders(headers, index, regtest, builder.now);
    expect(second.added).toBe(4);
    expect(second.ops).toHaveLength(4);
    expect(second.last).toBe(index.get(builder.tip.hash));
  });

  it('stops at the first failure: its entry and those after it stay out of the index', () => {
    const index = genesisIndex();
    const early = builder.buildBlock({ prevHashBytes: builder.blocks[3]!.hashBytes, time: builder.blocks[3]!.header.time - 10 });
    const result = acceptHeaders([...headers.slice(0, 3), early.header, ...headers.slice(3)], index, regtest, builder.now);
    expect(result.failure).toBeInstanceOf(RuleError);
    expect((result.failure as RuleError).code).toBe('time-too-old');
    expect(result.added).toBe(3);
    expect(result.ops).toHaveLength(3);
    expect(index.get(early.hash)).toBeUndefined();
    expect(index.get(headers[3]!.hash)).toBeUndefined();
  });
});
