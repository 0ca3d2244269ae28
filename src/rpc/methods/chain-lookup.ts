/** Finding blocks, and the fees of their transactions, shared by the blockchain methods. */
import type { Block } from '../../primitives/block.js';
import type { Transaction, TxOutput } from '../../primitives/tx.js';
import type { ChainEntry } from '../../chain/index.js';
import type { ChainReader } from '../../node/interface.js';
import { invalidParameter as invalid, RPC, RpcError } from '../errors.js';

export const notFound = (): RpcError => new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'Block not found');

/** The entry of a known header, or Core's -5 "Block not found". */
export function lookupEntry(chain: ChainReader, hash: string): ChainEntry {
  const entry = chain.getEntry(hash);
  if (!entry) throw notFound();
  return entry;
}

/** The block of an entry, or Core's -1 when only its header is known. */
export async function loadBlock(chain: ChainReader, entry: ChainEntry): Promise<Block> {
  const block = entry.haveData ? await chain.getBlock(entry.hashHex) : undefined;
  if (!block) throw new RpcError(RPC.MISC_ERROR, 'Block not available (not fully downloaded)');
  return block;
}

/** The fee of a non-coinbase transaction, from the coins its inputs spend (Chain.spentCoins, in input order). */
export function txFee(tx: Transaction, spent: readonly TxOutput[]): bigint {
  let fee = 0n;
  for (const coin of spent) fee += coin.value;
  for (const output of tx.outputs) fee -= output.value;
  return fee;
}

/** A best-chain entry by height or any known entry by hash (getblockstats' hash_or_height). */
export function entryByHashOrHeight(chain: ChainReader, value: unknown): ChainEntry {
  if (typeof value === 'number') {
    if (value < 0) throw invalid(`Target block height ${value} is negative`);
    if (value > chain.height) throw invalid(`Target block height ${value} after current tip ${chain.height}`);
    return chain.getEntryAtHeight(value)!;
  }
  return lookupEntry(chain, value as string);
}
