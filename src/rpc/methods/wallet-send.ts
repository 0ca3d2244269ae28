/**
 * Payments, as Bitcoin Core names them: sendtoaddress, sendmany, send,
 * settxfee, fundrawtransaction, signrawtransactionwithwallet, bumpfee,
 * abandontransaction. Amounts are coins; fee rates are sat/vB (`fee_rate`),
 * or the wallet's estimate with a floor when absent.
 */
import { scriptPubKeyToAddress } from '../../primitives/address.js';
import { hashToHex } from '../../primitives/bytes.js';
import { Transaction } from '../../primitives/tx.js';
import type { RpcContext } from '../types.js';
import { RPC, RpcError } from '../errors.js';
import { formatAmount } from '../format.js';
import { defineMethod, type RpcMethod } from '../types.js';
import { walletOf, walletsOf } from '../wallet-access.js';
import { decodeTx } from './tx-args.js';
import { addInputsOption, confTargetArg, FEE_PARAMS, FEE_RATE_PARAM, feeRateArg, funding, optionFeeRate, parseInputs, parseOutputs, subtractIndexes } from './wallet-json.js';

/** A null input spliced in and taken out again: a transaction without inputs reads as a segwit marker otherwise (Core tries both readings too). */
const NULL_INPUT = `01${'00'.repeat(32)}ffffffff00ffffffff`;

/** fundrawtransaction's argument, which may have no inputs (createrawtransaction [] {...}). */
function decodeUnfunded(hex: string): Transaction {
  try {
    return decodeTx(hex);
  } catch (err) {
    if (hex.slice(8, 10) !== '00') throw err;
    const tx = decodeTx(`${hex.slice(0, 8)}${NULL_INPUT}${hex.slice(10)}`);
    return new Transaction({ version: tx.version, inputs: [], outputs: tx.outputs, locktime: tx.locktime });
  }
}

/** Core's `locktime` option: a whole number within nLockTime's 32 bits. */
function locktimeOption(raw: unknown): number {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0 || raw > 0xffffffff) throw new RpcError(RPC.INVALID_PARAMETER, 'Invalid parameter, locktime out of range');
  return raw;
}

/** The settxfee rate of the request's wallet, if one was set. */
function payTxFee(ctx: RpcContext): number | undefined {
  const access = walletsOf(ctx);
  return access.payTxFee.get(access.get().name);
}

const REPLACEABLE = { name: 'replaceable', type: 'boolean' as const, description: 'signal BIP125 replaceability (the wallet\'s default, on, when absent)' };
const VERBOSE = { name: 'verbose', type: 'boolean' as const, default: false, description: 'return { txid, fee_reason } instead of the txid' };

function sent(txid: string, verbose: unknown, explicit: boolean): unknown {
  return verbose === true ? { txid, fee_reason: explicit ? 'User-specified fee rate' : 'Estimate (or fallback fee, with a floor)' } : txid;
}

