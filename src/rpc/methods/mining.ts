/**
 * Mining methods, shaped like Bitcoin Core's (src/rpc/mining.cpp and
 * estimatesmartfee from src/rpc/fees.cpp): mining state, block templates,
 * block submission, on-demand generation (regtest) and fee estimation.
 */
import { Block } from '../../primitives/block.js';
import { addressToScriptPubKey } from '../../primitives/address.js';
import { OP_RETURN } from '../../primitives/script.js';
import { outpointKey, Transaction } from '../../primitives/tx.js';
import { checkBlockSpends } from '../../consensus/block-spends.js';
import type { Coin } from '../../consensus/coins.js';
import { getNextWorkRequired } from '../../consensus/difficulty.js';
import { RuleError } from '../../consensus/errors.js';
import type { NetworkParams } from '../../consensus/params.js';
import { bitsToTarget } from '../../consensus/pow.js';
import type { ChainEntry } from '../../chain/index.js';
import type { ChainReader } from '../../node/interface.js';
import { solveBlock } from '../../mining/assemble.js';
import { mine } from '../../mining/mine.js';
import { buildTemplateBlock, createBlockTemplate } from '../../mining/template.js';
import { invalidParameter as invalid, RPC, RpcError } from '../errors.js';
import { formatBits, formatDifficulty, formatFeeRate, formatUint256 } from '../format.js';
import { defineMethod, type RpcContext, type RpcMethod } from '../types.js';
import { blockTemplateJson, checkTemplateRequest } from './block-template.js';

/** Core's DEFAULT_MAX_TRIES for generatetoaddress. */
const DEFAULT_MAX_TRIES = 1_000_000;
/** Coinbase payout of getblocktemplate's internal template: the miner replaces the coinbase anyway. */
const TEMPLATE_PAYOUT = Uint8Array.of(OP_RETURN);
const ESTIMATE_MODES = ['unset', 'economical', 'conservative'];
/** Core's highest target (its long-horizon estimator's, 1008 blocks): clients ask up to it; the estimator clamps to its own. */
const MAX_CONF_TARGET = 1008;


/**
 * Blocks over which `getnetworkhashps` with nblocks = -1 measures: Core uses the
 * blocks since the last retarget. Regtest's difficulty never changes, so the
 * whole chain; ASERT changes it every block, so one half-life of blocks.
 */
function sinceDifficultyChange(params: NetworkParams, tip: ChainEntry): number {
  return params.difficulty.kind === 'asert' ? Math.max(1, Math.round(params.difficulty.halfLife / params.targetSpacing)) : tip.height;
}

/** Core's GetNetworkHashPS: work done over the window divided by the spread of its block times. */
function networkHashPs(chain: ChainReader, params: NetworkParams, nblocks: number, height: number): number {
  if (nblocks < -1 || nblocks === 0) throw invalid('Invalid nblocks. Must be a positive number or -1.');
  if (height < -1 || height > chain.height) throw invalid('Block does not exist at specified height');
  const last = height >= 0 ? chain.getEntryAtHeight(height)! : chain.tip;
  if (last.height === 0) return 0;
  const lookup = Math.min(nblocks === -1 ? sinceDifficultyChange(params, last) : nblocks, last.height);
  let first = last;
  let minTime = last.header.time;
  let maxTime = minTime;
  for (let i = 0; i < lookup; i++) {
    first = first.prev!;
    minTime = Math.min(minTime, first.header.time);
    maxTime = Math.max(maxTime, first.header.time);
  }
  if (minTime === maxTime) return 0;
  return Number(last.chainWork - first.chainWork) / (maxTime - minTime);
}

/** Core's submitblock answer: null when it joined the best chain, else why not (as a result, not an error). */
async function submit(ctx: RpcContext, block: Block): Promise<string | null> {
  try {
    const result = await ctx.control.submitBlock(block);
    if (result.status === 'connected') return null;
    return result.status === 'duplicate' ? 'duplicate' : 'inconclusive';
  } catch (err) {
    if (err instanceof RuleError) return err.code || 'rejected';
    throw err;
  }
}

const notAccepted = (): RpcError => new RpcError(RPC.INTERNAL_ERROR, 'ProcessNewBlock, block not accepted');

/** Core's generateBlocks: mines on the tip, counting nonce tries against `maxTries` across blocks. */
async function generateBlocks(ctx: RpcContext, payoutScript: Uint8Array, count: number, maxTries: number): Promise<string[]> {
  const hashes: string[] = [];
  let tries = maxTries;
  while (hashes.length < count && tries > 0) {
    const template = ctx.control.template(payoutScript);
    const last = Math.min(tries, 2 ** 32) - 1;
    const nonce = mine(template.block.header, template.target, 0, last);
    tries -= nonce === null ? last + 1 : nonce + 1;
    if (nonce === null) continue;
    const block = new Block(template.block.header.with({ nonce }), template.block.transactions);
    if ((await submit(ctx, block)) !== null) throw notAccepted();
    hashes.push(block.hash);
  }
  return hashes;
}

