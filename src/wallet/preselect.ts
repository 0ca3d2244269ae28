/**
 * Preselected inputs (Core's coin control `Select` and `SelectExternal`, as
 * fundrawtransaction, walletcreatefundedpsbt and send use them): the inputs a
 * caller puts in the transaction are kept and counted first, and the wallet
 * adds coins of its own only when allowed (`add_inputs`). An input that is not
 * the wallet's must be found in the UTXO set or the mempool (Core's
 * findCoins); Tally's outputs are all taproot, so such an input is sized as a
 * key-path spend, where Core would ask for solving data.
 */
import { hashFromHex } from '../primitives/bytes.js';
import { DUST_LIMIT, feeFor, selectCoins, txVsize, type Coin } from './coin-select.js';
import type { WalletCore } from './core.js';
import { walletError } from './errors.js';
import { outpointId } from './ledger.js';

/** An input the caller chose: Core's `inputs` entry. */
export interface InputRequest {
  txid: string;
  vout: number;
  /** Kept as given; the payment's default sequence when absent. */
  sequence?: number;
}

/** A preselected input with the output it spends. */
export interface PresetInput extends Coin {
  script: Uint8Array;
  sequence?: number;
  /** Not the wallet's: it cannot sign it. */
  external: boolean;
}

/** What coin selection adds to the preselected inputs. */
export interface PresetSelection<C extends Coin> {
  extra: C[];
  fee: bigint;
  change: bigint;
}

const notFound = (id: string) => walletError('wallet-error', `Not found pre-selected input ${id}`);

/** A version 1 witness program of 32 bytes: what a key-path input spends. */
function isTaproot(script: Uint8Array): boolean {
  return script.length === 34 && script[0] === 0x51 && script[1] === 0x20;
}

async function resolveOne(core: WalletCore, input: InputRequest): Promise<PresetInput> {
  const id = outpointId(input.txid, input.vout);
  const sequence = input.sequence !== undefined ? { sequence: input.sequence } : {};
  const own = core.ledger.get(input.txid)?.tx.outputs[input.vout];
  if (own && core.keys.isMine(own.scriptPubKey)) {
    if (core.ledger.isSpent(input.txid, input.vout, core.view().tipHeight)) throw notFound(id);
    return { txid: input.txid, vout: input.vout, value: own.value, script: own.scriptPubKey, external: false, ...sequence };
  }
  const coin = (await core.node.chain.getCoin?.({ txid: hashFromHex(input.txid), vout: input.vout }))
    ?? core.node.mempool.get?.(input.txid)?.tx.outputs[input.vout];
  if (!coin) throw notFound(id);
  if (!isTaproot(coin.scriptPubKey)) throw walletError('wallet-error', `Not solvable pre-selected input ${id}`);
  return { txid: input.txid, vout: input.vout, value: coin.value, script: coin.scriptPubKey, external: true, ...sequence };
}

/**
 * Looks up the outputs preselected inputs spend: the wallet's own first, then
 * the UTXO set and the mempool.
 * @throws WalletError `wallet-error` ("Not found pre-selected input", "Not solvable pre-selected input"), `invalid-parameter` for a duplicate
 */
export async function resolveInputs(core: WalletCore, inputs: readonly InputRequest[]): Promise<PresetInput[]> {
  const seen = new Set<string>();
  const out: PresetInput[] = [];
  for (const input of inputs) {
    const id = outpointId(input.txid, input.vout);
    if (seen.has(id)) throw walletError('invalid-parameter', `Invalid parameter, duplicated input ${id}`);
    seen.add(id);
    out.push(await resolveOne(core, input));
  }
  return out;
}

/**
 * Core's SelectCoins with preselected inputs: they pay first; when they cover
 * the outputs and the fee nothing is added (change back above dust), otherwise
 * the wallet's coins make up the rest if `addInputs`.
 * @throws WalletError `wallet-error` when the preselected inputs fall short and `addInputs` is false; InsufficientFunds
 */
export function selectWithPreset<C extends Coin>(preset: readonly PresetInput[], coins: readonly C[], target: bigint, feeRate: number, outputs: number, addInputs: boolean): PresetSelection<C> {
  const have = preset.reduce((s, p) => s + p.value, 0n);
  if (have >= target + feeFor(txVsize(preset.length, outputs), feeRate)) {
    const withChange = feeFor(txVsize(preset.length, outputs + 1), feeRate);
    const change = have - target - withChange;
    return change >= DUST_LIMIT ? { extra: [], fee: withChange, change } : { extra: [], fee: have - target, change: 0n };
  }
  if (!addInputs) throw walletError('wallet-error', 'The preselected coins total amount does not cover the transaction target. Please allow other inputs to be automatically selected or include more coins manually');
  const taken = new Set(preset.map((p) => outpointId(p.txid, p.vout)));
  const free = coins.filter((c) => !taken.has(outpointId(c.txid, c.vout)));
  const s = selectCoins(free, target - have, feeRate, outputs, preset.length);
  return { extra: s.coins, fee: s.fee, change: s.change };
}
