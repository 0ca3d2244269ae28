/**
 * Standardness: rules this node applies to what it relays and mines, on top of
 * consensus (Bitcoin Core's policy/policy.cpp). A non-standard transaction is
 * still valid in a block; the mempool just will not carry it.
 */
import { classifyOutput } from '../primitives/script.js';
import type { Transaction, TxOutput } from '../primitives/tx.js';
import { varintSize } from '../primitives/encoding.js';
import { isFinalTx } from '../consensus/tx-checks.js';
import { feeForVsize } from './entry.js';
import { policyError } from './errors.js';
import type { MempoolOptions } from './options.js';

/** BIP341's annex marker: the first byte of an optional last witness item. */
const ANNEX_TAG = 0x50;
/**
 * Bytes a later spend of a witness output adds (Core's GetDustThreshold):
 * outpoint 36, empty scriptSig length 1, sequence 4, and the witness
 * (107 bytes assumed) at a quarter weight.
 */
const WITNESS_SPEND_SIZE = 32 + 4 + 1 + Math.floor(107 / 4) + 4;

/** Standard versions: 1 and 2 (Core 28 also relays TRUC version 3, which Tally does not implement). */
const STANDARD_VERSIONS = new Set([1, 2]);

/**
 * Smallest value `output` may carry before spending it would cost more than
 * it is worth at `dustRelayFeeRate` sat/vB: 330 sats for taproot at 3 sat/vB.
 * OP_RETURN outputs can never be spent, so nothing is dust for them.
 */
export function dustThreshold(output: TxOutput, dustRelayFeeRate: number): bigint {
  if (classifyOutput(output.scriptPubKey).type !== 'taproot') return 0n;
  const outputSize = 8 + varintSize(output.scriptPubKey.length) + output.scriptPubKey.length;
  return feeForVsize(dustRelayFeeRate, outputSize + WITNESS_SPEND_SIZE);
}

/** True when `output` is worth less than {@link dustThreshold}. */
export function isDust(output: TxOutput, dustRelayFeeRate: number): boolean {
  return output.value < dustThreshold(output, dustRelayFeeRate);
}

/**
 * Core's IsStandardTx plus the size floor and witness rules of PreChecks.
 * @throws MempoolError version, tx-size, tx-size-small, scriptpubkey, dust,
 *   multi-op-return, bad-witness-nonstandard
 */
export function checkStandard(tx: Transaction, opts: MempoolOptions): void {
  if (!STANDARD_VERSIONS.has(tx.version)) throw policyError('version', `version ${tx.version} is not standard`);
  if (tx.weight > opts.maxStandardTxWeight) throw policyError('tx-size', `weight ${tx.weight} exceeds ${opts.maxStandardTxWeight}`);
  checkStandardOutputs(tx, opts);
  // A 64-byte transaction could pose as an inner merkle node (CVE-2017-12842); Core refuses anything under 65.
  if (tx.baseSize < opts.minStandardTxNonWitnessSize) {
    throw policyError('tx-size-small', `size without witness ${tx.baseSize} is under ${opts.minStandardTxNonWitnessSize}`);
  }
  checkStandardWitness(tx);
}

function checkStandardOutputs(tx: Transaction, opts: MempoolOptions): void {
  let dataOutputs = 0;
  for (const [i, output] of tx.outputs.entries()) {
    const kind = classifyOutput(output.scriptPubKey).type;
    if (kind === 'nonstandard') throw policyError('scriptpubkey', `output ${i} is not a standard script`);
    if (kind === 'nulldata') dataOutputs++;
    else if (isDust(output, opts.dustRelayFeeRate)) {
      throw policyError('dust', `output ${i} of ${output.value} sats is below ${dustThreshold(output, opts.dustRelayFeeRate)}`);
    }
  }
  // One data carrier per transaction keeps OP_RETURN from being a cheap bulk store.
  if (dataOutputs > 1) throw policyError('multi-op-return', `${dataOutputs} OP_RETURN outputs, at most one is standard`);
}

/** Core's IsWitnessStandard for taproot: an annex is reserved for future soft forks, so it is not relayed. */
function checkStandardWitness(tx: Transaction): void {
  for (const [i, input] of tx.inputs.entries()) {
    const w = input.witness;
    const last = w[w.length - 1];
    if (w.length >= 2 && last !== undefined && last.length > 0 && last[0] === ANNEX_TAG) {
      throw policyError('bad-witness-nonstandard', `input ${i} carries an annex`);
    }
  }
}

/**
 * Finality for the next block (Core's CheckFinalTxAtTip): height tip + 1 and
 * the tip's median time past, as BIP113 judges time locks.
 * @throws MempoolError non-final
 */
export function checkFinalForNextBlock(tx: Transaction, tipHeight: number, medianTimePast: number): void {
  if (!isFinalTx(tx, tipHeight + 1, medianTimePast)) {
    throw policyError('non-final', `locktime ${tx.locktime} has not passed at height ${tipHeight + 1}`);
  }
}
