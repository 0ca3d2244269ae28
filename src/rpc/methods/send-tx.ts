/**
 * sendrawtransaction and testmempoolaccept, with Core's codes and answers for
 * a refused transaction.
 */
import { isTallyError } from '../../primitives/errors.js';
import { classifyOutput } from '../../primitives/script.js';
import type { Transaction } from '../../primitives/tx.js';
import { MAX_PACKAGE_COUNT, type TestAcceptResult } from '../../mempool/index.js';
import { invalidParameter as invalid, RPC, RpcError, toRpcError } from '../errors.js';
import { formatAmount } from '../format.js';
import type { RpcContext } from '../types.js';
import { decodeTx, feeAt, maxFeeRate, sats } from './tx-args.js';

/** Core's codes for a refused transaction: missing inputs are -25, other rejections -26 with the reject code. */
function rejectionError(err: unknown): RpcError {
  if (isTallyError(err, 'bad-txns-inputs-missingorspent')) return new RpcError(RPC.VERIFY_ERROR, err.code, { reason: err.message });
  return toRpcError(err);
}

async function outputsInUtxoSet(tx: Transaction, ctx: RpcContext): Promise<boolean> {
  for (let vout = 0; vout < tx.outputs.length; vout++) {
    if (await ctx.chain.getCoin({ txid: tx.txidBytes, vout })) return true;
  }
  return false;
}

export async function sendRawTransaction(args: Record<string, unknown>, ctx: RpcContext): Promise<string> {
  const tx = decodeTx(args.hexstring);
  const maxRate = maxFeeRate(args.maxfeerate);
  const maxBurn = sats(args.maxburnamount, 'maxburnamount');
  if (tx.outputs.some((o) => classifyOutput(o.scriptPubKey).type !== 'taproot' && o.value > maxBurn)) {
    throw new RpcError(RPC.VERIFY_ERROR, 'Unspendable output exceeds maximum configured by user (maxburnamount)');
  }
  if (await outputsInUtxoSet(tx, ctx)) throw new RpcError(RPC.VERIFY_ALREADY_IN_CHAIN, 'Transaction outputs already in utxo set');
  const pool = ctx.mempool;
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
    await ctx.control.sendTransaction(tx);
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

export async function testMempoolAccept(args: Record<string, unknown>, ctx: RpcContext): Promise<unknown[]> {
  const raw = args.rawtxs as unknown[];
  if (raw.length < 1 || raw.length > MAX_PACKAGE_COUNT) throw invalid(`Array must contain between 1 and ${MAX_PACKAGE_COUNT} transactions.`);
  const txs = raw.map(decodeTx);
  const maxRate = maxFeeRate(args.maxfeerate);
  let results: TestAcceptResult[];
  try {
    results = await ctx.mempool.testAccept(txs);
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