/** generateblock's transactions: a txid from the pool or a raw transaction in hex. */
function resolveTransactions(ctx: RpcContext, items: unknown[]): Transaction[] {
  return items.map((item) => {
    if (typeof item !== 'string') throw new RpcError(RPC.TYPE_ERROR, 'transactions: expected an array of strings');
    if (/^[0-9a-fA-F]{64}$/.test(item)) {
      const entry = ctx.mempool.get(item.toLowerCase());
      if (!entry) throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, `Transaction ${item} not in mempool.`);
      return entry.tx;
    }
    try {
      const tx = Transaction.fromHex(item);
      if (tx.inputs.length === 0) throw new Error('no inputs');
      return tx;
    } catch {
      throw new RpcError(RPC.DESERIALIZATION_ERROR, `Transaction decode failed for ${item}. Make sure the tx has at least one input.`);
    }
  });
}

/** Confirmed coins the block's inputs refer to (in-block outputs come from the block itself). */
async function loadCoins(chain: ChainReader, txs: readonly Transaction[]): Promise<Map<string, Coin>> {
  const coins = new Map<string, Coin>();
  for (const tx of txs) {
    for (const input of tx.inputs) {
      const coin = await chain.getCoin(input.prevout);
      if (coin) coins.set(outpointKey(input.prevout), coin);
    }
  }
  return coins;
}

/** Core's generateblock: a block of exactly `txs` on the tip, paying subsidy and fees to `payoutScript`. */
async function generateBlock(ctx: RpcContext, payoutScript: Uint8Array, txs: Transaction[], submitIt: boolean): Promise<Record<string, unknown>> {
  const chain = ctx.chain;
  const tip = chain.tip;
  const coins = await loadCoins(chain, txs);
  const template = createBlockTemplate({
    params: ctx.params,
    parent: tip.asParent(),
    now: ctx.clock(),
    payoutScript,
  });
  const draft = buildTemplateBlock({ ...template, transactions: txs }, {});
  let fees = 0n;
  try {
    fees = checkBlockSpends(draft, { getCoin: (p) => coins.get(outpointKey(p)) }, template.height, ctx.params).fees;
  } catch (err) {
    if (err instanceof RuleError) throw new RpcError(RPC.VERIFY_ERROR, `TestBlockValidity failed: ${err.code}`);
    throw err;
  }
  const block = solveBlock(buildTemplateBlock({ ...template, transactions: txs, fees }, {}));
  const reason = await chain.testBlockValidity(block);
  if (reason !== null) throw new RpcError(RPC.VERIFY_ERROR, `TestBlockValidity failed: ${reason}`);
  if (!submitIt) return { hash: block.hash, hex: block.toHex() };
  if ((await submit(ctx, block)) !== null) throw notAccepted();
  return { hash: block.hash };
}

