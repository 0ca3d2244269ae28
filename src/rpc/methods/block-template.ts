/**
 * getblocktemplate's request and answer (BIP22/23, template mode), shaped
 * like Bitcoin Core's.
 */
import { hashToHex, toHex } from '../../primitives/bytes.js';
import { findWitnessCommitmentIndex } from '../../primitives/witness.js';
import type { BlockTemplate } from '../../mining/template.js';
import { invalidParameter as invalid, RPC, RpcError } from '../errors.js';
import { formatBits, formatUint256 } from '../format.js';
import type { RpcContext } from '../types.js';

/** Core's MAX_BLOCK_SERIALIZED_SIZE (getblocktemplate's sizelimit). */
const MAX_BLOCK_SERIALIZED_SIZE = 4_000_000;
/** BIP22/23 transactions of a template: fees from the pool, `depends` as 1-based positions of in-template parents. */
function templateTransactions(ctx: RpcContext, template: BlockTemplate): Record<string, unknown>[] {
  const position = new Map<string, number>();
  return template.transactions.map((tx, i) => {
    position.set(tx.txid, i + 1);
    const depends = new Set<number>();
    for (const input of tx.inputs) {
      const parent = position.get(hashToHex(input.prevout.txid));
      if (parent !== undefined) depends.add(parent);
    }
    const fee = ctx.mempool.get(tx.txid)?.fee ?? 0n;
    return { data: tx.toHex(), txid: tx.txid, hash: tx.wtxid, depends: [...depends].sort((a, b) => a - b), fee: Number(fee), weight: tx.weight };
  });
}

/** Checks the template request the way Core does, for the parts Tally serves (template mode). */
export function checkTemplateRequest(request: Record<string, unknown>): void {
  const mode = request.mode ?? 'template';
  if (typeof mode !== 'string') throw new RpcError(RPC.TYPE_ERROR, 'mode: expected string');
  // BIP23 proposals need validation without proof of work, which the chain does not offer.
  if (mode !== 'template') throw invalid('Invalid mode');
  for (const key of ['rules', 'capabilities'] as const) {
    const list = request[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((r) => typeof r !== 'string'))) throw new RpcError(RPC.TYPE_ERROR, `${key}: expected an array of strings`);
  }
  if (request.longpollid !== undefined && typeof request.longpollid !== 'string') throw new RpcError(RPC.TYPE_ERROR, 'longpollid: expected string');
}

export function blockTemplateJson(ctx: RpcContext, template: BlockTemplate): Record<string, unknown> {
  const coinbase = template.block.transactions[0]!;
  const commitment = findWitnessCommitmentIndex(coinbase);
  const tip = ctx.chain.tip;
  return {
    capabilities: [],
    version: template.version,
    rules: ['!segwit', 'taproot'],
    vbavailable: {},
    vbrequired: 0,
    previousblockhash: hashToHex(template.prevHashBytes),
    transactions: templateTransactions(ctx, template),
    coinbaseaux: {},
    coinbasevalue: Number(template.subsidy + template.fees),
    longpollid: `${tip.hashHex}${ctx.mempool.size}`,
    target: formatUint256(template.target),
    mintime: template.minTime,
    mutable: ['time', 'transactions', 'prevblock'],
    noncerange: '00000000ffffffff',
    sizelimit: MAX_BLOCK_SERIALIZED_SIZE,
    weightlimit: ctx.params.maxBlockWeight,
    curtime: template.time,
    bits: formatBits(template.bits),
    height: template.height,
    ...(commitment >= 0 ? { default_witness_commitment: toHex(coinbase.outputs[commitment]!.scriptPubKey) } : {}),
  };
}
