/** Finding blocks and the outputs they spend, shared by the blockchain methods. */
import type { Block } from '../../primitives/block.js';
import { outpointKey, type Transaction, type TxOutput } from '../../primitives/tx.js';
import type { Chain } from '../../chain/chain.js';
import type { ChainEntry } from '../../chain/entry.js';
import { invalidParameter as invalid, RPC, RpcError } from '../errors.js';

export const notFound = (): RpcError => new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'Block not found');

/** The entry of a known header, or Core's -5 "Block not found". */
export function lookupEntry(chain: Chain, hash: string): ChainEntry {
  const entry = chain.getEntry(hash);
  if (!entry) throw notFound();
  return entry;
}

/** The block of an entry, or Core's -1 when only its header is known. */
export async function loadBlock(chain: Chain, entry: ChainEntry): Promise<Block> {
  const block = entry.haveData ? await chain.getBlock(entry.hashHex) : undefined;
  if (!block) throw new RpcError(RPC.MISC_ERROR, 'Block not available (not fully downloaded)');
  return block;
}

/**
 * The outputs a block's inputs spend, by outpoint: its undo data plus its own
 * outputs (Tally's undo omits coins created and spent within the block).
 * Undefined when the block has no undo data (not on the best chain).
 */
export async function spentOutputs(chain: Chain, block: Block, entry: ChainEntry): Promise<Map<string, TxOutput> | undefined> {
  const spent = new Map<string, TxOutput>();
  if (block.transactions.length === 1) return spent;
  if (!chain.isMain(entry) || !(await chain.db.hasUndo(entry.hash))) return undefined;
  // A reorganization may disconnect the block (and delete its undo data) meanwhile.
  const undo = await chain.db.getUndo(entry.hash).catch(() => undefined);
  if (!undo) return undefined;
  for (const { prevout, coin } of undo) spent.set(outpointKey(prevout), { value: coin.value, scriptPubKey: coin.scriptPubKey });
  for (const tx of block.transactions) tx.outputs.forEach((output, vout) => spent.set(outpointKey({ txid: tx.txidBytes, vout }), output));
  return spent;
}

/** The fee of a non-coinbase transaction from the outputs it spends. */
export function txFee(tx: Transaction, spent: Map<string, TxOutput>): bigint | undefined {
  let fee = 0n;
  for (const input of tx.inputs) {
    const output = spent.get(outpointKey(input.prevout));
    if (!output) return undefined;
    fee += output.value;
  }
  for (const output of tx.outputs) fee -= output.value;
  return fee;
}

/** A best-chain entry by height or any known entry by hash (getblockstats' hash_or_height). */
export function entryByHashOrHeight(chain: Chain, value: unknown): ChainEntry {
  if (typeof value === 'number') {
    if (value < 0) throw invalid(`Target block height ${value} is negative`);
    if (value > chain.height) throw invalid(`Target block height ${value} after current tip ${chain.height}`);
    return chain.getEntryAtHeight(value)!;
  }
  return lookupEntry(chain, value as string);
}
