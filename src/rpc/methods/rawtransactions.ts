/**
 * Raw transactions, shaped like Bitcoin Core's: getrawtransaction (mempool or
 * the transaction index), decoderawtransaction, decodescript,
 * createrawtransaction, sendrawtransaction and testmempoolaccept.
 */
import { fromHex } from '../../primitives/bytes.js';
import type { Block } from '../../primitives/block.js';
import { Transaction } from '../../primitives/tx.js';
import type { ChainEntry } from '../../chain/index.js';
import { RPC, RpcError } from '../errors.js';
import { defineMethod, type RpcContext, type RpcMethod } from '../types.js';
import { scriptPubKeyJson } from './script-json.js';
import { sendRawTransaction, testMempoolAccept } from './send-tx.js';
import { decodeTx, MAX_SEQUENCE, parseInputs, parseOutputs } from './tx-args.js';
import { txToUniv } from './tx-json.js';

// ---------------------------------------------------------------------------
// getrawtransaction

interface Located {
  tx: Transaction;
  /** Set for a confirmed transaction (or one looked up in a given block). */
  block?: { block: Block; entry: ChainEntry; position: number };
}

const noSuchTx = () => new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'No such mempool or blockchain transaction');
const genesisCoinbase = () => new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'The genesis block coinbase is not considered an ordinary transaction and cannot be retrieved');

/** The transaction from the given block, or from the mempool, or from the transaction index. @throws RpcError -5, -1 */
async function locate(ctx: RpcContext, txid: string, blockhash?: string): Promise<Located> {
  const chain = ctx.chain;
  if (blockhash !== undefined) {
    const entry = chain.getEntry(blockhash);
    if (!entry) throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'Block hash not found');
    const block = await chain.getBlock(blockhash);
    if (!block) throw new RpcError(RPC.MISC_ERROR, 'Block not available');
    const position = block.transactions.findIndex((t) => t.txid === txid);
    if (position < 0) throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, 'No such transaction found in the provided block');
    if (entry.height === 0) throw genesisCoinbase();
    return { tx: block.transactions[position]!, block: { block, entry, position } };
  }
  const pooled = ctx.mempool.get(txid);
  if (pooled) return { tx: pooled.tx };
  const found = await chain.findTransaction(txid);
  if (!found) throw noSuchTx();
  if (found.entry.height === 0) throw genesisCoinbase();
  return { tx: found.block.transactions[found.position]!, block: found };
}

/** The coins a confirmed transaction spends (from its block's undo data), on the best chain only. */
async function spentBy({ entry, position }: NonNullable<Located['block']>, ctx: RpcContext) {
  return position === 0 ? undefined : (await ctx.chain.spentCoins(entry))?.[position];
}

async function getRawTransaction(args: Record<string, unknown>, ctx: RpcContext): Promise<unknown> {
  const verbosity = args.verbose === true ? 1 : args.verbose === false ? 0 : (args.verbose as number);
  const located = await locate(ctx, args.txid as string, args.blockhash as string | undefined);
  if (verbosity === 0) return located.tx.toHex();
  const json: Record<string, unknown> = {};
  if (args.blockhash !== undefined) json.in_active_chain = ctx.chain.isMain(located.block!.entry);
  const spent = verbosity === 2 && located.block ? await spentBy(located.block, ctx) : undefined;
  Object.assign(json, txToUniv(located.tx, ctx.params, { ...(spent ? { spent } : {}), prevouts: true }));
  if (located.block) {
    const { entry } = located.block;
    const main = ctx.chain.isMain(entry);
    Object.assign(json, { blockhash: entry.hashHex, confirmations: main ? ctx.chain.height - entry.height + 1 : 0, time: entry.header.time, blocktime: entry.header.time });
  }
  return json;
}

// ---------------------------------------------------------------------------

const MAXFEERATE = { name: 'maxfeerate', type: 'amount', default: 0.1, description: 'refuse a fee rate above this, in coins/kvB (0: no limit)' } as const;

