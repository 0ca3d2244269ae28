/**
 * Chain.getBlockBytes (src/chain/chain.ts): what the p2p layer serves to peers is
 * the record as stored, neither decoded nor checked again; a record that is not
 * the block it is filed under is the typed storage error `db-corrupt`.
 */
import { describe, expect, it } from 'vitest';
import { keys } from '../../../src/chain/layout.js';
import { hashFromHex } from '../../../src/primitives/bytes.js';
import { TestChain } from '../../helpers/chain.js';
import { TestChains } from '../../helpers/chain-db.js';

const chains = new TestChains('tally-block-bytes');

describe('Chain.getBlockBytes', () => {
  it('returns the stored encoding of a stored block, and nothing for one it lacks', async () => {
    const builder = new TestChain();
    builder.mine(3);
    const chain = await chains.open(builder.now);
    for (const block of builder.blocks.slice(1)) await chain.processBlock(block);
    for (const block of builder.blocks) {
      expect(chain.hasBlock(block.hash)).toBe(true);
      expect(Buffer.from((await chain.getBlockBytes(block.hash))!).equals(Buffer.from(block.toBytes()))).toBe(true);
    }
    const unknown = builder.buildBlock();
    expect(chain.hasBlock(unknown.hash)).toBe(false);
    expect(await chain.getBlockBytes(unknown.hash)).toBeUndefined();
  });

  it('a record that holds another block, or is cut short, is db-corrupt', async () => {
    const builder = new TestChain();
    builder.mine(2);
    const chain = await chains.open(builder.now);
    for (const block of builder.blocks.slice(1)) await chain.processBlock(block);
    const [, first, second] = builder.blocks;
    await chain['db'].batch([{ type: 'put', key: keys.block(hashFromHex(first!.hash)), value: second!.toBytes() }]);
    await expect(chain.getBlockBytes(first!.hash)).rejects.toMatchObject({ code: 'db-corrupt' });
    await chain['db'].batch([{ type: 'put', key: keys.block(hashFromHex(second!.hash)), value: second!.toBytes().subarray(0, 80) }]);
    await expect(chain.getBlockBytes(second!.hash)).rejects.toMatchObject({ code: 'db-corrupt' });
  });
});
