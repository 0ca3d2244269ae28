/**
 * Building payments: fee rate choice (explicit, or the mempool's estimate with
 * a floor), coin selection over the coins the wallet may spend, a change
 * output from the internal chain at a random position, BIP125 signalling by
 * default, and BIP86 key-path signatures. bumpFee (Core's feebumper) pays more
 * from the change of a transaction of ours, keeping its other outputs.
 */
import { randomInt } from 'node:crypto';
import { hashFromHex, hashToHex } from '../primitives/bytes.js';
import { addressToScriptPubKey } from '../primitives/address.js';
import { signTaprootInputs } from '../primitives/sign.js';
import { Transaction, type TxOutput } from '../primitives/tx.js';
import { DUST_LIMIT, InsufficientFunds, selectCoins } from './coin-select.js';
import { selectSubtractingFee } from './subtract-fee.js';
import { walletError } from './errors.js';
import { selectWithPreset, type InputRequest, type PresetInput } from './preselect.js';
import type { KeyRing } from './keyring.js';
import type { WalletMempool } from './interface.js';
import type { WalletOptions } from './options.js';
import { blocksToMaturity, isLocked, unspentCoins, type WalletCoin, type WalletView } from './view.js';

/** BIP125: any sequence below 0xfffffffe signals replaceability; Core uses MAX_BIP125_RBF_SEQUENCE. */
export const SEQUENCE_RBF = 0xfffffffd;
/** Without RBF Core uses MAX_SEQUENCE_NONFINAL, which keeps locktime enforced. */
export const SEQUENCE_FINAL_LOCKTIME = 0xfffffffe;

export interface Recipient {
  address: string;
  /** Satoshis. */
  amount: bigint;
}

export interface PaymentRequest {
  recipients: readonly Recipient[];
  /** sat/vB; the wallet's estimate when absent. */
  feeRate?: number;
  /** Blocks the estimate aims at (Core's conf_target); the wallet's `confirmTarget` when absent. */
  confTarget?: number;
  /** BIP125 signalling; the wallet's `rbf` option when absent. */
  replaceable?: boolean;
  /** Indexes of recipients that pay the fee out of their amounts (Core's subtractfeefromamount). */
  subtractFeeFrom?: readonly number[];
  /** Inputs the caller chose (Core's `inputs`): kept, counted first. */
  inputs?: readonly InputRequest[];
  /** Whether the wallet may add coins to preselected inputs (Core's `add_inputs`; true when absent). */
  addInputs?: boolean;
  /** nLockTime and version of the transaction (0 and 2 when absent). */
  locktime?: number;
  version?: number;
}

/** An unsigned payment: the transaction, the outputs its inputs spend, and its accounting. */
export interface DraftPayment {
  tx: Transaction;
  spent: TxOutput[];
  fee: bigint;
  feeRate: number;
  /** Index of the change output, -1 without one. */
  changePosition: number;
}

/** Core's fee choice: an explicit rate within [floor, max], or the estimate for `confTarget` blocks (fallback when none), never under the floor. */
export function chooseFeeRate(opts: WalletOptions, mempool: WalletMempool, explicit?: number, confTarget = opts.confirmTarget): number {
  const floor = Math.max(opts.minFeeRate, mempool.minFeeRate());
  if (explicit !== undefined) {
    if (!(explicit > 0) || !Number.isFinite(explicit)) throw walletError('invalid-parameter', 'Invalid fee_rate');
    if (explicit < floor) throw walletError('wallet-error', `Fee rate (${explicit} sat/vB) is lower than the minimum fee rate setting (${floor} sat/vB)`);
    if (explicit > opts.maxFeeRate) throw walletError('wallet-error', `Fee rate (${explicit} sat/vB) exceeds the maximum (${opts.maxFeeRate} sat/vB)`);
    return explicit;
  }
  const estimate = mempool.estimateSmartFee(confTarget).feerate ?? opts.fallbackFeeRate;
  return Math.max(floor, estimate);
}

/** Coins a payment may spend: unlocked, mature, confirmed or (spendzeroconfchange) trusted unconfirmed. */
export function spendableCoins(view: WalletView, opts: WalletOptions): WalletCoin[] {
  return unspentCoins(view).filter((c) => !isLocked(view, c)
    && !(c.coinbase && blocksToMaturity(view, c.wtx) > 0)
    && (c.depth >= 1 || (opts.spendZeroConfChange && c.trusted)));
}

function recipientOutputs(prefix: string, recipients: readonly Recipient[]): TxOutput[] {
  if (recipients.length === 0) throw walletError('invalid-parameter', 'Transaction must have at least one recipient');
  return recipients.map((r) => {
    let scriptPubKey: Uint8Array;
    try {
      scriptPubKey = addressToScriptPubKey(prefix, r.address);
    } catch {
      throw walletError('invalid-address', `Invalid Tally address: ${r.address}`);
    }
    if (r.amount <= 0n) throw walletError('invalid-parameter', 'Invalid amount for send');
    if (r.amount < DUST_LIMIT) throw walletError('wallet-error', 'Transaction amount too small');
    return { value: r.amount, scriptPubKey };
  });
}

