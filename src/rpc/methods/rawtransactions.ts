/**
 * Raw transactions, shaped like Bitcoin Core's: getrawtransaction (mempool or
 * the transaction index), decoderawtransaction, decodescript,
 * createrawtransaction, sendrawtransaction and testmempoolaccept.
 */
import { addressToScriptPubKey, scriptPubKeyToAddress } from '../../primitives/address.js';
import { fromHex, hashFromHex, toHex } from '../../primitives/bytes.js';
import type { Block } from '../../primitives/block.js';
import { isTallyError } from '../../primitives/errors.js';
import { classifyOutput, MAX_OP_RETURN_DATA, nullDataScript } from '../../primitives/script.js';
import { Transaction, type TxInput, type TxOutput } from '../../primitives/tx.js';
import type { ChainEntry } from '../../chain/entry.js';
import { MAX_PACKAGE_COUNT, type TestAcceptResult } from '../../mempool/index.js';
import { RPC, RpcError, toRpcError } from '../errors.js';
import { formatAmount, txToJson } from '../format.js';
import { parseAmount } from '../params.js';
import { defineMethod, type RpcContext, type RpcMethod } from '../types.js';
import { inferDescriptor } from './addresses.js';
import { txFee } from './chain-lookup.js';

// ---------------------------------------------------------------------------
// Scripts as Core prints them

/** Opcode names from 0x61 (OP_NOP) to 0xba (OP_CHECKSIGADD), in order. */
const OP_NAMES = ('NOP VER IF NOTIF VERIF VERNOTIF ELSE ENDIF VERIFY RETURN TOALTSTACK FROMALTSTACK 2DROP 2DUP 3DUP 2OVER 2ROT 2SWAP '
  + 'IFDUP DEPTH DROP DUP NIP OVER PICK ROLL ROT SWAP TUCK CAT SUBSTR LEFT RIGHT SIZE INVERT AND OR XOR EQUAL EQUALVERIFY '
  + 'RESERVED1 RESERVED2 1ADD 1SUB 2MUL 2DIV NEGATE ABS NOT 0NOTEQUAL ADD SUB MUL DIV MOD LSHIFT RSHIFT BOOLAND BOOLOR NUMEQUAL '
  + 'NUMEQUALVERIFY NUMNOTEQUAL LESSTHAN GREATERTHAN LESSTHANOREQUAL GREATERTHANOREQUAL MIN MAX WITHIN RIPEMD160 SHA1 SHA256 '
  + 'HASH160 HASH256 CODESEPARATOR CHECKSIG CHECKSIGVERIFY CHECKMULTISIG CHECKMULTISIGVERIFY NOP1 CHECKLOCKTIMEVERIFY '
  + 'CHECKSEQUENCEVERIFY NOP4 NOP5 NOP6 NOP7 NOP8 NOP9 NOP10 CHECKSIGADD').split(' ').map((n) => `OP_${n}`);

function opName(op: number): string {
  if (op === 0x00) return '0';
  if (op === 0x4f) return '-1';
  if (op === 0x50) return 'OP_RESERVED';
  if (op >= 0x51 && op <= 0x60) return String(op - 0x50);
  return OP_NAMES[op - 0x61] ?? (op === 0xff ? 'OP_INVALIDOPCODE' : 'OP_UNKNOWN');
}

/** A push of at most 4 bytes as Core shows it: the script number it encodes (little-endian, sign bit on top). */
function pushAsNumber(data: Uint8Array): string {
  if (data.length === 0) return '0';
  let n = 0n;
  data.forEach((b, i) => { n |= BigInt(i === data.length - 1 ? b & 0x7f : b) << BigInt(8 * i); });
  return String(data[data.length - 1]! & 0x80 ? -n : n);
}

/** Core's ScriptToAsmStr: pushes as hex (or numbers up to 4 bytes), opcodes by name, `[error]` on a truncated push. */
export function scriptToAsm(script: Uint8Array): string {
  const out: string[] = [];
  for (let i = 0; i < script.length;) {
    const op = script[i++]!;
    if (op === 0 || op > 0x4e) {
      out.push(opName(op));
      continue;
    }
    const lenBytes = op === 0x4c ? 1 : op === 0x4d ? 2 : op === 0x4e ? 4 : 0;
    if (i + lenBytes > script.length) return [...out, '[error]'].join(' ');
    let len = lenBytes === 0 ? op : 0;
    for (let k = 0; k < lenBytes; k++) len += script[i + k]! * 2 ** (8 * k);
    i += lenBytes;
    if (i + len > script.length) return [...out, '[error]'].join(' ');
    const data = script.subarray(i, i + len);
    i += len;
    out.push(data.length <= 4 ? pushAsNumber(data) : toHex(data));
  }
  return out.join(' ');
}

