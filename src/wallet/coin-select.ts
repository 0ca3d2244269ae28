/**
 * Coin selection for a taproot wallet (moved here from src/cli/wallet, which
 * re-exports it). First a branch-and-bound search (after Bitcoin Core's
 * SelectCoinsBnB) for inputs that pay the outputs and fee with no change,
 * wasting at most what a change output would cost; failing that, largest coins
 * first with change back to the wallet unless the change would be dust (then it
 * goes to the fee). Sizes are exact for BIP86 key-path inputs (64-byte
 * signatures) and taproot outputs, the only kinds Tally pays to.
 */

/** Core's dust threshold for a taproot output at the default 3 sat/vB dust relay fee. */
export const DUST_LIMIT = 330n;
/** Weight units: a key-path input is 41 bytes plus a 66-byte witness; a taproot output 43 bytes. */
const INPUT_WEIGHT = 41 * 4 + 66;
const OUTPUT_WEIGHT = 43 * 4;
/** Branch-and-bound gives up after this many steps and falls back to largest-first. */
const BNB_MAX_TRIES = 100_000;

export interface Coin {
  txid: string;
  vout: number;
  /** Satoshis. */
  value: bigint;
}

export interface Selection<C extends Coin> {
  coins: C[];
  /** Satoshis paid in fees. */
  fee: bigint;
  /** Satoshis returned to the wallet; 0n when there is no change output. */
  change: bigint;
  /** Virtual size of the signed transaction. */
  vsize: number;
}

/** Not enough coins for the payment and its fee. */
export class InsufficientFunds extends Error {
  constructor(readonly needed: bigint, readonly available: bigint) {
    super(`insufficient funds: need ${needed} sat with the fee, have ${available} sat spendable`);
  }
}

function varintSize(n: number): number {
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : 5;
}

/** Weight of a signed transaction with `inputs` key-path inputs and `outputs` taproot outputs (segwit marker and flag included). */
export function txWeight(inputs: number, outputs: number): number {
  const base = 4 + varintSize(inputs) + varintSize(outputs) + 4;
  return base * 4 + 2 + inputs * INPUT_WEIGHT + outputs * OUTPUT_WEIGHT;
}

/** Virtual size: weight / 4, rounded up (BIP141). */
export function txVsize(inputs: number, outputs: number): number {
  return Math.ceil(txWeight(inputs, outputs) / 4);
}

/** Fee in satoshis for `vsize` at `feeRate` sat/vB, rounded up. */
export function feeFor(vsize: number, feeRate: number): bigint {
  return BigInt(Math.ceil(vsize * feeRate));
}

/**
 * Picks coins paying `target` satoshis at `feeRate` sat/vB to `outputs`
 * payment outputs (1 by default), with change (if any) to one more.
 * `fixedInputs` key-path inputs are already in the transaction (preselected):
 * their weight is paid for here, their value is already taken off `target`,
 * which may then be zero or less.
 * @throws InsufficientFunds
 */
export function selectCoins<C extends Coin>(coins: readonly C[], target: bigint, feeRate: number, outputs = 1, fixedInputs = 0): Selection<C> {
  if (target <= 0n && fixedInputs === 0) throw new RangeError('the amount must be positive');
  if (!(feeRate > 0) || !Number.isFinite(feeRate)) throw new RangeError('the fee rate must be a positive number');
  const sorted = [...coins].sort((a, b) => (b.value > a.value ? 1 : b.value < a.value ? -1 : 0));
  const size = (inputs: number, outs: number): number => txVsize(inputs + fixedInputs, outs);
  return branchAndBound(sorted, target, feeRate, outputs, fixedInputs) ?? largestFirst(sorted, target, feeRate, outputs, size);
}

function largestFirst<C extends Coin>(sorted: readonly C[], target: bigint, feeRate: number, outputs: number, sizeOf: (inputs: number, outputs: number) => number): Selection<C> {
  const chosen: C[] = [];
  let total = 0n;
  for (const coin of sorted) {
    chosen.push(coin);
    total += coin.value;
    const withChange = feeFor(sizeOf(chosen.length, outputs + 1), feeRate);
    if (total >= target + withChange) {
      const change = total - target - withChange;
      if (change >= DUST_LIMIT) return { coins: chosen, fee: withChange, change, vsize: sizeOf(chosen.length, outputs + 1) };
      // Dust change goes to the miner instead: still at least the fee the smaller transaction needs.
      return { coins: chosen, fee: total - target, change: 0n, vsize: sizeOf(chosen.length, outputs) };
    }
  }
  const available = sorted.reduce((s, c) => s + c.value, 0n);
  const vsize = sizeOf(Math.max(1, sorted.length), outputs);
  // Enough for a changeless spend of everything: the leftover (under the change cost) becomes fee.
  if (sorted.length > 0 && available >= target + feeFor(vsize, feeRate)) return { coins: [...sorted], fee: available - target, change: 0n, vsize };
  throw new InsufficientFunds(target + feeFor(vsize, feeRate), available);
}

/**
 * Depth-first search over coins by decreasing value for a set whose effective
 * value (value minus the fee its input costs) covers target plus the fixed part
 * of the fee, exceeding it by no more than a change output would cost.
 */
function branchAndBound<C extends Coin>(sorted: readonly C[], target: bigint, feeRate: number, outputs: number, fixedInputs: number): Selection<C> | undefined {
  // Numbers, not bigints: sums stay far below 2^53 satoshis, and fractional fees avoid per-input rounding.
  const inputFee = (INPUT_WEIGHT / 4) * feeRate;
  const usable = sorted.filter((c) => Number(c.value) > inputFee);
  const effective = usable.map((c) => Number(c.value) - inputFee);
  const fixed = Number(target) + (txWeight(fixedInputs, outputs) / 4) * feeRate;
  const costOfChange = (OUTPUT_WEIGHT / 4 + INPUT_WEIGHT / 4) * feeRate;
  const remaining: number[] = [];
  let sum = 0;
  for (let i = effective.length - 1; i >= 0; i--) remaining[i] = sum += effective[i]!;
  if (usable.length === 0 || remaining[0]! < fixed || fixed <= 0) return undefined;
  const picked: number[] = [];
  let tries = 0;
  let found: number[] | undefined;
  const search = (i: number, value: number): void => {
    if (found || ++tries > BNB_MAX_TRIES) return;
    if (value >= fixed) {
      if (value <= fixed + costOfChange) found = [...picked];
      return;
    }
    if (i >= usable.length || value + remaining[i]! < fixed) return;
    picked.push(i);
    search(i + 1, value + effective[i]!);
    picked.pop();
    search(i + 1, value);
  };
  search(0, 0);
  if (!found) return undefined;
  const chosen = found.map((i) => usable[i]!);
  const total = chosen.reduce((s, c) => s + c.value, 0n);
  const vsize = txVsize(chosen.length + fixedInputs, outputs);
  // The search used fractional sizes; the exact fee (whole vbytes, rounded up) must still be covered.
  if (total - target < feeFor(vsize, feeRate)) return undefined;
  return { coins: chosen, fee: total - target, change: 0n, vsize };
}
