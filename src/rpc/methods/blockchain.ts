/**
 * Blockchain methods, shaped like Bitcoin Core's (src/rpc/blockchain.cpp):
 * chain state, blocks and headers, chain tips, UTXO queries and statistics.
 */
import { hashFromHex } from '../../primitives/bytes.js';
import { outpointKey, type TxOutput } from '../../primitives/tx.js';
import { decodeBits } from '../../consensus/pow.js';
import type { ChainEntry } from '../../chain/index.js';
import type { ChainReader } from '../../node/interface.js';
import { invalidParameter as invalid, RPC, RpcError } from '../errors.js';
import { formatAmount, formatBits, formatDifficulty, formatUint256 } from '../format.js';
import { defineMethod, type RpcContext, type RpcMethod } from '../types.js';
import { blockStats } from './block-stats.js';
import { blockToJson, chainTxCount, headerToJson } from './block-json.js';
import { entryByHashOrHeight, loadBlock, lookupEntry } from './chain-lookup.js';
import { scriptPubKeyJson } from './script-json.js';

/** Core's DEFAULT_MAX_TIP_AGE: a tip older than this means the node is still catching up. */
const MAX_TIP_AGE = 24 * 60 * 60;
/** Bytes Core's GetBogoSize counts per coin besides its script (txid, vout, height, amount, script length). */
const BOGO_COIN_OVERHEAD = 50;

/** Core's IsInitialBlockDownload, latched: once caught up, a node stays out of it. */
const caughtUp = new WeakSet<ChainReader>();
function initialBlockDownload(chain: ChainReader, now: number): boolean {
  if (caughtUp.has(chain)) return false;
  if (chain.tip.header.time < now - MAX_TIP_AGE) return true;
  caughtUp.add(chain);
  return false;
}

/** Core's getchaintips status of a tip. */
function tipStatus(chain: ChainReader, tip: ChainEntry): string {
  if (chain.isMain(tip)) return 'active';
  if (tip.failed) return 'invalid';
  for (let e: ChainEntry | null = tip; e && !chain.isMain(e); e = e.prev) if (!e.haveData) return 'headers-only';
  return tip.valid ? 'valid-fork' : 'valid-headers';
}

/** Every tip of the block tree (entries off the best chain that nothing builds on) and the active tip, highest first. */
function chainTips(chain: ChainReader): Record<string, unknown>[] {
  const side = [...chain.allEntries()].filter((e) => !chain.isMain(e));
  const parents = new Set(side.map((e) => e.prev));
  const tips = [chain.tip, ...side.filter((e) => !parents.has(e))].sort((a, b) => b.height - a.height);
  return tips.map((tip) => {
    let fork: ChainEntry | null = tip;
    while (fork && !chain.isMain(fork)) fork = fork.prev;
    return { height: tip.height, hash: tip.hashHex, branchlen: tip.height - (fork?.height ?? 0), status: tipStatus(chain, tip) };
  });
}

async function findTxOut(ctx: RpcContext, txid: string, n: number, includeMempool: boolean): Promise<{ output: TxOutput; height?: number; coinbase: boolean } | null> {
  const { chain, mempool } = ctx;
  const prevout = { txid: hashFromHex(txid), vout: n };
  if (includeMempool) {
    const key = outpointKey(prevout);
    if (mempool.entries().some((e) => e.tx.inputs.some((input) => outpointKey(input.prevout) === key))) return null;
    const output = mempool.get(txid)?.tx.outputs[n];
    if (output) return { output, coinbase: false };
  }
  const coin = await chain.getCoin(prevout);
  return coin ? { output: { value: coin.value, scriptPubKey: coin.scriptPubKey }, height: coin.height, coinbase: coin.coinbase } : null;
}

const hashParam = (name: string, description: string) => ({ name, type: 'hash' as const, required: true, description });

