/**
 * Shared pieces of the wallet methods: the wallet library's satoshi amounts as
 * Core's coin numbers, Core's `outputs` argument as recipients, and Core's
 * fee-rate arguments as sat/vB.
 */
import { decodeAddress } from '../../primitives/address.js';
import type { NetworkParams } from '../../consensus/params.js';
import { WalletError, type InputRequest, type Recipient, type TxEntry } from '../../wallet/index.js';
import { RPC, RpcError } from '../errors.js';
import { formatAmount } from '../format.js';
import { parseAmount } from '../params.js';
import type { RpcParam } from '../types.js';

/** Every bigint field of `obj` (one level deep) as a coin amount. */
export function coins<T extends object>(obj: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, typeof v === 'bigint' ? formatAmount(v) : v]));
}

/** A listtransactions line: amounts and fee in coins, `abandoned` only on sends (Core). */
export function entryJson(e: TxEntry): Record<string, unknown> {
  return coins(e);
}

/** An address of this network. @throws RpcError -5 */
export function checkAddress(params: NetworkParams, address: string): string {
  try {
    decodeAddress(params.addressPrefix, address);
  } catch {
    throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, `Invalid Bitcoin address: ${address}`);
  }
  return address;
}

/** Core's `outputs`: `{ "address": amount, ... }` or an array of such objects; `data` outputs are not supported. */
export function parseOutputs(params: NetworkParams, outputs: unknown): Recipient[] {
  const list = Array.isArray(outputs) ? outputs : [outputs];
  const recipients: Recipient[] = [];
  const seen = new Set<string>();
  for (const item of list) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new RpcError(RPC.TYPE_ERROR, 'outputs: expected an object of address: amount');
    for (const [address, amount] of Object.entries(item as Record<string, unknown>)) {
      if (address === 'data') throw new RpcError(RPC.INVALID_PARAMETER, 'Invalid parameter, data outputs are not supported by this wallet');
      if (seen.has(address)) throw new RpcError(RPC.INVALID_PARAMETER, `Invalid parameter, duplicated address: ${address}`);
      seen.add(address);
      recipients.push({ address: checkAddress(params, address), amount: parseAmount(amount, address) });
    }
  }
  if (recipients.length === 0) throw new RpcError(RPC.INVALID_PARAMETER, 'Invalid parameter, at least one output is needed');
  return recipients;
}

/** Indexes of `subtract` (addresses, or indexes as Core's `send` takes them) among the recipients. */
export function subtractIndexes(recipients: readonly Recipient[], subtract: unknown): number[] {
  if (subtract === undefined) return [];
  if (!Array.isArray(subtract)) throw new RpcError(RPC.TYPE_ERROR, 'subtractfeefrom: expected an array');
  return subtract.map((s) => {
    const i = typeof s === 'number' ? s : recipients.findIndex((r) => r.address === s);
    if (!Number.isInteger(i) || i < 0 || i >= recipients.length) throw new RpcError(RPC.INVALID_PARAMETER, `Invalid parameter, subtractfeefrom: ${String(s)} is not an output`);
    return i;
  });
}

/** Core's explicit fee rate (`fee_rate`, sat/vB) or the settxfee rate; Core refuses both a rate and a target. */
const BOTH_RATE_AND_TARGET = 'Cannot specify both conf_target and fee_rate. Please provide either a confirmation target in blocks for automatic fee estimation, or an explicit fee rate.';

export function feeRateArg(args: Record<string, unknown>, payTxFee?: number): number | undefined {
  const rate = args.fee_rate;
  if (rate !== undefined && args.conf_target !== undefined) throw new RpcError(RPC.INVALID_PARAMETER, BOTH_RATE_AND_TARGET);
  // A target asks for the estimate, over settxfee's rate (Core's GetMinimumFeeRate).
  if (rate === undefined) return args.conf_target !== undefined ? undefined : payTxFee;
  if (typeof rate !== 'number' || !(rate >= 0)) throw new RpcError(RPC.TYPE_ERROR, 'fee_rate: expected a number of sat/vB');
  return rate;
}

/**
 * Core's `conf_target` (positional, or in an options object), ready to spread
 * into a payment request: `{}` when absent. @throws RpcError -8 out of 1..1008
 */
