/**
 * The invalid-block table (test/helpers/invalid-blocks.ts) through a real Chain:
 * every case is refused with its code, the tip and UTXO set do not move, the
 * header is condemned exactly when it should be, and a valid block still connects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Chain } from '../../../src/chain/chain.js';
import type { UtxoDigest } from '../../../src/chain/chaindb.js';
import { regtest } from '../../../src/consensus/params.js';
import { RuleError } from '../../../src/consensus/errors.js';
import { verifyHeaderHash } from '../../../src/consensus/pow.js';
import type { Block } from '../../../src/primitives/block.js';
import { payTo, spend, type TestChain } from '../../helpers/chain.js';
import { INVALID_BLOCK_CASES, prepareInvalidBlockChain, type InvalidBlockCase } from '../../helpers/invalid-blocks.js';
import { tempDir } from '../../helpers/tmp.js';

const root = tempDir('tally-invalid-table');

/** Failures that say nothing final about the header: it may still turn out valid. */
const NOT_FINAL = new Set(['time-too-new', 'prev-blk-not-found']);

let prepared: TestChain;
let node: Chain;
let digest: UtxoDigest;

beforeAll(async () => {
  prepared = prepareInvalidBlockChain();
  node = new Chain({ path: join(root, 'db'), params: regtest }, { clock: () => prepared.now });
  await node.open();
  for (const block of prepared.blocks.slice(1)) await node.processBlock(block);
  expect(node.tip.hashHex).toBe(prepared.tip.hash);
  digest = await node.utxoDigest();
});

afterAll(async () => {
  await node?.close();
});

/** The code processBlock rejects with, or the status it resolves to. */
async function outcome(block: Block): Promise<string> {
  try {
    return (await node.processBlock(block)).status;
  } catch (err) {
    if (err instanceof RuleError) return err.code;
    throw err;
  }
}

/** Whether a block failing with `c` must leave its header marked invalid (Core's AcceptBlock). */
function condemnsHeader(c: InvalidBlockCase, block: Block): boolean {
  const powValid = verifyHeaderHash(block.hashBytes, block.header.bits, regtest.powLimit);
  return powValid && !c.corruptionPossible && !NOT_FINAL.has(c.code);
}

describe('the invalid-block table through a Chain', () => {
  it('has cases', () => {
    expect(INVALID_BLOCK_CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(INVALID_BLOCK_CASES)('$code: $name', async (c) => {
    const block = c.build(prepared);
    const orphansBefore = node.orphanCount;
    const result = await outcome(block);
    if (c.code === 'prev-blk-not-found') {
      // The chain cannot tell an invalid parent from one it has not seen yet: it keeps the block.
      expect(result).toBe('orphan');
      expect(node.orphanCount).toBe(orphansBefore + 1);
    } else {
      expect(result).toBe(c.code);
    }
    expect(node.tip.hashHex).toBe(prepared.tip.hash);
    expect(await node.utxoDigest()).toEqual(digest);

    const entry = node.getEntry(block.hash);
    if (condemnsHeader(c, block)) {
      expect(entry?.failed).toBe(true);
      expect(await outcome(block)).toBe('duplicate-invalid');
    } else {
      expect(entry?.failed ?? false).toBe(false);
      // Judged afresh each time: a peer may later send the real block for this header.
      if (c.code !== 'prev-blk-not-found') expect(await outcome(block)).toBe(c.code);
    }
    expect(node.tip.hashHex).toBe(prepared.tip.hash);
  });

  it('still accepts a valid block after all of them', async () => {
    const chain = prepared.clone();
    const coin = chain.coinbaseCoins[0]!;
    const tx = spend([coin], [payTo(1, coin.output.value - 500n)]);
    const block = chain.add(chain.buildBlock({ transactions: [tx], fees: 500n }));
    expect(await outcome(block)).toBe('connected');
    expect(node.tip.hashHex).toBe(block.hash);
    expect((await node.utxoDigest()).txouts).toBe(chain.view.coins.size);
  });
});