export const miningMethods: RpcMethod[] = [
  defineMethod({
    name: 'getmininginfo',
    category: 'mining',
    description: 'Mining state: height, difficulty, estimated network hash rate, pool size and the next block\'s target.',
    params: [],
    result: '{ blocks, bits, difficulty, target, networkhashps, pooledtx, chain, next: { height, bits, difficulty, target }, warnings }',
    handler: (_args, ctx) => {
      const chain = ctx.chain;
      const tip = chain.tip;
      const nextBits = getNextWorkRequired(tip.asParent(), ctx.params);
      return {
        blocks: tip.height,
        bits: formatBits(tip.header.bits),
        difficulty: formatDifficulty(tip.header.bits, ctx.params),
        target: formatUint256(bitsToTarget(tip.header.bits)),
        networkhashps: networkHashPs(chain, ctx.params, 120, -1),
        pooledtx: ctx.mempool.size,
        chain: ctx.params.name,
        next: { height: tip.height + 1, bits: formatBits(nextBits), difficulty: formatDifficulty(nextBits, ctx.params), target: formatUint256(bitsToTarget(nextBits)) },
        warnings: '',
      };
    },
  }),
  defineMethod({
    name: 'getnetworkhashps',
    category: 'mining',
    description: 'Estimated hashes per second of the network: chain work over the spread of block times in a window.',
    params: [
      { name: 'nblocks', type: 'integer', default: 120, description: 'window in blocks; -1 for the blocks since the last difficulty change' },
      { name: 'height', type: 'integer', default: -1, description: 'the window\'s last block; -1 for the tip' },
    ],
    result: 'hashes per second (number)',
    handler: ({ nblocks, height }, ctx) => networkHashPs(ctx.chain, ctx.params, nblocks as number, height as number),
  }),
  defineMethod({
    name: 'getblocktemplate',
    category: 'mining',
    description: 'A block template for external miners (BIP22): the transactions to include and the header fields.',
    params: [{ name: 'template_request', type: 'object', default: {}, description: '{ mode: "template", rules, capabilities, longpollid }' }],
    result: '{ version, rules, previousblockhash, transactions: [{ data, txid, hash, depends, fee, weight }], coinbasevalue, longpollid, target, mintime, mutable, noncerange, sizelimit, weightlimit, curtime, bits, height, default_witness_commitment? }',
    handler: ({ template_request: request }, ctx) => {
      checkTemplateRequest(request as Record<string, unknown>);
      return blockTemplateJson(ctx, ctx.control.template(TEMPLATE_PAYOUT));
    },
  }),
  defineMethod({
    name: 'submitblock',
    category: 'mining',
    description: 'Offers a solved block. Answers null when accepted, otherwise the reason (duplicate, inconclusive, or a reject code).',
    params: [
      { name: 'hexdata', type: 'string', required: true, description: 'the block, hex' },
      { name: 'dummy', type: 'any', description: 'ignored, for compatibility' },
    ],
    result: 'null | "duplicate" | "inconclusive" | reject reason',
    handler: async ({ hexdata }, ctx) => {
      let block: Block;
      try {
        block = Block.fromHex(hexdata as string);
      } catch {
        throw new RpcError(RPC.DESERIALIZATION_ERROR, 'Block decode failed');
      }
      if (!block.transactions[0]?.isCoinbase()) throw new RpcError(RPC.DESERIALIZATION_ERROR, 'Block does not start with a coinbase');
      return submit(ctx, block);
    },
  }),
  defineMethod({
    name: 'generatetoaddress',
    category: 'mining',
    description: 'Mines blocks on the tip at once, paying an address (regtest).',
    regtestOnly: true,
    params: [
      { name: 'nblocks', type: 'integer', required: true, description: 'how many blocks' },
      { name: 'address', type: 'address', required: true, description: 'the address the coinbases pay' },
      { name: 'maxtries', type: 'integer', default: DEFAULT_MAX_TRIES, min: 0, description: 'nonces to try in all' },
    ],
    result: '[block hash]',
    handler: ({ nblocks, address, maxtries }, ctx) => generateBlocks(ctx, addressToScriptPubKey(ctx.params.addressPrefix, address as string), nblocks as number, maxtries as number),
  }),
  defineMethod({
    name: 'generateblock',
    category: 'mining',
    description: 'Mines one block holding exactly the given transactions (pool txids or raw hex), paying an address (regtest).',
    regtestOnly: true,
    params: [
      { name: 'output', type: 'address', required: true, description: 'the address the coinbase pays' },
      { name: 'transactions', type: 'array', required: true, description: 'txids from the mempool or raw transactions in hex, in block order' },
      { name: 'submit', type: 'boolean', default: true, description: 'submit the block; false returns its hex instead' },
    ],
    result: '{ hash, hex? }',
    handler: ({ output, transactions, submit: submitIt }, ctx) => {
      const txs = resolveTransactions(ctx, transactions as unknown[]);
      return generateBlock(ctx, addressToScriptPubKey(ctx.params.addressPrefix, output as string), txs, submitIt as boolean);
    },
  }),
  defineMethod({
    name: 'estimatesmartfee',
    category: 'util',
    description: 'Fee rate (coins per kvB) likely to confirm within conf_target blocks. Targets beyond what the estimator tracks are clamped to it, as Core does; `blocks` says which target answered.',
    params: [
      { name: 'conf_target', type: 'integer', required: true, description: `confirmation target in blocks, 1 to ${MAX_CONF_TARGET}` },
      { name: 'estimate_mode', type: 'string', default: 'economical', description: 'unset, economical or conservative' },
    ],
    result: '{ feerate, blocks } | { errors, blocks }',
    handler: ({ conf_target: target, estimate_mode: mode }, ctx) => {
      if ((target as number) < 1 || (target as number) > MAX_CONF_TARGET) throw invalid(`Invalid conf_target, must be between 1 and ${MAX_CONF_TARGET}`);
      if (!ESTIMATE_MODES.includes((mode as string).toLowerCase())) throw invalid('Invalid estimate_mode parameter, must be one of: "unset", "economical", "conservative"');
      const estimate = ctx.mempool.estimateSmartFee(target as number);
      if (estimate.feerate === undefined) return { errors: estimate.errors ?? ['Insufficient data or no feerate found'], blocks: estimate.blocks };
      return { feerate: formatFeeRate(estimate.feerate), blocks: estimate.blocks };
    },
  }),
];