/** The coins chosen for a payment: preselected ones first, then the wallet's. */
interface Chosen {
  preset: readonly PresetInput[];
  coins: readonly WalletCoin[];
  fee: bigint;
  change: bigint;
  outputs: TxOutput[];
}

/** Confirmed coins are tried first, as Core's eligibility filters do, then trusted unconfirmed ones. */
function choose(view: WalletView, opts: WalletOptions, req: PaymentRequest & { feeRate: number }, outputs: TxOutput[], preset: readonly PresetInput[]): Chosen {
  const target = outputs.reduce((s, o) => s + o.value, 0n);
  const coins = spendableCoins(view, opts);
  const confirmed = coins.filter((c) => c.depth >= 1);
  try {
    if (preset.length) {
      if (req.subtractFeeFrom?.length) throw walletError('invalid-parameter', 'Invalid parameter, subtracting the fee from outputs with preselected inputs is not supported');
      const add = req.addInputs ?? true;
      const s = pick(() => selectWithPreset(preset, confirmed, target, req.feeRate, outputs.length, add)) ?? selectWithPreset(preset, coins, target, req.feeRate, outputs.length, add);
      return { preset, coins: s.extra, fee: s.fee, change: s.change, outputs };
    }
    if (req.subtractFeeFrom?.length) {
      const r = selectSubtractingFee(coins, outputs, req.subtractFeeFrom, req.feeRate);
      return { preset, coins: r.selection.coins, fee: r.selection.fee, change: r.selection.change, outputs: r.outputs };
    }
    const s = pick(() => selectCoins(confirmed, target, req.feeRate, outputs.length)) ?? selectCoins(coins, target, req.feeRate, outputs.length);
    return { preset, coins: s.coins, fee: s.fee, change: s.change, outputs };
  } catch (err) {
    if (err instanceof InsufficientFunds) throw walletError('insufficient-funds', 'Insufficient funds');
    throw err;
  }
}

/**
 * Selects coins and lays out an unsigned payment: preselected inputs first
 * (in the order given), then the wallet's, and the change output at a random position.
 * @throws WalletError `insufficient-funds`, `invalid-address`, `invalid-parameter`, `wallet-error`
 */
export function draftPayment(
  view: WalletView,
  opts: WalletOptions,
  req: PaymentRequest & { feeRate: number; prefix: string; changeScript: () => Uint8Array; preset?: readonly PresetInput[] },
): DraftPayment {
  const chosen = choose(view, opts, req, recipientOutputs(req.prefix, req.recipients), req.preset ?? []);
  const outputs = chosen.outputs;
  let changePosition = -1;
  if (chosen.change > 0n) {
    changePosition = randomInt(outputs.length + 1);
    outputs.splice(changePosition, 0, { value: chosen.change, scriptPubKey: req.changeScript() });
  }
  const sequence = (req.replaceable ?? opts.rbf) ? SEQUENCE_RBF : SEQUENCE_FINAL_LOCKTIME;
  const spends = [...chosen.preset, ...chosen.coins.map((c) => ({ txid: c.txid, vout: c.vout, value: c.value, script: c.script, sequence: undefined }))];
  const tx = new Transaction({
    version: req.version ?? 2,
    inputs: spends.map((c) => ({ prevout: { txid: hashFromHex(c.txid), vout: c.vout }, scriptSig: new Uint8Array(0), sequence: c.sequence ?? sequence, witness: [] })),
    outputs,
    locktime: req.locktime ?? 0,
  });
  const spent = spends.map((c) => ({ value: c.value, scriptPubKey: c.script }));
  return { tx, spent, fee: chosen.fee, feeRate: req.feeRate, changePosition };
}

/** A selection from a narrower set of coins, or undefined when they do not suffice. */
function pick<T>(select: () => T): T | undefined {
  try {
    return select();
  } catch (err) {
    if (err instanceof InsufficientFunds) return undefined;
    throw err;
  }
}

/** Signs every input with the wallet's keys. @throws WalletError `unlock-needed`, `watch-only` */
export function signPayment(keys: KeyRing, tx: Transaction, spent: readonly TxOutput[]): Transaction {
  const secrets = spent.map((o) => keys.secretFor(o.scriptPubKey));
  try {
    return signTaprootInputs(tx, spent, secrets);
  } finally {
    for (const s of secrets) s.fill(0);
  }
}

/** The spent outputs of a wallet transaction's inputs, from the wallet's own records. */
export function spentOutputs(view: WalletView, tx: Transaction): TxOutput[] {
  return tx.inputs.map((input) => {
    const parent = view.ledger.get(hashToHex(input.prevout.txid));
    const out = parent?.tx.outputs[input.prevout.vout];
    if (!out || !view.keys.isMine(out.scriptPubKey)) throw walletError('wallet-error', 'Transaction contains inputs that don\'t belong to this wallet');
    return out;
  });
}

