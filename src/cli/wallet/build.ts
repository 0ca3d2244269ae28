/**
 * Builds and signs a payment locally: coin selection, a change output back to
 * the wallet's own address when it is worth more than dust (placed at a random
 * position), and BIP86 key-path signatures. Only the signed transaction leaves
 * this process.
 */
import { randomInt } from 'node:crypto';
import { hashFromHex } from '../../primitives/bytes.js';
import { scriptFromSecret, signTaprootInputs } from '../../primitives/sign.js';
import { Transaction, type TxOutput } from '../../primitives/tx.js';
import { DUST_LIMIT, selectCoins, type Coin } from './coin-select.js';

/** Signals replaceability (BIP125), so a stuck payment can be bumped. */
const SEQUENCE_RBF = 0xfffffffd;

export interface Payment {
  tx: Transaction;
  fee: bigint;
  change: bigint;
}

/**
 * A signed transaction paying `amount` satoshis to `payee` from `coins` (all
 * owned by `secret`) at `feeRate` sat/vB.
 * @throws InsufficientFunds, RangeError for a dust amount
 */
export function buildPayment(opts: { coins: readonly Coin[]; payee: Uint8Array; amount: bigint; feeRate: number; secret: Uint8Array }): Payment {
  if (opts.amount < DUST_LIMIT) throw new RangeError(`the amount is below the dust limit of ${DUST_LIMIT} sat`);
  const selection = selectCoins(opts.coins, opts.amount, opts.feeRate);
  const own = scriptFromSecret(opts.secret);
  const outputs: TxOutput[] = [{ value: opts.amount, scriptPubKey: opts.payee }];
  if (selection.change > 0n) outputs.splice(randomInt(2), 0, { value: selection.change, scriptPubKey: own });
  const unsigned = new Transaction({
    version: 2,
    inputs: selection.coins.map((c) => ({ prevout: { txid: hashFromHex(c.txid), vout: c.vout }, scriptSig: new Uint8Array(0), sequence: SEQUENCE_RBF, witness: [] })),
    outputs,
    locktime: 0,
  });
  const spent = selection.coins.map((c) => ({ value: c.value, scriptPubKey: own }));
  const tx = signTaprootInputs(unsigned, spent, selection.coins.map(() => opts.secret));
  if (tx.vsize !== selection.vsize) throw new Error(`internal error: size estimate ${selection.vsize} vB, signed ${tx.vsize} vB`);
  return { tx, fee: selection.fee, change: selection.change };
}
