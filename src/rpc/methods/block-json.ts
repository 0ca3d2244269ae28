/**
 * Blocks and headers as JSON (Core's blockheaderToJSON and blockToJSON), with
 * the caches that keep repeated explorer queries cheap.
 */
import type { Block } from '../../primitives/block.js';
import { BufferReader } from '../../primitives/encoding.js';
import { decodeBits } from '../../consensus/pow.js';
import type { ChainEntry } from '../../chain/index.js';
import type { ChainReader } from '../../node/interface.js';
import { formatBits, formatDifficulty, formatUint256 } from '../format.js';
import type { RpcContext } from '../types.js';
import { txToUniv } from './tx-json.js';

/** Transactions in a stored block (read from the count after the header, without decoding the block); 0 without data. */
async function blockTxCount(chain: ChainReader, entry: ChainEntry): Promise<number> {
  if (!entry.haveData) return 0;
  const bytes = await chain.getBlockBytes(entry.hashHex);
  return bytes ? new BufferReader(bytes, 80).varint() : 0;
}

/**
 * Cumulative transaction counts (Core's nChainTx) by block hash, kept every
 * CHAIN_TX_STRIDE heights and for blocks asked about, so that memory stays
 * small on a long chain while a query reads at most a stride of blocks.
 * A block's count depends only on its ancestry, so entries never go stale.
 */
const chainTxCache = new WeakMap<ChainReader, Map<string, number>>();
const CHAIN_TX_STRIDE = 1000;

/** Transactions in the chain up to and including `entry`, or undefined when a block on the way is missing. */
export async function chainTxCount(chain: ChainReader, entry: ChainEntry): Promise<number | undefined> {
  let cache = chainTxCache.get(chain);
  if (!cache) chainTxCache.set(chain, (cache = new Map()));
  const path: ChainEntry[] = [];
  let e: ChainEntry | null = entry;
  for (; e && !cache.has(e.hashHex); e = e.prev) path.push(e);
  let total = e ? cache.get(e.hashHex)! : 0;
  for (const step of path.reverse()) {
    if (!step.haveData) return undefined;
    total += await blockTxCount(chain, step);
    if (step.height % CHAIN_TX_STRIDE === 0 || step === entry) cache.set(step.hashHex, total);
  }
  return total;
}

/** Core's blockheaderToJSON. */
export async function headerToJson(ctx: RpcContext, entry: ChainEntry): Promise<Record<string, unknown>> {
  const chain = ctx.chain;
  const h = entry.header;
  const main = chain.isMain(entry);
  const next = main ? chain.getEntryAtHeight(entry.height + 1) : undefined;
  return {
    hash: entry.hashHex,
    confirmations: main ? chain.height - entry.height + 1 : -1,
    height: entry.height,
    version: h.version,
    versionHex: formatBits(h.version),
    merkleroot: h.merkleRoot,
    time: h.time,
    mediantime: entry.medianTimePast,
    nonce: h.nonce,
    bits: formatBits(h.bits),
    target: formatUint256(decodeBits(h.bits).target),
    difficulty: formatDifficulty(h.bits, ctx.params),
    chainwork: formatUint256(entry.chainWork),
    nTx: await blockTxCount(chain, entry),
    ...(entry.prev ? { previousblockhash: entry.prev.hashHex } : {}),
    ...(next ? { nextblockhash: next.hashHex } : {}),
  };
}

/**
 * Decoded transactions of recently requested blocks. Explorers ask for the same
 * blocks again and again, and decoding a full block is most of getblock's cost;
 * the transactions of a block never change (fees depend only on whether it is
 * on the best chain, which is part of the key). A few blocks per chain suffice.
 */
const decodedCache = new WeakMap<ChainReader, Map<string, unknown[]>>();
const DECODED_CACHE_BLOCKS = 8;

async function decodedTransactions(ctx: RpcContext, entry: ChainEntry, block: Block, verbosity: number): Promise<unknown[]> {
  const chain = ctx.chain;
  let cache = decodedCache.get(chain);
  if (!cache) decodedCache.set(chain, (cache = new Map()));
  const key = `${entry.hashHex}:${chain.isMain(entry)}:${verbosity}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const spent = await chain.spentCoins(entry);
  const prevouts = verbosity >= 3;
  const tx = block.transactions.map((t, i) => txToUniv(t, ctx.params, { ...(i > 0 && spent ? { spent: spent[i]! } : {}), prevouts }));
  cache.set(key, tx);
  if (cache.size > DECODED_CACHE_BLOCKS) cache.delete(cache.keys().next().value!);
  return tx;
}

/**
 * Core's getblock verbosity 1 (txids), 2 (decoded transactions, with fees where
 * the undo data has them) or 3 (also each input's prevout).
 */
export async function blockToJson(ctx: RpcContext, entry: ChainEntry, block: Block, verbosity: number): Promise<Record<string, unknown>> {
  const tx = verbosity === 1 ? block.transactions.map((t) => t.txid) : await decodedTransactions(ctx, entry, block, verbosity);
  return { ...(await headerToJson(ctx, entry)), strippedsize: block.strippedSize, size: block.size, weight: block.weight, tx };
}