export const blockchainMethods: RpcMethod[] = [
  defineMethod({
    name: 'getblockchaininfo',
    category: 'blockchain',
    description: 'State of the block chain: tip, headers, difficulty, work and sync progress.',
    params: [],
    result: '{ chain, blocks, headers, bestblockhash, bits, target, difficulty, time, mediantime, verificationprogress, initialblockdownload, chainwork, size_on_disk, pruned, warnings }',
    handler: async (_args, ctx) => {
      const chain = ctx.chain;
      const tip = chain.tip;
      const headers = Math.max(chain.bestHeader.height, tip.height);
      return {
        chain: ctx.params.name,
        blocks: tip.height,
        headers,
        bestblockhash: tip.hashHex,
        bits: formatBits(tip.header.bits),
        target: formatUint256(decodeBits(tip.header.bits).target),
        difficulty: formatDifficulty(tip.header.bits, ctx.params),
        time: tip.header.time,
        mediantime: tip.medianTimePast,
        verificationprogress: headers > tip.height ? tip.height / headers : 1,
        initialblockdownload: initialBlockDownload(chain, ctx.clock()),
        chainwork: formatUint256(tip.chainWork),
        size_on_disk: await chain.sizeOnDisk(),
        pruned: false,
        warnings: '',
      };
    },
  }),
  defineMethod({
    name: 'getblockcount',
    category: 'blockchain',
    description: 'Height of the best chain.',
    params: [],
    result: 'n (numeric) the height',
    handler: (_args, ctx) => ctx.chain.height,
  }),
  defineMethod({
    name: 'getbestblockhash',
    category: 'blockchain',
    description: 'Hash of the tip of the best chain.',
    params: [],
    result: '"hex" (string) the block hash',
    handler: (_args, ctx) => ctx.chain.tip.hashHex,
  }),
  defineMethod({
    name: 'getblockhash',
    category: 'blockchain',
    description: 'Hash of the best-chain block at a height.',
    params: [{ name: 'height', type: 'integer', required: true, description: 'the height' }],
    result: '"hex" (string) the block hash',
    handler: ({ height }, ctx) => {
      const entry = ctx.chain.getEntryAtHeight(height as number);
      if ((height as number) < 0 || !entry) throw invalid('Block height out of range');
      return entry.hashHex;
    },
  }),
  defineMethod({
    name: 'getblock',
    category: 'blockchain',
    description: 'A block: verbosity 0 gives its hex, 1 its header fields and txids, 2 its decoded transactions with fees, 3 also the coins each input spends (prevout).',
    params: [
      hashParam('blockhash', 'the block hash'),
      // Integer last: a number out of range then reports -8, not the boolean type error.
      { name: 'verbosity', type: ['boolean', 'integer'], default: 1, min: 0, max: 3, description: '0 hex, 1 object with txids, 2 object with transactions, 3 with transactions and prevouts (true = 1, false = 0)' },
    ],
    result: 'hex (verbosity 0) | { hash, confirmations, height, version, versionHex, merkleroot, time, mediantime, nonce, bits, target, difficulty, chainwork, nTx, previousblockhash, nextblockhash, strippedsize, size, weight, tx: txids (1) or transactions as getrawtransaction gives them, with fee (2) and each input\'s prevout (3) }',
    handler: async ({ blockhash, verbosity }, ctx) => {
      const level = typeof verbosity === 'boolean' ? Number(verbosity) : (verbosity as number);
      const entry = lookupEntry(ctx.chain, blockhash as string);
      const block = await loadBlock(ctx.chain, entry);
      return level === 0 ? block.toHex() : blockToJson(ctx, entry, block, level);
    },
  }),
  defineMethod({
    name: 'getblockheader',
    category: 'blockchain',
    description: 'A block header: an object, or its 80 bytes as hex.',
    params: [hashParam('blockhash', 'the block hash'), { name: 'verbose', type: 'boolean', default: true, description: 'true for an object, false for hex' }],
    result: '{ hash, confirmations, height, version, versionHex, merkleroot, time, mediantime, nonce, bits, target, difficulty, chainwork, nTx, previousblockhash, nextblockhash } | hex',
    handler: async ({ blockhash, verbose }, ctx) => {
      const entry = lookupEntry(ctx.chain, blockhash as string);
      return verbose ? headerToJson(ctx, entry) : entry.header.toHex();
    },
  }),
  defineMethod({
    name: 'getchaintips',
    category: 'blockchain',
    description: 'Every tip of the block tree: the active chain and each branch off it.',
    params: [],
    result: '[{ height, hash, branchlen, status: active | valid-fork | valid-headers | headers-only | invalid }]',
    handler: (_args, ctx) => chainTips(ctx.chain),
  }),
  defineMethod({
    name: 'getdifficulty',
    category: 'blockchain',
    description: 'Difficulty of the tip: how many times the easiest target of the network its target is.',
    params: [],
    result: 'difficulty (number)',
    handler: (_args, ctx) => formatDifficulty(ctx.chain.tip.header.bits, ctx.params),
  }),
  defineMethod({
    name: 'gettxout',
    category: 'blockchain',
    description: 'An unspent transaction output, or null when it is spent or unknown.',
    params: [
      hashParam('txid', 'the transaction id'),
      { name: 'n', type: 'integer', required: true, min: 0, max: 0xffffffff, description: 'the output index' },
      { name: 'include_mempool', type: 'boolean', default: true, description: 'also see outputs of pool transactions, and outputs they spend as spent' },
    ],
    result: '{ bestblock, confirmations, value, scriptPubKey: { asm, desc, hex, address?, type }, coinbase } | null',
    handler: async ({ txid, n, include_mempool: includeMempool }, ctx) => {
      const found = await findTxOut(ctx, txid as string, n as number, includeMempool as boolean);
      if (!found) return null;
      const tip = ctx.chain.tip;
      return {
        bestblock: tip.hashHex,
        confirmations: found.height === undefined ? 0 : tip.height - found.height + 1,
        value: formatAmount(found.output.value),
        scriptPubKey: scriptPubKeyJson(found.output.scriptPubKey, ctx.params),
        coinbase: found.coinbase,
      };
    },
  }),
  defineMethod({
    name: 'gettxoutsetinfo',
    category: 'blockchain',
    description: 'Statistics of the UTXO set at the tip, with a digest that equal sets share on every node.',
    params: [
      { name: 'hash_type', type: 'string', default: 'hash_serialized_3', description: 'hash_serialized_3 or none' },
      { name: 'hash_or_height', type: ['integer', 'hash'], description: 'only the tip can be asked for (no coinstatsindex)' },
      { name: 'use_index', type: 'boolean', default: true, description: 'accepted for compatibility; there is no index' },
    ],
    result: '{ height, bestblock, txouts, bogosize, hash_serialized_3, total_amount, transactions, disk_size }',
    handler: async ({ hash_type: hashType, hash_or_height: at }, ctx) => {
      if (hashType !== 'hash_serialized_3' && hashType !== 'none') throw invalid(`'${String(hashType)}' is not a valid hash_type`);
      const chain = ctx.chain;
      if (at !== undefined && entryByHashOrHeight(chain, at) !== chain.tip) throw invalid('Querying specific block heights requires coinstatsindex');
      // The digest waits for chain changes in flight; retry (a few times) if the tip moved meanwhile.
      for (let attempt = 1; ; attempt++) {
        const tip = chain.tip;
        const digest = await chain.utxoDigest();
        if (chain.tip !== tip && attempt < 3) continue;
        return {
          height: tip.height,
          bestblock: tip.hashHex,
          txouts: digest.txouts,
          // Every coin Tally stores is a 34-byte taproot output: nothing else enters the UTXO set.
          bogosize: digest.txouts * (BOGO_COIN_OVERHEAD + 34),
          ...(hashType === 'none' ? {} : { hash_serialized_3: digest.hash }),
          total_amount: formatAmount(digest.totalAmount),
          transactions: digest.transactions,
          // One database holds blocks and coins: its whole size, where Core gives its chainstate's.
          disk_size: await chain.sizeOnDisk(),
        };
      }
    },
  }),
  defineMethod({
    name: 'getblockstats',
    category: 'blockchain',
    description: 'Statistics of a block (fees, sizes, UTXO changes); amounts in satoshis and fee rates in sat/vB, as Core.',
    params: [
      { name: 'hash_or_height', type: ['integer', 'hash'], required: true, description: 'block hash or best-chain height' },
      { name: 'stats', type: 'array', description: 'names of the statistics to return (default all)' },
    ],
    result: '{ avgfee, avgfeerate, avgtxsize, blockhash, feerate_percentiles, height, ins, maxfee, maxfeerate, maxtxsize, medianfee, mediantime, mediantxsize, minfee, minfeerate, mintxsize, outs, subsidy, swtotal_size, swtotal_weight, swtxs, time, total_out, total_size, total_weight, totalfee, txs, utxo_increase, utxo_size_inc, utxo_increase_actual, utxo_size_inc_actual }',
    handler: async ({ hash_or_height: at, stats }, ctx) => {
      const entry = entryByHashOrHeight(ctx.chain, at);
      const selected = (stats as unknown[] | undefined) ?? [];
      for (const name of selected) if (typeof name !== 'string') throw new RpcError(RPC.TYPE_ERROR, 'stats: expected an array of strings');
      const all = await blockStats(ctx, entry);
      if (selected.length === 0) return all;
      const out: Record<string, unknown> = {};
      for (const name of selected as string[]) {
        if (!Object.hasOwn(all, name)) throw invalid(`Invalid selected statistic '${name}'`);
        out[name] = all[name];
      }
      return out;
    },
  }),
  defineMethod({
    name: 'getchaintxstats',
    category: 'blockchain',
    description: 'Transaction counts and rate over a window of best-chain blocks.',
    params: [
      { name: 'nblocks', type: 'integer', description: 'window size in blocks (default: one month of blocks)' },
      { name: 'blockhash', type: 'hash', description: 'the window\'s last block (default: the tip)' },
    ],
    result: '{ time, txcount, window_final_block_hash, window_final_block_height, window_block_count, window_interval, window_tx_count, txrate }',
    handler: async ({ nblocks, blockhash }, ctx) => {
      const chain = ctx.chain;
      const entry = blockhash === undefined ? chain.tip : lookupEntry(chain, blockhash as string);
      if (!chain.isMain(entry)) throw invalid('Block is not in main chain');
      let count = Math.max(0, Math.min(Math.floor((30 * 24 * 60 * 60) / ctx.params.targetSpacing), entry.height - 1));
      if (nblocks !== undefined) {
        count = nblocks as number;
        if (count < 0 || (count > 0 && count >= entry.height)) throw invalid("Invalid block count: should be between 0 and the block's height - 1");
      }
      const past = entry.ancestor(entry.height - count)!;
      const interval = entry.medianTimePast - past.medianTimePast;
      const txcount = await chainTxCount(chain, entry);
      const pastCount = await chainTxCount(chain, past);
      const windowTx = txcount !== undefined && pastCount !== undefined ? txcount - pastCount : undefined;
      return {
        time: entry.header.time,
        ...(txcount !== undefined ? { txcount } : {}),
        window_final_block_hash: entry.hashHex,
        window_final_block_height: entry.height,
        window_block_count: count,
        ...(count > 0 ? { window_interval: interval } : {}),
        ...(count > 0 && windowTx !== undefined ? { window_tx_count: windowTx } : {}),
        ...(count > 0 && windowTx !== undefined && interval > 0 ? { txrate: windowTx / interval } : {}),
      };
    },
  }),
];
