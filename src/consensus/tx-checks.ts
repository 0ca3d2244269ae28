/**
 * Transaction rules. `checkTransactionSanity` needs nothing but the transaction
 * (Bitcoin Core's CheckTransaction); `checkTxInputs` needs the coins it spends
 * (Consensus::CheckTxInputs); `checkTxFinal` needs the height and median time.
 * Signatures are checked separately (signatures.ts) so they can run in parallel.
 */
import { isNullOutpoint, outpointKey, type Transaction } from '../primitives/tx.js';
import { classifyOutput } from '../primitives/script.js';
import type { Coin, CoinView } from './coins.js';
import { LOCKTIME_THRESHOLD, MAX_BLOCK_WEIGHT, MAX_COINBASE_SCRIPT, MAX_MONEY, MIN_COINBASE_SCRIPT, SEQUENCE_FINAL, WITNESS_SCALE } from './constants.js';
import { txError } from './errors.js';

/** True when 0 <= value <= MAX_MONEY (Core's MoneyRange). */
export function moneyRange(value: bigint): boolean {
  return value >= 0n && value <= MAX_MONEY;
}

/**
 * Context-free transaction checks.
 * @throws RuleError bad-txns-vin-empty, bad-txns-vout-empty, bad-txns-oversize,
 *   bad-txns-vout-negative, bad-txns-vout-toolarge, bad-txns-txouttotal-toolarge,
 *   bad-txns-output-script, bad-txns-inputs-duplicate, bad-cb-length,
 *   bad-txns-prevout-null, bad-txns-scriptsig-nonempty
 */
export function checkTransactionSanity(tx: Transaction): void {
  if (tx.inputs.length === 0) throw txError('bad-txns-vin-empty', 'transaction has no inputs');
  if (tx.outputs.length === 0) throw txError('bad-txns-vout-empty', 'transaction has no outputs');
  if (tx.baseSize * WITNESS_SCALE > MAX_BLOCK_WEIGHT) throw txError('bad-txns-oversize', 'transaction is larger than a block');
  checkOutputs(tx);
  const seen = new Set<string>();
  for (const input of tx.inputs) {
    const key = outpointKey(input.prevout);
    if (seen.has(key)) throw txError('bad-txns-inputs-duplicate', `input ${key} is spent twice`);
    seen.add(key);
  }
  if (tx.isCoinbase()) {
    const len = tx.inputs[0]!.scriptSig.length;
    if (len < MIN_COINBASE_SCRIPT || len > MAX_COINBASE_SCRIPT) {
      throw txError('bad-cb-length', `coinbase scriptSig is ${len} bytes, expected ${MIN_COINBASE_SCRIPT}-${MAX_COINBASE_SCRIPT}`);
    }
    return;
  }
  for (const input of tx.inputs) {
    if (isNullOutpoint(input.prevout)) throw txError('bad-txns-prevout-null', 'non-coinbase input spends the null outpoint');
    // Taproot spends carry everything in the witness; a scriptSig would be malleable filler.
    if (input.scriptSig.length !== 0) throw txError('bad-txns-scriptsig-nonempty', 'taproot inputs must have an empty scriptSig');
  }
}

function checkOutputs(tx: Transaction): void {
  let total = 0n;
  for (const [i, output] of tx.outputs.entries()) {
    if (output.value < 0n) throw txError('bad-txns-vout-negative', `output ${i} has a negative value`);
    if (output.value > MAX_MONEY) throw txError('bad-txns-vout-toolarge', `output ${i} exceeds MAX_MONEY`);
    total += output.value;
    if (!moneyRange(total)) throw txError('bad-txns-txouttotal-toolarge', 'outputs add up to more than MAX_MONEY');
    // Tally has no script interpreter: only taproot key-path and OP_RETURN data outputs exist.
    if (classifyOutput(output.scriptPubKey).type === 'nonstandard') {
      throw txError('bad-txns-output-script', `output ${i} is neither taproot nor OP_RETURN of at most 80 bytes`);
    }
  }
}

/** Result of {@link checkTxInputs}. */
export interface InputsResult {
  /** The coins spent, in input order. */
  spent: Coin[];
  fee: bigint;
}

/**
 * Checks a non-coinbase transaction against the coins it spends.
 * @param spendHeight height of the block the transaction would be in.
 * @throws RuleError bad-txns-inputs-missingorspent, bad-txns-premature-spend-of-coinbase,
 *   bad-txns-inputvalues-outofrange, bad-txns-in-belowout, bad-txns-fee-outofrange
 */
export function checkTxInputs(tx: Transaction, view: CoinView, spendHeight: number, coinbaseMaturity: number): InputsResult {
  const spent: Coin[] = [];
  let valueIn = 0n;
  for (const input of tx.inputs) {
    const coin = view.getCoin(input.prevout);
    // Score 0: a missing input may just be a parent this node has not seen yet.
    if (!coin) throw txError('bad-txns-inputs-missingorspent', `input ${outpointKey(input.prevout)} is missing or spent`, 0);
    if (coin.coinbase && spendHeight - coin.height < coinbaseMaturity) {
      throw txError('bad-txns-premature-spend-of-coinbase', `coinbase output spent at depth ${spendHeight - coin.height}`);
    }
    valueIn += coin.value;
    if (!moneyRange(coin.value) || !moneyRange(valueIn)) {
      throw txError('bad-txns-inputvalues-outofrange', 'input values out of range');
    }
    spent.push(coin);
  }
  const valueOut = tx.outputs.reduce((sum, o) => sum + o.value, 0n);
  if (valueIn < valueOut) throw txError('bad-txns-in-belowout', `inputs ${valueIn} are less than outputs ${valueOut}`);
  const fee = valueIn - valueOut;
  if (!moneyRange(fee)) throw txError('bad-txns-fee-outofrange', 'fee out of range');
  return { spent, fee };
}

/**
 * Bitcoin's IsFinalTx: a transaction is final when its locktime is zero, already
 * passed (a height below `height`, or a time below `medianTimePast`), or every
 * input's sequence is final.
 */
export function isFinalTx(tx: Transaction, height: number, medianTimePast: number): boolean {
  if (tx.locktime === 0) return true;
  const limit = tx.locktime < LOCKTIME_THRESHOLD ? height : medianTimePast;
  if (tx.locktime < limit) return true;
  return tx.inputs.every((i) => i.sequence === SEQUENCE_FINAL);
}

/** @throws RuleError bad-txns-nonfinal when {@link isFinalTx} is false. */
export function checkTxFinal(tx: Transaction, height: number, medianTimePast: number): void {
  if (!isFinalTx(tx, height, medianTimePast)) throw txError('bad-txns-nonfinal', 'transaction locktime has not passed');
}
