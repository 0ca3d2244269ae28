/**
 * PSBT (BIP174, with BIP371's taproot fields) through the wallet:
 * walletcreatefundedpsbt, walletprocesspsbt, and finalizepsbt, which needs no
 * wallet (Core lists it under rawtransactions; it is here because it is the
 * wallet library's finalizer).
 */
import { finalizePsbt } from '../../wallet/index.js';
import { RPC, RpcError } from '../errors.js';
import { formatAmount } from '../format.js';
import { defineMethod, type RpcMethod } from '../types.js';
import { walletOf, walletsOf } from '../wallet-access.js';
import { addInputsOption, confTargetArg, funding, optionFeeRate, parseInputs, parseOutputs, subtractIndexes } from './wallet-json.js';

const SIGHASH = { name: 'sighashtype', type: 'string' as const, default: 'DEFAULT', description: 'DEFAULT (or ALL) only' };

export const walletPsbtMethods: RpcMethod[] = [
  defineMethod({
    name: 'walletcreatefundedpsbt', category: 'wallet', description: 'A funded, unsigned PSBT paying the outputs, with the wallet\'s coins as inputs and BIP371 fields for an external signer.',
    params: [
      { name: 'inputs', type: 'array', required: true, description: '[{ txid, vout, sequence? }]: inputs to spend (the wallet\'s, or found in the UTXO set or mempool), [] to let the wallet choose (Core lets it be omitted; OpenRPC allows no required parameter after an optional one)' },
      { name: 'outputs', type: ['array', 'object'], required: true, description: '[{ "address": amount }, ...] or { "address": amount, ... }' },
      { name: 'locktime', type: 'integer', default: 0, min: 0, max: 0xffffffff, description: 'the transaction\'s nLockTime' },
      { name: 'options', type: 'object', description: '{ add_inputs? (false when inputs are given, else true), fee_rate? (sat/vB), feeRate? (coins/kvB), conf_target?, replaceable?, subtractFeeFromOutputs? }' },
      { name: 'bip32derivs', type: 'boolean', default: true, description: 'accepted; BIP371 derivations are always included' },
    ],
    result: '{ psbt, fee, changepos }',
    handler: async (args, ctx) => {
      const inputs = parseInputs(args.inputs);
      const recipients = parseOutputs(ctx.params, args.outputs);
      const options = (args.options ?? {}) as Record<string, unknown>;
      const access = walletsOf(ctx);
      const w = walletOf(ctx);
      const feeRate = optionFeeRate(options, access.payTxFee.get(w.name));
      const r = await funding(() => w.createPsbt({
        recipients, subtractFeeFrom: subtractIndexes(recipients, options.subtractFeeFromOutputs), inputs, addInputs: addInputsOption(options, inputs.length === 0),
        locktime: args.locktime as number, ...confTargetArg(options),
        ...(feeRate !== undefined ? { feeRate } : {}), ...(typeof options.replaceable === 'boolean' ? { replaceable: options.replaceable } : {}),
      }));
      return { psbt: r.psbt, fee: formatAmount(r.fee), changepos: r.changePosition };
    },
  }),
  defineMethod({
    name: 'walletprocesspsbt', category: 'wallet', description: 'Fills in what the wallet knows of a PSBT, signs its inputs (unless sign is false) and finalizes when complete.',
    params: [
      { name: 'psbt', type: 'string', required: true, description: 'the PSBT, base64' },
      { name: 'sign', type: 'boolean', default: true, description: 'sign the wallet\'s inputs' },
      SIGHASH,
      { name: 'bip32derivs', type: 'boolean', default: true, description: 'accepted; derivations are always included' },
      { name: 'finalize', type: 'boolean', default: true, description: 'finalize when complete' },
    ],
    result: '{ psbt, complete, hex? }',
    handler: (args, ctx) => {
      if (args.sighashtype !== 'DEFAULT' && args.sighashtype !== 'ALL') throw new RpcError(RPC.INVALID_PARAMETER, `Unsupported sighash type ${String(args.sighashtype)}`);
      return walletOf(ctx).processPsbt(args.psbt as string, { sign: args.sign as boolean, finalize: args.finalize as boolean });
    },
  }),
  defineMethod({
    name: 'finalizepsbt', category: 'wallet', description: 'Finalizes a PSBT\'s inputs and, when complete (and extract), gives the network transaction.',
    params: [
      { name: 'psbt', type: 'string', required: true, description: 'the PSBT, base64' },
      { name: 'extract', type: 'boolean', default: true, description: 'give the transaction hex when complete' },
    ],
    result: '{ psbt?, hex?, complete }',
    handler: (args) => {
      const r = finalizePsbt(args.psbt as string);
      if (r.complete && args.extract === true && r.hex !== undefined) return { hex: r.hex, complete: true };
      return { psbt: r.psbt, complete: r.complete };
    },
  }),
];
