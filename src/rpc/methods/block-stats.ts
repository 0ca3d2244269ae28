/** getblockstats: every statistic of Core's, computed from the block and its undo data. */
import { varintSize } from '../../primitives/encoding.js';
import { classifyOutput } from '../../primitives/script.js';
import type { TxOutput } from '../../primitives/tx.js';
import { getBlockSubsidy } from '../../consensus/subsidy.js';
import type { ChainEntry } from '../../chain/index.js';
import { RPC, RpcError } from '../errors.js';
import type { RpcContext } from '../types.js';
import { loadBlock, txFee } from './chain-lookup.js';

/** Core's PER_UTXO_OVERHEAD (outpoint, height and coinbase flag), for getblockstats' utxo_size_inc. */
const PER_UTXO_OVERHEAD = 41;
/** Core's MAX_BLOCK_SERIALIZED_SIZE, the starting minimum of getblockstats' mintxsize. */
const MAX_BLOCK_SERIALIZED_SIZE = 4_000_000;

/** Core's CalculateTruncatedMedian. */
function truncatedMedian(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 0 ? Math.floor((s[mid - 1]! + s[mid]!) / 2) : s[mid]!;
}

/** Core's CalculatePercentilesByWeight: the 10th, 25th, 50th, 75th and 90th percentile fee rates by weight. */
function percentilesByWeight(scores: [feerate: number, weight: number][], totalWeight: number): number[] {
  const result = [0, 0, 0, 0, 0];
  if (scores.length === 0) return result;
  scores.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const marks = [totalWeight / 10, totalWeight / 4, totalWeight / 2, (totalWeight * 3) / 4, (totalWeight * 9) / 10];
  let next = 0;
  let cumulative = 0;
  for (const [feerate, weight] of scores) {
    cumulative += weight;
    while (next < 5 && cumulative >= marks[next]!) result[next++] = feerate;
  }
  for (; next < 5; next++) result[next] = scores[scores.length - 1]![0];
  return result;
}

const outputSize = (o: TxOutput): number => 8 + varintSize(o.scriptPubKey.length) + o.scriptPubKey.length + PER_UTXO_OVERHEAD;

/** Every statistic of Core's getblockstats; amounts in satoshis, as Core gives them. */
export async function blockStats(ctx: RpcContext, entry: ChainEntry): Promise<Record<string, unknown>> {
  const chain = ctx.chain;
  const block = await loadBlock(chain, entry);
  const spent = await chain.spentCoins(entry);
  if (!spent) throw new RpcError(RPC.MISC_ERROR, 'Undo data not available: the block is not on the best chain');
  const s = { ins: 0, outs: 0, totalOut: 0n, totalSize: 0, totalWeight: 0, swtxs: 0, swSize: 0, swWeight: 0, utxos: 0, sizeInc: 0, sizeIncActual: 0 };
  const fees: bigint[] = [];
  const feerates: [number, number][] = [];
  const sizes: number[] = [];
  for (const [i, tx] of block.transactions.entries()) {
    s.outs += tx.outputs.length;
    for (const output of tx.outputs) {
      s.sizeInc += outputSize(output);
      if (entry.height === 0 || classifyOutput(output.scriptPubKey).type !== 'taproot') continue;
      s.utxos++;
      s.sizeIncActual += outputSize(output);
    }
    if (i === 0) continue;
    s.ins += tx.inputs.length;
    s.totalOut += tx.outputs.reduce((a, o) => a + o.value, 0n);
    sizes.push(tx.totalSize);
    s.totalSize += tx.totalSize;
    s.totalWeight += tx.weight;
    if (tx.hasWitness) {
      s.swtxs++;
      s.swSize += tx.totalSize;
      s.swWeight += tx.weight;
    }
    for (const coin of spent[i]!) {
      const size = outputSize(coin);
      s.sizeInc -= size;
      s.sizeIncActual -= size;
    }
    const fee = txFee(tx, spent[i]!);
    fees.push(fee);
    feerates.push([Number((fee * 4n) / BigInt(tx.weight)), tx.weight]);
  }
  const others = BigInt(block.transactions.length - 1);
  const totalFee = fees.reduce((a, b) => a + b, 0n);
  const rates = feerates.map(([r]) => r);
  return {
    avgfee: others > 0n ? Number(totalFee / others) : 0,
    avgfeerate: s.totalWeight ? Number((totalFee * 4n) / BigInt(s.totalWeight)) : 0,
    avgtxsize: others > 0n ? Math.floor(s.totalSize / Number(others)) : 0,
    blockhash: entry.hashHex,
    feerate_percentiles: percentilesByWeight(feerates, s.totalWeight),
    height: entry.height,
    ins: s.ins,
    maxfee: fees.length ? Number(fees.reduce((a, b) => (b > a ? b : a))) : 0,
    maxfeerate: rates.length ? Math.max(...rates) : 0,
    maxtxsize: sizes.length ? Math.max(...sizes) : 0,
    medianfee: truncatedMedian(fees.map(Number)),
    mediantime: entry.medianTimePast,
    mediantxsize: truncatedMedian(sizes),
    minfee: fees.length ? Number(fees.reduce((a, b) => (b < a ? b : a))) : 0,
    minfeerate: rates.length ? Math.min(...rates) : 0,
    mintxsize: sizes.length ? Math.min(MAX_BLOCK_SERIALIZED_SIZE, ...sizes) : 0,
    outs: s.outs,
    subsidy: Number(getBlockSubsidy(entry.height, ctx.params)),
    swtotal_size: s.swSize,
    swtotal_weight: s.swWeight,
    swtxs: s.swtxs,
    time: entry.header.time,
    total_out: Number(s.totalOut),
    total_size: s.totalSize,
    total_weight: s.totalWeight,
    totalfee: Number(totalFee),
    txs: block.transactions.length,
    utxo_increase: s.outs - s.ins,
    utxo_size_inc: s.sizeInc,
    utxo_increase_actual: s.utxos - s.ins,
    utxo_size_inc_actual: s.sizeIncActual,
  };
}

/** An output for gettxout: confirmed, or (with the mempool) created by a pool transaction; null when spent or unknown. */
