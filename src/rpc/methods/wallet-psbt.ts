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
import { optionFeeRate, parseOutputs, subtractIndexes } from './wallet-json.js';

const SIGHASH = { name: 'sighashtype', type: 'string' as const, default: 'DEFAULT', description: 'DEFAULT (or ALL) only' };

export const walletPsbtMethods: RpcMethod[] = [
  defineMethod({
    name: 'walletcreatefundedpsbt', category: 'wallet', description: 'A funded, unsigned PSBT paying the outputs, with the wallet\'s coins as inputs and BIP371 fields for an external signer.',
    params: [
      { name: 'inputs', type: 'array', required: true, description: 'must be [] (Core lets it be omitted; OpenRPC allows no required parameter after an optional one): the wallet selects the inputs' },
      { name: 'outputs', type: ['array', 'object'], required: true, description: '[{ "address": amount }, ...] or { "address": amount, ... }' },
      { name: 'locktime', type: 'integer', default: 0, description: 'must be 0' },
      { name: 'options', type: 'object', description: '{ fee_rate? (sat/vB), feeRate? (coins/kvB), replaceable?, subtractFeeFromOutputs? }' },
      { name: 'bip32derivs', type: 'boolean', default: true, description: 'accepted; BIP371 derivations are always included' },
    ],
    result: '{ psbt, fee, changepos }',
    handler: async (args, ctx) => {
      if ((args.inputs as unknown[]).length > 0) throw new RpcError(RPC.INVALID_PARAMETER, 'Preselected inputs are not supported: pass []');
      if (args.locktime !== 0) throw new RpcError(RPC.INVALID_PARAMETER, 'Only locktime 0 is supported');
      const recipients = parseOutputs(ctx.params, args.outputs);
      const options = (args.options ?? {}) as Record<string, unknown>;
      const access = walletsOf(ctx);
      const w = walletOf(ctx);
      const feeRate = optionFeeRate(options, access.payTxFee.get(w.name));
      const r = await w.createPsbt({
        recipients, subtractFeeFrom: subtractIndexes(recipients, options.subtractFeeFromOutputs),
        ...(feeRate !== undefined ? { feeRate } : {}), ...(typeof options.replaceable === 'boolean' ? { replaceable: options.replaceable } : {}),
      });
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
