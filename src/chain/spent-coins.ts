/**
 * The coins a connected block spent, input by input. The undo record holds
 * only the coins the block took from the UTXO set; an output created and spent
 * within the block never entered it, so it is rebuilt from the block itself.
 */
import type { Block } from '../primitives/block.js';
import { hashToHex } from '../primitives/bytes.js';
import { outpointKey } from '../primitives/tx.js';
import type { Coin } from '../consensus/coins.js';
import { ChainError } from './errors.js';
import type { UndoCoin } from './records.js';

/**
 * The coin spent by each input, by transaction position then input index;
 * the coinbase's list is empty (it spends nothing).
 */
export type BlockSpentCoins = readonly (readonly Coin[])[];

/**
 * Resolves every input of every non-coinbase transaction of `block` (connected
 * at `height`): from the outputs of earlier transactions of the same block,
 * else from the block's undo record.
 * @throws ChainError db-corrupt when an input's coin is in neither (the undo record does not match the block)
 */
export function resolveSpentCoins(block: Block, height: number, undo: readonly UndoCoin[]): BlockSpentCoins {
  const fromUndo = new Map<string, Coin>();
  for (const { prevout, coin } of undo) fromUndo.set(outpointKey(prevout), coin);
  const created = new Map<string, Coin>();
  return block.transactions.map((tx, position) => {
    const coins = position === 0 ? [] : tx.inputs.map(({ prevout }) => {
      const key = outpointKey(prevout);
      const coin = created.get(key) ?? fromUndo.get(key);
      if (!coin) throw new ChainError('db-corrupt', `undo data of block ${block.hash} lacks coin ${hashToHex(prevout.txid)}:${prevout.vout}, spent by ${tx.txid}; run with --reindex`);
      return coin;
    });
    // Added after this transaction's inputs: only later transactions may spend its outputs.
    tx.outputs.forEach(({ value, scriptPubKey }, vout) => {
      created.set(outpointKey({ txid: tx.txidBytes, vout }), { value, scriptPubKey, height, coinbase: position === 0 });
    });
    return coins;
  });
}