const TYPE_NAMES = { taproot: 'witness_v1_taproot', nulldata: 'nulldata', nonstandard: 'nonstandard' } as const;

/** Core's ScriptToUniv: `{ asm, desc, hex, address?, type }`. */
export function scriptPubKeyJson(script: Uint8Array, ctx: RpcContext): Record<string, unknown> {
  const address = scriptPubKeyToAddress(ctx.params.addressPrefix, script);
  return { asm: scriptToAsm(script), desc: inferDescriptor(script), hex: toHex(script), ...(address ? { address } : {}), type: TYPE_NAMES[classifyOutput(script).type] };
}

// ---------------------------------------------------------------------------
// Arguments

/** A transaction from hex. @throws RpcError -22 'TX decode failed' */
function decodeTx(hex: unknown): Transaction {
  if (typeof hex !== 'string') throw new RpcError(RPC.TYPE_ERROR, 'hexstring: expected string');
  try {
    if (!/^([0-9a-fA-F]{2})+$/.test(hex)) throw new Error('not hexadecimal');
    return Transaction.fromHex(hex);
  } catch (err) {
    throw new RpcError(RPC.DESERIALIZATION_ERROR, 'TX decode failed', { reason: (err as Error).message });
  }
}

/** Satoshis of an 'amount' parameter, whose default (a JSON number) skipped validation. */
function sats(value: unknown, name: string): bigint {
  return typeof value === 'bigint' ? value : parseAmount(value, name);
}

/** maxfeerate in sat/kvB. @throws RpcError -8 at or above 1 coin/kvB, as Core */
function maxFeeRate(value: unknown): bigint {
  const rate = sats(value, 'maxfeerate');
  if (rate >= 100_000_000n) throw new RpcError(RPC.INVALID_PARAMETER, 'Fee rates larger than or equal to 1 coin/kvB are not accepted');
  return rate;
}

/** Core's CFeeRate::GetFee: the fee `perKvB` asks of `vsize`, rounded up. */
function feeAt(perKvB: bigint, vsize: number): bigint {
  return (perKvB * BigInt(vsize) + 999n) / 1000n;
}

const MAX_SEQUENCE = 0xffffffff;
const invalid = (message: string) => new RpcError(RPC.INVALID_PARAMETER, message);

/** createrawtransaction's inputs. @throws RpcError -3 wrong types, -8 bad values */
function parseInputs(list: unknown[], defaultSequence: number, replaceable: boolean): TxInput[] {
  return list.map((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new RpcError(RPC.TYPE_ERROR, 'inputs: each input must be an object');
    const { txid, vout, sequence } = item as Record<string, unknown>;
    if (typeof txid !== 'string') throw new RpcError(RPC.TYPE_ERROR, 'inputs: txid must be a string');
    if (!/^[0-9a-fA-F]{64}$/.test(txid)) throw invalid(`txid must be 64 hexadecimal digits (not '${txid}')`);
    if (vout === undefined) throw invalid('Invalid parameter, missing vout key');
    if (typeof vout !== 'number' || !Number.isSafeInteger(vout)) throw invalid('Invalid parameter, vout must be a number');
    if (vout < 0) throw invalid('Invalid parameter, vout cannot be negative');
    if (vout > MAX_SEQUENCE) throw invalid('Invalid parameter, vout out of range');
    let seq = defaultSequence;
    if (sequence !== undefined) {
      if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence)) throw new RpcError(RPC.TYPE_ERROR, 'inputs: sequence must be an integer');
      if (sequence < 0 || sequence > MAX_SEQUENCE) throw invalid('Invalid parameter, sequence number is out of range');
      if (replaceable && sequence > 0xfffffffd) throw invalid('Invalid parameter combination: Sequence number(s) contradict replaceable option');
      seq = sequence;
    }
    return { prevout: { txid: hashFromHex(txid), vout }, scriptSig: new Uint8Array(0), sequence: seq, witness: [] };
  });
}