export function confTargetArg(source: Record<string, unknown> | undefined): { confTarget?: number } {
  const target = source?.conf_target;
  if (target === undefined || target === null) return {};
  if (typeof target !== 'number' || !Number.isInteger(target) || target < 1 || target > 1008) {
    throw new RpcError(RPC.INVALID_PARAMETER, 'Invalid conf_target, must be between 1 and 1008');
  }
  return { confTarget: target };
}

/** Core's fee-rate arguments, shared by the paying methods. */
export const FEE_PARAMS: RpcParam[] = [
  { name: 'conf_target', type: 'integer', min: 1, max: 1008, description: 'confirmation target in blocks (the wallet\'s -txconfirmtarget when absent)' },
  { name: 'estimate_mode', type: 'string', default: 'unset', description: 'unset, economical or conservative (accepted; Tally\'s estimator has one mode)' },
];

export const FEE_RATE_PARAM: RpcParam = { name: 'fee_rate', type: 'number', min: 0, description: 'fee rate in sat/vB (the estimate, with a floor, when absent)' };

/**
 * The fee-rate option of an options object (`fee_rate` sat/vB, or `feeRate` coins/kvB as Core's
 * fundrawtransaction takes it); settxfee's rate unless a `conf_target` asks for the estimate.
 * @throws RpcError -8 for both a rate and a target, as Core
 */
export function optionFeeRate(options: Record<string, unknown> | undefined, payTxFee?: number): number | undefined {
  if (!options) return payTxFee;
  if (options.conf_target !== undefined && (options.fee_rate !== undefined || options.feeRate !== undefined)) throw new RpcError(RPC.INVALID_PARAMETER, BOTH_RATE_AND_TARGET);
  if (typeof options.fee_rate === 'number') return options.fee_rate;
  if (options.feeRate !== undefined) return Number(parseAmount(options.feeRate, 'feeRate')) / 1000;
  return options.conf_target !== undefined ? undefined : payTxFee;
}

/** Core's `inputs`: `[{ txid, vout, sequence? }]`, with Core's errors. */
export function parseInputs(raw: unknown): InputRequest[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new RpcError(RPC.TYPE_ERROR, 'inputs: expected an array');
  return raw.map((item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new RpcError(RPC.TYPE_ERROR, 'inputs: expected objects { txid, vout }');
    const { txid, vout, sequence } = item as Record<string, unknown>;
    if (typeof txid !== 'string' || !/^[0-9a-fA-F]{64}$/.test(txid)) throw new RpcError(RPC.INVALID_PARAMETER, `txid must be of length 64 (not ${typeof txid === 'string' ? txid.length : 0}, for '${String(txid)}')`);
    if (vout === undefined) throw new RpcError(RPC.INVALID_PARAMETER, 'Invalid parameter, missing vout key');
    if (typeof vout !== 'number' || !Number.isInteger(vout)) throw new RpcError(RPC.INVALID_PARAMETER, 'Invalid parameter, vout must be a number');
    if (vout < 0) throw new RpcError(RPC.INVALID_PARAMETER, 'Invalid parameter, vout cannot be negative');
    if (sequence !== undefined && (typeof sequence !== 'number' || !Number.isInteger(sequence) || sequence < 0 || sequence > 0xffffffff)) {
      throw new RpcError(RPC.INVALID_PARAMETER, 'Invalid parameter, sequence number is out of range');
    }
    return { txid: txid.toLowerCase(), vout, ...(sequence !== undefined ? { sequence: sequence as number } : {}) };
  });
}

/** Core's `add_inputs` option: `dflt` when absent (true for fundrawtransaction; false once inputs are given to send and walletcreatefundedpsbt). */
export function addInputsOption(options: Record<string, unknown>, dflt: boolean): boolean {
  if (options.add_inputs === undefined) return dflt;
  if (typeof options.add_inputs !== 'boolean') throw new RpcError(RPC.TYPE_ERROR, 'add_inputs: expected a boolean');
  return options.add_inputs;
}

/**
 * Runs a funding call (fundrawtransaction, walletcreatefundedpsbt, send):
 * Core's FundTransaction reports every failure as a wallet error, so
 * "Insufficient funds" is -4 there where sendtoaddress gives -6.
 */
export async function funding<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof WalletError && err.code === 'insufficient-funds') throw new RpcError(RPC.WALLET_ERROR, err.message);
    throw err;
  }
}