export const walletSendMethods: RpcMethod[] = [
  defineMethod({
    name: 'sendtoaddress', category: 'wallet', description: 'Pays an amount to an address and broadcasts the transaction.',
    params: [
      { name: 'address', type: 'address', required: true, description: 'the address to pay' },
      { name: 'amount', type: 'amount', required: true, description: 'coins to send' },
      { name: 'comment', type: 'string', description: 'accepted for Core\'s clients (not stored)' },
      { name: 'comment_to', type: 'string', description: 'accepted for Core\'s clients (not stored)' },
      { name: 'subtractfeefromamount', type: 'boolean', default: false, description: 'the recipient pays the fee' },
      REPLACEABLE, ...FEE_PARAMS,
      { name: 'avoid_reuse', type: 'boolean', default: true, description: 'accepted for Core\'s clients' },
      FEE_RATE_PARAM, VERBOSE,
    ],
    result: 'the txid (string), or { txid, fee_reason } with verbose',
    handler: async (args, ctx) => {
      const feeRate = feeRateArg(args, payTxFee(ctx));
      const r = await walletOf(ctx).send({
        recipients: [{ address: args.address as string, amount: args.amount as bigint }],
        ...(feeRate !== undefined ? { feeRate } : {}), ...confTargetArg(args), ...(args.replaceable !== undefined ? { replaceable: args.replaceable as boolean } : {}),
        ...(args.subtractfeefromamount === true ? { subtractFeeFrom: [0] } : {}),
      });
      return sent(r.txid, args.verbose, feeRate !== undefined);
    },
  }),
  defineMethod({
    name: 'sendmany', category: 'wallet', description: 'Pays several addresses in one transaction.',
    params: [
      { name: 'dummy', type: 'string', required: true, description: 'must be "" (Core\'s accounts are gone)' },
      { name: 'amounts', type: 'object', required: true, description: '{ "address": amount, ... }' },
      { name: 'minconf', type: 'integer', description: 'ignored, as in Core' },
      { name: 'comment', type: 'string', description: 'accepted for Core\'s clients (not stored)' },
      { name: 'subtractfeefrom', type: 'array', description: 'addresses that pay the fee out of their amounts' },
      REPLACEABLE, ...FEE_PARAMS, FEE_RATE_PARAM, VERBOSE,
    ],
    result: 'the txid (string), or { txid, fee_reason } with verbose',
    handler: async (args, ctx) => {
      if (args.dummy !== '') throw new RpcError(RPC.INVALID_PARAMETER, 'Dummy value must be set to ""');
      const recipients = parseOutputs(ctx.params, args.amounts);
      const feeRate = feeRateArg(args, payTxFee(ctx));
      const r = await walletOf(ctx).send({
        recipients, subtractFeeFrom: subtractIndexes(recipients, args.subtractfeefrom), ...confTargetArg(args),
        ...(feeRate !== undefined ? { feeRate } : {}), ...(args.replaceable !== undefined ? { replaceable: args.replaceable as boolean } : {}),
      });
      return sent(r.txid, args.verbose, feeRate !== undefined);
    },
  }),
  defineMethod({
    name: 'send', category: 'wallet', description: 'Pays outputs (Core\'s newer interface): funds, signs and broadcasts; with inputs that are not the wallet\'s, or in a watch-only wallet, gives the PSBT instead.',
    params: [
      { name: 'outputs', type: ['array', 'object'], required: true, description: '[{ "address": amount }, ...] or { "address": amount, ... }' },
      ...FEE_PARAMS, FEE_RATE_PARAM,
      { name: 'options', type: 'object', description: '{ fee_rate?, conf_target?, replaceable?, subtract_fee_from_outputs?, inputs? ([{ txid, vout, sequence? }]), add_inputs? (false when inputs are given), locktime? }' },
    ],
    result: '{ complete, txid? } or { complete: false, psbt }',
    handler: async (args, ctx) => {
      const recipients = parseOutputs(ctx.params, args.outputs);
      const options = (args.options ?? {}) as Record<string, unknown>;
      const feeRate = feeRateArg(args, optionFeeRate(options, payTxFee(ctx)));
      const target = confTargetArg(args.conf_target !== undefined ? args : options);
      const inputs = parseInputs(options.inputs);
      const r = await funding(() => walletOf(ctx).sendOrPsbt({
        recipients, subtractFeeFrom: subtractIndexes(recipients, options.subtract_fee_from_outputs), inputs, addInputs: addInputsOption(options, inputs.length === 0), ...target,
        ...(feeRate !== undefined ? { feeRate } : {}), ...(typeof options.replaceable === 'boolean' ? { replaceable: options.replaceable } : {}),
        ...(options.locktime !== undefined ? { locktime: locktimeOption(options.locktime) } : {}),
      }));
      return r;
    },
  }),
  defineMethod({
    name: 'settxfee', category: 'wallet', description: 'The fee rate the wallet pays from now on, in coins per kvB (0 to use the estimate again); until the node stops.',
    params: [{ name: 'amount', type: 'amount', required: true, description: 'coins per 1000 vbytes' }],
    result: 'true',
    handler: (args, ctx) => {
      const access = walletsOf(ctx);
      const name = access.get().name;
      const satPerVb = Number(args.amount as bigint) / 1000;
      if (satPerVb === 0) access.payTxFee.delete(name);
      else access.payTxFee.set(name, satPerVb);
      return true;
    },
  }),
  defineMethod({
    name: 'fundrawtransaction', category: 'wallet', description: 'Adds inputs and a change output to a transaction, unsigned; its own inputs are kept and counted first.',
    params: [
      { name: 'hexstring', type: 'hex', required: true, description: 'the transaction: its outputs, and any inputs already chosen (the wallet\'s or, found in the UTXO set or mempool, anyone\'s)' },
      { name: 'options', type: 'object', description: '{ add_inputs? (default true), fee_rate? (sat/vB), feeRate? (coins/kvB), conf_target?, replaceable?, subtractFeeFromOutputs? }' },
      { name: 'iswitness', type: 'boolean', description: 'accepted for Core\'s clients' },
    ],
    result: '{ hex, fee, changepos }',
    handler: async (args, ctx) => {
      const tx = decodeUnfunded(args.hexstring as string);
      const recipients = tx.outputs.map((o) => {
        const address = scriptPubKeyToAddress(ctx.params.addressPrefix, o.scriptPubKey);
        if (!address) throw new RpcError(RPC.INVALID_PARAMETER, 'Only outputs to addresses are supported');
        return { address, amount: o.value };
      });
      const options = (args.options ?? {}) as Record<string, unknown>;
      const feeRate = optionFeeRate(options, payTxFee(ctx));
      const inputs = tx.inputs.map((i) => ({ txid: hashToHex(i.prevout.txid), vout: i.prevout.vout, sequence: i.sequence }));
      const r = await funding(() => walletOf(ctx).createTransaction({
        recipients, subtractFeeFrom: subtractIndexes(recipients, options.subtractFeeFromOutputs), inputs, addInputs: addInputsOption(options, true),
        locktime: tx.locktime, version: tx.version, ...confTargetArg(options),
        ...(feeRate !== undefined ? { feeRate } : {}), ...(typeof options.replaceable === 'boolean' ? { replaceable: options.replaceable } : {}),
      }, false));
      return { hex: r.tx.toHex(), fee: formatAmount(r.fee), changepos: r.changePosition };
    },
  }),
  defineMethod({
    name: 'signrawtransactionwithwallet', category: 'wallet', description: 'Signs the inputs that spend the wallet\'s coins (BIP86 key path).',
    params: [
      { name: 'hexstring', type: 'hex', required: true, description: 'the transaction' },
      { name: 'prevtxs', type: 'array', description: 'accepted for Core\'s clients (the wallet knows its own coins)' },
      { name: 'sighashtype', type: 'string', default: 'DEFAULT', description: 'DEFAULT (or ALL) only' },
    ],
    result: '{ hex, complete, errors? }',
    handler: (args, ctx) => {
      if (args.sighashtype !== 'DEFAULT' && args.sighashtype !== 'ALL') throw new RpcError(RPC.INVALID_PARAMETER, `Unsupported sighash type ${String(args.sighashtype)}`);
      const signed = walletOf(ctx).signRawTransaction(decodeTx(args.hexstring));
      const missing = signed.inputs.flatMap((input, i) => (input.witness.length === 0 ? [i] : []));
      const errors = missing.map((vin) => ({ txid: hashToHex(signed.inputs[vin]!.prevout.txid), vout: signed.inputs[vin]!.prevout.vout, witness: [], scriptSig: '', sequence: signed.inputs[vin]!.sequence, error: 'Input not found or already spent' }));
      return { hex: signed.toHex(), complete: missing.length === 0, ...(errors.length ? { errors } : {}) };
    },
  }),
  defineMethod({
    name: 'bumpfee', category: 'wallet', description: 'Replaces a transaction of ours (BIP125) with one paying a higher fee out of its change.',
    params: [
      { name: 'txid', type: 'hash', required: true, description: 'the transaction to replace' },
      { name: 'options', type: 'object', description: '{ fee_rate? (sat/vB) or conf_target? (the estimate for that many blocks); at least Core\'s minimum increase; outputs and original_change_index are refused (-8) }' },
    ],
    result: '{ txid, origfee, fee, errors }',
    handler: async (args, ctx) => {
      const options = (args.options ?? {}) as Record<string, unknown>;
      if (options.fee_rate !== undefined && typeof options.fee_rate !== 'number') throw new RpcError(RPC.TYPE_ERROR, 'fee_rate: expected a number of sat/vB');
      // Replacing the recipients is not supported: refused rather than ignored, so a caller does not pay what it did not mean to.
      if (options.outputs !== undefined || options.original_change_index !== undefined) throw new RpcError(RPC.INVALID_PARAMETER, 'outputs and original_change_index are not supported: bumpfee keeps the recipients and lowers the change');
      const r = await walletOf(ctx).bumpFee(args.txid as string, optionFeeRate({ conf_target: options.conf_target, fee_rate: options.fee_rate }), confTargetArg(options).confTarget);
      return { txid: r.txid, origfee: formatAmount(r.origFee), fee: formatAmount(r.fee), errors: [] };
    },
  }),
  defineMethod({
    name: 'abandontransaction', category: 'wallet', description: 'Marks an unconfirmed transaction of ours that is not in the mempool as abandoned, freeing its inputs.',
    params: [{ name: 'txid', type: 'hash', required: true, description: 'the transaction' }],
    result: 'null',
    handler: async (args, ctx) => {
      await walletOf(ctx).abandonTransaction(args.txid as string);
      return null;
    },
  }),
];