/** createrawtransaction's outputs: `{ address: amount, data: hex }` or an array of one-key objects. @throws RpcError -3, -5, -8 */
function parseOutputs(value: unknown, ctx: RpcContext): TxOutput[] {
  const pairs: [string, unknown][] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalid('Invalid parameter, key-value pair not an object as expected');
      const entries = Object.entries(item as Record<string, unknown>);
      if (entries.length !== 1) throw invalid('Invalid parameter, key-value pair must contain exactly one key');
      pairs.push(entries[0]!);
    }
  } else {
    pairs.push(...Object.entries(value as Record<string, unknown>));
  }
  const seen = new Set<string>();
  return pairs.map(([key, amount]) => {
    if (key === 'data') {
      if (seen.has('data')) throw invalid('Invalid parameter, duplicate key: data');
      seen.add('data');
      if (typeof amount !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(amount)) throw invalid('Data must be hexadecimal string');
      if (amount.length / 2 > MAX_OP_RETURN_DATA) throw invalid(`Data is larger than ${MAX_OP_RETURN_DATA} bytes`);
      return { value: 0n, scriptPubKey: nullDataScript(fromHex(amount)) };
    }
    let script: Uint8Array;
    try {
      script = addressToScriptPubKey(ctx.params.addressPrefix, key);
    } catch (err) {
      throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, `Invalid address: ${key} (${(err as Error).message})`);
    }
    const canonical = toHex(script);
    if (seen.has(canonical)) throw invalid(`Invalid parameter, duplicated address: ${key}`);
    seen.add(canonical);
    return { value: parseAmount(amount, key), scriptPubKey: script };
  });
}

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
  const chain = ctx.node.chain;
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
  const pooled = ctx.node.mempool.get(txid);
  if (pooled) return { tx: pooled.tx };
  const found = await chain.findTransaction(txid);
  if (!found) throw noSuchTx();
  if (found.entry.height === 0) throw genesisCoinbase();
  return { tx: found.block.transactions[found.position]!, block: found };
}

/** Verbosity 2 of a confirmed transaction: each input's spent coin and the fee, where the chain knows them (best chain only). */
async function addPrevouts(json: Record<string, unknown>, tx: Transaction, { entry, position }: NonNullable<Located['block']>, ctx: RpcContext): Promise<void> {
  if (tx.isCoinbase()) return;
  const spent = (await ctx.node.chain.spentCoins(entry))?.[position];
  if (!spent) return;
  const vin = json.vin as Record<string, unknown>[];
  spent.forEach((coin, i) => {
    vin[i]!.prevout = { generated: coin.coinbase, height: coin.height, value: formatAmount(coin.value), scriptPubKey: scriptPubKeyJson(coin.scriptPubKey, ctx) };
  });
  json.fee = formatAmount(txFee(tx, spent));
}

async function getRawTransaction(args: Record<string, unknown>, ctx: RpcContext): Promise<unknown> {
  const verbosity = args.verbose === true ? 1 : args.verbose === false ? 0 : (args.verbose as number);
  const located = await locate(ctx, args.txid as string, args.blockhash as string | undefined);
  if (verbosity === 0) return located.tx.toHex();
  const json: Record<string, unknown> = {};
  if (args.blockhash !== undefined) json.in_active_chain = ctx.node.chain.isMain(located.block!.entry);
  Object.assign(json, txToJson(located.tx, ctx.params));
  if (located.block) {
    const { entry } = located.block;
    const main = ctx.node.chain.isMain(entry);
    Object.assign(json, { blockhash: entry.hashHex, confirmations: main ? ctx.node.chain.height - entry.height + 1 : 0, time: entry.header.time, blocktime: entry.header.time });
    if (verbosity === 2) await addPrevouts(json, located.tx, located.block, ctx);
  }
  return json;
}

// ---------------------------------------------------------------------------
// Sending and test acceptance

/** Core's codes for a refused transaction: missing inputs are -25, other rejections -26 with the reject code. */
function rejectionError(err: unknown): RpcError {
  if (isTallyError(err, 'bad-txns-inputs-missingorspent')) return new RpcError(RPC.VERIFY_ERROR, err.code, { reason: err.message });
  return toRpcError(err);
}

async function outputsInUtxoSet(tx: Transaction, ctx: RpcContext): Promise<boolean> {
  for (let vout = 0; vout < tx.outputs.length; vout++) {
    if (await ctx.node.chain.getCoin({ txid: tx.txidBytes, vout })) return true;
  }
  return false;
}

