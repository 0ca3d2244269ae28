/**
 * Chain.spentCoins on a real LevelDB: the coin of every input of a stored
 * block, whether it came from the UTXO set (the undo record) or from an
 * earlier transaction of the same block (in no undo record); nothing for a
 * block off the best chain; db-corrupt when the undo record lacks a coin.
 */
import { describe, expect, it } from 'vitest';
import type { Chain } from '../../../src/chain/chain.js';
import { keys } from '../../../src/chain/layout.js';
import { encodeUndo } from '../../../src/chain/records.js';
import type { Coin } from '../../../src/consensus/coins.js';
import type { Block } from '../../../src/primitives/block.js';
import { toHex } from '../../../src/primitives/bytes.js';
import type { TxOutput } from '../../../src/primitives/tx.js';
import { TestChains, feedStatuses } from '../../helpers/chain-db.js';
import { ownedOutput, payTo, spend, TestChain, type OwnedCoin } from '../../helpers/chain.js';

const chains = new TestChains('tally-spent-coins');
const FEE = 10_000n;

/** Coins with their scripts as hex (LevelDB gives Buffers, blocks Uint8Arrays). */
type HexCoin = Omit<Coin, 'scriptPubKey'> & { scriptPubKey: string };
const coinOf = (output: TxOutput, height: number, coinbase: boolean): HexCoin => ({ value: output.value, scriptPubKey: toHex(output.scriptPubKey), height, coinbase });

async function spentCoins(chain: Chain, hash: string): Promise<HexCoin[][] | undefined> {
  const spent = await chain.spentCoins(chain.getEntry(hash)!);
  return spent?.map((coins) => coins.map((c) => ({ ...c, scriptPubKey: toHex(c.scriptPubKey) })));
}

/** A block at the tip of `builder` whose tx1 pays two outputs, tx2 spends a coinbase and tx1's second, tx3 tx1's first. */
function sameBlockSpends(builder: TestChain, [cb0, cb1]: OwnedCoin[]): Block {
  const tx1 = spend([cb0!], [payTo(1, 20n * FEE), payTo(1, cb0!.output.value - 21n * FEE)]);
  const tx2 = spend([cb1!, ownedOutput(tx1, 1, 1)], [payTo(2, cb1!.output.value + tx1.outputs[1]!.value - FEE)]);
  const tx3 = spend([ownedOutput(tx1, 0, 1)], [payTo(3, tx1.outputs[0]!.value - FEE)]);
  return builder.add(builder.buildBlock({ transactions: [tx1, tx2, tx3], fees: 3n * FEE }));
}

describe('Chain.spentCoins', () => {
  it('resolves spends of outputs made earlier in the same block from the block, the rest from its undo record', async () => {
    const builder = new TestChain();
    builder.matureCoin(1);
    const coinbases = builder.coinbaseCoins.slice(0, 2);
    const block = sameBlockSpends(builder, coinbases);
    const chain = await chains.open(builder.now);
    expect(new Set(await feedStatuses(chain, builder.blocks.slice(1)))).toEqual(new Set(['connected']));

    const [, tx1] = block.transactions;
    const height = builder.height;
    expect(await spentCoins(chain, block.hash)).toEqual([
      [],
      [coinOf(coinbases[0]!.output, 1, true)],
      [coinOf(coinbases[1]!.output, 2, true), coinOf(tx1!.outputs[1]!, height, false)],
      [coinOf(tx1!.outputs[0]!, height, false)],
    ]);
    // A block of only a coinbase spends nothing.
    expect(await spentCoins(chain, chain.getEntryAtHeight(height - 1)!.hashHex)).toEqual([[]]);
  });

  it('knows nothing of a block off the best chain, and knows it again once it is back', async () => {
    const builder = new TestChain();
    builder.matureCoin(1);
    const forkHeight = builder.height;
    const block = sameBlockSpends(builder, builder.coinbaseCoins.slice(0, 2));
    const fork = builder.fork(forkHeight);
    const rival = fork.add(fork.buildBlock({ transactions: [spend([fork.coinbaseCoins[0]!], [payTo(5, fork.coinbaseCoins[0]!.output.value - FEE)])], fees: FEE }));
    const chain = await chains.open(builder.now);
    await feedStatuses(chain, builder.blocks.slice(1));
    expect((await chain.processBlock(rival)).status).toBe('side');
    expect(await spentCoins(chain, rival.hash)).toBeUndefined();

    fork.mine(1);
    expect((await chain.processBlock(fork.tip)).status).toBe('connected');
    expect(await spentCoins(chain, block.hash)).toBeUndefined();
    expect((await spentCoins(chain, rival.hash))![1]).toEqual([coinOf(fork.coinbaseCoins[0]!.output, 1, true)]);
  });

  it('is db-corrupt when the undo record lacks a coin the block spent', async () => {
    const builder = new TestChain();
    builder.matureCoin(1);
    const block = sameBlockSpends(builder, builder.coinbaseCoins.slice(0, 2));
    const chain = await chains.open(builder.now);
    await feedStatuses(chain, builder.blocks.slice(1));
    const entry = chain.getEntry(block.hash)!;
    const undo = await chain['db'].getUndo(entry.hash);
    await chain['db'].batch([{ type: 'put', key: keys.undo(entry.hash), value: encodeUndo(undo.slice(1)) }]);
    await expect(chain.spentCoins(entry)).rejects.toMatchObject({ code: 'db-corrupt' });
  });
});