export const rawtransactionsMethods: RpcMethod[] = [
  defineMethod({
    name: 'getrawtransaction',
    category: 'rawtransactions',
    description: 'A transaction from the mempool or the transaction index (or from the given block): hex, or with verbose 1 decoded with its block, with 2 also the coins it spends and its fee.',
    params: [
      { name: 'txid', type: 'hash', required: true, description: 'the transaction id' },
      // Integer last: validation reports the last type's error, and a range error says more than "expected boolean".
      { name: 'verbose', type: ['boolean', 'integer'], default: 0, min: 0, max: 2, description: '0/false: hex; 1/true: decoded; 2: decoded with prevouts and fee' },
      { name: 'blockhash', type: 'hash', description: 'look only in this block' },
    ],
    result: 'hex | { in_active_chain?, txid, hash, version, size, vsize, weight, locktime, vin: [{ txid, vout, scriptSig: { asm, hex }, txinwitness?, prevout? (verbosity 2), sequence }], vout: [{ value, n, scriptPubKey: { asm, desc, hex, address?, type } }], fee? (verbosity 2), hex, blockhash?, confirmations?, time?, blocktime? }',
    handler: getRawTransaction,
  }),
  defineMethod({
    name: 'decoderawtransaction',
    category: 'rawtransactions',
    description: 'Decodes a serialized transaction.',
    params: [{ name: 'hexstring', type: 'string', required: true, description: 'the transaction hex' }],
    result: '{ txid, hash, version, size, vsize, weight, locktime, vin: [{ txid, vout, scriptSig: { asm, hex }, txinwitness?, sequence }], vout: [{ value, n, scriptPubKey: { asm, desc, hex, address?, type } }] }',
    handler: ({ hexstring }, ctx) => {
      return txToUniv(decodeTx(hexstring), ctx.params, { hex: false });
    },
  }),
  defineMethod({
    name: 'decodescript',
    category: 'rawtransactions',
    description: 'Decodes a hex-encoded script.',
    params: [{ name: 'hexstring', type: 'hex', required: true, description: 'the script hex' }],
    result: '{ asm, desc, type (Core\'s names: witness_v1_taproot, nulldata, witness_v0_keyhash, pubkeyhash, ..., nonstandard), address? }',
    handler: ({ hexstring }, ctx) => {
      const { hex: _hex, ...json } = scriptPubKeyJson(fromHex(hexstring as string), ctx.params);
      return json;
    },
  }),
  defineMethod({
    name: 'createrawtransaction',
    category: 'rawtransactions',
    description: 'An unsigned version 2 transaction spending the given outpoints to the given outputs, as hex.',
    params: [
      { name: 'inputs', type: 'array', required: true, description: '[{ "txid": hex, "vout": n, "sequence"?: n }]' },
      { name: 'outputs', type: ['object', 'array'], required: true, description: '{ "address": amount, "data": hex } or [{ "address": amount }, { "data": hex }]' },
      { name: 'locktime', type: 'integer', default: 0, min: 0, max: MAX_SEQUENCE, description: 'the locktime' },
      { name: 'replaceable', type: 'boolean', default: false, description: 'default sequences signal BIP125 replaceability' },
    ],
    result: 'hex',
    handler: ({ inputs, outputs, locktime, replaceable }, ctx) => {
      const defaultSequence = replaceable ? 0xfffffffd : locktime ? 0xfffffffe : MAX_SEQUENCE;
      return new Transaction({
        version: 2,
        inputs: parseInputs(inputs as unknown[], defaultSequence, replaceable as boolean),
        outputs: parseOutputs(outputs, ctx),
        locktime: locktime as number,
      }).toHex();
    },
  }),
  defineMethod({
    name: 'sendrawtransaction',
    category: 'rawtransactions',
    description: 'Submits a signed transaction to the mempool (and so for relay). Rejections: -26 with the reject code, -25 for missing inputs and max-fee-exceeded, -27 when already confirmed.',
    params: [
      { name: 'hexstring', type: 'string', required: true, description: 'the signed transaction hex' },
      MAXFEERATE,
      { name: 'maxburnamount', type: 'amount', default: 0, description: 'refuse unspendable (OP_RETURN) outputs worth more than this, in coins' },
    ],
    result: 'txid',
    handler: sendRawTransaction,
  }),
  defineMethod({
    name: 'testmempoolaccept',
    category: 'rawtransactions',
    description: 'Whether the mempool would accept the transactions (a package when several: later ones may spend earlier ones), without adding them.',
    params: [
      { name: 'rawtxs', type: 'array', required: true, description: 'transaction hexes, 1 to 25' },
      MAXFEERATE,
    ],
    result: '[{ txid, wtxid, package-error?, allowed?, vsize?, fees?: { base, effective-feerate, effective-includes }, reject-reason? }]',
    handler: testMempoolAccept,
  }),
];