async function sendRawTransaction(args: Record<string, unknown>, ctx: RpcContext): Promise<string> {
  const tx = decodeTx(args.hexstring);
  const maxRate = maxFeeRate(args.maxfeerate);
  const maxBurn = sats(args.maxburnamount, 'maxburnamount');
  if (tx.outputs.some((o) => classifyOutput(o.scriptPubKey).type !== 'taproot' && o.value > maxBurn)) {
    throw new RpcError(RPC.VERIFY_ERROR, 'Unspendable output exceeds maximum configured by user (maxburnamount)');
  }
  if (await outputsInUtxoSet(tx, ctx)) throw new RpcError(RPC.VERIFY_ALREADY_IN_CHAIN, 'Transaction outputs already in utxo set');
  const pool = ctx.node.mempool;
  // Core answers a transaction it already holds with its txid (and would relay it again).
  if (pool.has(tx.txid)) return tx.txid;
  if (maxRate > 0n) {
    const [check] = await pool.testAccept([tx]);
    if (check!.status === 'invalid') throw rejectionError(check!.error);
    if (check!.status === 'valid' && check!.fee > feeAt(maxRate, check!.vsize)) {
      throw new RpcError(RPC.VERIFY_ERROR, 'max-fee-exceeded', { reason: 'Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)' });
    }
  }
  try {
    await ctx.node.sendTransaction(tx);
  } catch (err) {
    // Arrived from a peer meanwhile: as good as accepted.
    if (!isTallyError(err, 'txn-already-in-mempool')) throw rejectionError(err);
  }
  return tx.txid;
}

/** One element of testmempoolaccept's answer. */
function testResultJson(r: TestAcceptResult, maxRate: bigint): { json: Record<string, unknown>; stop: boolean } {
  const json: Record<string, unknown> = { txid: r.txid, wtxid: r.wtxid };
  if (r.status === 'unchecked') return { json, stop: true };
  if (r.status === 'invalid') {
    if (!isTallyError(r.error)) throw r.error;
    // Core reports missing inputs as "missing-inputs" here, unlike sendrawtransaction.
    const reason = r.error.code === 'bad-txns-inputs-missingorspent' ? 'missing-inputs' : r.error.code;
    return { json: { ...json, allowed: false, 'reject-reason': reason }, stop: true };
  }
  if (maxRate > 0n && r.fee > feeAt(maxRate, r.vsize)) return { json: { ...json, allowed: false, 'reject-reason': 'max-fee-exceeded' }, stop: true };
  const fees = { base: formatAmount(r.fee), 'effective-feerate': formatAmount((r.fee * 1000n) / BigInt(r.vsize)), 'effective-includes': [r.wtxid] };
  return { json: { ...json, allowed: true, vsize: r.vsize, fees }, stop: false };
}

async function testMempoolAccept(args: Record<string, unknown>, ctx: RpcContext): Promise<unknown[]> {
  const raw = args.rawtxs as unknown[];
  if (raw.length < 1 || raw.length > MAX_PACKAGE_COUNT) throw invalid(`Array must contain between 1 and ${MAX_PACKAGE_COUNT} transactions.`);
  const txs = raw.map(decodeTx);
  const maxRate = maxFeeRate(args.maxfeerate);
  let results: TestAcceptResult[];
  try {
    results = await ctx.node.mempool.testAccept(txs);
  } catch (err) {
    if (!isTallyError(err)) throw err;
    return txs.map((tx) => ({ txid: tx.txid, wtxid: tx.wtxid, 'package-error': err.code }));
  }
  let stop = false;
  return results.map((r) => {
    if (stop) return { txid: r.txid, wtxid: r.wtxid };
    const out = testResultJson(r, maxRate);
    stop = out.stop;
    return out.json;
  });
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
    result: 'hex | { in_active_chain?, txid, hash, version, size, vsize, weight, locktime, vin, vout, hex, blockhash?, confirmations?, time?, blocktime?, fee? }',
    handler: getRawTransaction,
  }),
  defineMethod({
    name: 'decoderawtransaction',
    category: 'rawtransactions',
    description: 'Decodes a serialized transaction.',
    params: [{ name: 'hexstring', type: 'string', required: true, description: 'the transaction hex' }],
    result: '{ txid, hash, version, size, vsize, weight, locktime, vin, vout }',
    handler: ({ hexstring }, ctx) => {
      const { hex: _hex, ...json } = txToJson(decodeTx(hexstring), ctx.params);
      return json;
    },
  }),
  defineMethod({
    name: 'decodescript',
    category: 'rawtransactions',
    description: 'Decodes a hex-encoded script.',
    params: [{ name: 'hexstring', type: 'hex', required: true, description: 'the script hex' }],
    result: '{ asm, desc, type: witness_v1_taproot | nulldata | nonstandard, address? }',
    handler: ({ hexstring }, ctx) => {
      const { hex: _hex, ...json } = scriptPubKeyJson(fromHex(hexstring as string), ctx);
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
