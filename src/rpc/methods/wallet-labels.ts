/**
 * Labels, as Bitcoin Core names them: setlabel, getaddressesbylabel,
 * listlabels, listreceivedbyaddress, listreceivedbylabel. Labels live in the
 * wallet's address book, stored in the clear as Core stores them (an encrypted
 * wallet seals its keys, not its labels).
 */
import type { ReceivedOptions } from '../../wallet/index.js';
import { RPC, RpcError } from '../errors.js';
import { formatAmount } from '../format.js';
import { defineMethod, type RpcMethod, type RpcParam } from '../types.js';
import { walletOf } from '../wallet-access.js';
import { checkAddress } from './wallet-json.js';

const MINCONF: RpcParam = { name: 'minconf', type: 'integer', default: 1, min: 0, description: 'minimum confirmations of the payments counted' };
const INCLUDE_EMPTY: RpcParam = { name: 'include_empty', type: 'boolean', default: false, description: 'also list what received nothing' };
const WATCHONLY: RpcParam = { name: 'include_watchonly', type: 'boolean', default: true, description: 'accepted for Core\'s clients: a descriptor wallet always includes its watch-only descriptors' };
const IMMATURE: RpcParam = { name: 'include_immature_coinbase', type: 'boolean', default: false, description: 'count coinbase outputs that have not matured' };

function receivedOptions(args: Record<string, unknown>): ReceivedOptions {
  return { minconf: args.minconf as number, includeEmpty: args.include_empty as boolean, includeImmatureCoinbase: args.include_immature_coinbase as boolean };
}

const watchOnlyField = (w: boolean): { involvesWatchonly?: true } => (w ? { involvesWatchonly: true } : {});

export const walletLabelMethods: RpcMethod[] = [
  defineMethod({
    name: 'setlabel', category: 'wallet', description: 'Sets the label of an address (ours: purpose receive; anyone else\'s: purpose send).',
    params: [
      { name: 'address', type: 'string', required: true, description: 'the address' },
      { name: 'label', type: 'string', required: true, description: 'the label (any text but "*")' },
    ],
    result: 'null',
    handler: async (args, ctx) => {
      await walletOf(ctx).setLabel(checkAddress(ctx.params, args.address as string), args.label as string);
      return null;
    },
  }),
  defineMethod({
    name: 'getaddressesbylabel', category: 'wallet', description: 'The addresses with a label, and each one\'s purpose.',
    params: [{ name: 'label', type: 'string', required: true, description: 'the label' }],
    result: '{ "address": { purpose }, ... }',
    handler: (args, ctx) => walletOf(ctx).getAddressesByLabel(args.label as string),
  }),
  defineMethod({
    name: 'listlabels', category: 'wallet', description: 'Every label, sorted; optionally only those of one purpose.',
    params: [{ name: 'purpose', type: 'string', description: 'receive or send (all when absent)' }],
    result: '[label, ...]',
    handler: (args, ctx) => {
      const purpose = args.purpose as string | undefined;
      if (purpose !== undefined && purpose !== 'receive' && purpose !== 'send') throw new RpcError(RPC.INVALID_PARAMETER, `Invalid 'purpose' argument: ${purpose}`);
      return walletOf(ctx).listLabels(purpose);
    },
  }),
  defineMethod({
    name: 'listreceivedbyaddress', category: 'wallet', description: 'What each labelled receiving address of ours received (addresses from getnewaddress are labelled, "" by default).',
    params: [
      MINCONF, INCLUDE_EMPTY, WATCHONLY,
      { name: 'address_filter', type: 'string', description: 'only this address' },
      IMMATURE,
    ],
    result: '[{ involvesWatchonly?, address, amount, confirmations, label, txids }]',
    handler: (args, ctx) => {
      const filter = args.address_filter === undefined ? {} : { address: checkAddress(ctx.params, args.address_filter as string) };
      return walletOf(ctx).listReceivedByAddress({ ...receivedOptions(args), ...filter }).map((r) => ({
        ...watchOnlyField(r.watchOnly), address: r.address, amount: formatAmount(r.amount), confirmations: r.confirmations, label: r.label, txids: r.txids,
      }));
    },
  }),
  defineMethod({
    name: 'listreceivedbylabel', category: 'wallet', description: 'What the receiving addresses of each label received together.',
    params: [MINCONF, INCLUDE_EMPTY, WATCHONLY, IMMATURE],
    result: '[{ involvesWatchonly?, amount, confirmations, label }]',
    handler: (args, ctx) => walletOf(ctx).listReceivedByLabel(receivedOptions(args)).map((r) => ({
      ...watchOnlyField(r.watchOnly), amount: formatAmount(r.amount), confirmations: r.confirmations, label: r.label,
    })),
  }),
];
