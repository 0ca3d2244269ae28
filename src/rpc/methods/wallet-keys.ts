/**
 * Addresses and descriptors, as Bitcoin Core names them: getnewaddress,
 * getrawchangeaddress, getaddressinfo, listdescriptors, importdescriptors,
 * rescanblockchain. Tally's wallets hold BIP86 taproot descriptors only, so
 * the one address type is bech32m.
 */
import { descriptorId, type ImportRequest } from '../../wallet/index.js';
import { RPC, RpcError } from '../errors.js';
import { defineMethod, type RpcMethod, type RpcParam } from '../types.js';
import { walletOf } from '../wallet-access.js';

const ADDRESS_TYPE: RpcParam = { name: 'address_type', type: 'string', description: 'bech32m (the only type: taproot, BIP86)' };

function checkAddressType(type: unknown): void {
  if (type !== undefined && type !== 'bech32m') throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, `Unknown address type '${String(type)}'`);
}

/** One importdescriptors request in Core's shape. */
function importRequest(raw: unknown): ImportRequest {
  if (typeof raw !== 'object' || raw === null) throw new RpcError(RPC.TYPE_ERROR, 'requests: expected objects');
  const r = raw as Record<string, unknown>;
  if (typeof r.desc !== 'string') throw new RpcError(RPC.TYPE_ERROR, 'Descriptor not found.');
  const ts = r.timestamp;
  if (ts !== 'now' && typeof ts !== 'number') throw new RpcError(RPC.TYPE_ERROR, 'Missing required timestamp field for key');
  return {
    desc: r.desc, timestamp: ts, ...(typeof r.active === 'boolean' ? { active: r.active } : {}),
    ...(typeof r.internal === 'boolean' ? { internal: r.internal } : {}), ...(typeof r.next_index === 'number' ? { nextIndex: r.next_index } : {}),
    ...(typeof r.label === 'string' ? { label: r.label } : {}),
  };
}

export const walletKeysMethods: RpcMethod[] = [
  defineMethod({
    name: 'getnewaddress', category: 'wallet', description: 'A new receiving address from the wallet\'s external chain.',
    params: [{ name: 'label', type: 'string', default: '', description: 'the label the address gets in the address book (any text but "*")' }, ADDRESS_TYPE],
    result: 'the address (string)',
    handler: (args, ctx) => {
      checkAddressType(args.address_type);
      return walletOf(ctx).newAddress(false, args.label as string);
    },
  }),
  defineMethod({
    name: 'getrawchangeaddress', category: 'wallet', description: 'A new address from the wallet\'s internal (change) chain.',
    params: [ADDRESS_TYPE], result: 'the address (string)',
    handler: (args, ctx) => {
      checkAddressType(args.address_type);
      return walletOf(ctx).newAddress(true);
    },
  }),
  defineMethod({
    name: 'getaddressinfo', category: 'wallet', description: 'What the wallet knows of an address: whether it is ours, its descriptor and derivation path.',
    params: [{ name: 'address', type: 'string', required: true, description: 'the address' }],
    result: '{ address, scriptPubKey, ismine, solvable, desc?, iswatchonly, isscript, iswitness, witness_version, witness_program, ischange, hdkeypath?, hdmasterfingerprint?, labels }',
    handler: (args, ctx) => ({ ...walletOf(ctx).getAddressInfo(args.address as string), isscript: false }),
  }),
  defineMethod({
    name: 'listdescriptors', category: 'wallet', description: 'The wallet\'s descriptors; with `private`, their private forms (the wallet must be unlocked).',
    params: [{ name: 'private', type: 'boolean', default: false, description: 'show private descriptors' }],
    result: '{ wallet_name, descriptors: [{ desc, timestamp, active, internal?, range?, next?, next_index? }] }',
    handler: async (args, ctx) => {
      const w = walletOf(ctx);
      const secrets = args.private === true ? (await w.secrets()).descriptors : undefined;
      const descriptors = w.listDescriptors().map((d) => {
        const desc = secrets ? secrets[descriptorId(d.desc)] : d.desc;
        if (desc === undefined) throw new RpcError(RPC.WALLET_ERROR, 'Can\'t get descriptor string.');
        return { ...d, desc, ...(d.next_index !== undefined ? { next: d.next_index } : {}) };
      });
      return { wallet_name: w.name, descriptors };
    },
  }),
  defineMethod({
    name: 'importdescriptors', category: 'wallet', description: 'Imports tr(KEY/…/*), tr(KEY) and addr() descriptors, then rescans from the earliest timestamp (none for "now").',
    params: [{ name: 'requests', type: 'array', required: true, description: '[{ desc, timestamp ("now" or seconds), active?, internal?, next_index?, label? (not for ranged descriptors) }]' }],
    result: '[{ success, warnings?, error? }]',
    handler: async (args, ctx) => {
      const results = await walletOf(ctx).importDescriptors((args.requests as unknown[]).map(importRequest));
      return results.map((r) => (r.success ? { success: true } : { success: false, error: r.error }));
    },
  }),
  defineMethod({
    name: 'rescanblockchain', category: 'wallet', description: 'Rescans the chain for the wallet\'s transactions between two heights.',
    params: [
      { name: 'start_height', type: 'integer', default: 0, min: 0, description: 'first height' },
      { name: 'stop_height', type: 'integer', min: 0, description: 'last height (the tip when absent)' },
    ],
    result: '{ start_height, stop_height }',
    handler: async (args, ctx) => {
      const tip = ctx.chain.height;
      const from = args.start_height as number;
      const to = args.stop_height as number | undefined;
      if (from > tip || (to !== undefined && (to > tip || to < from))) throw new RpcError(RPC.INVALID_PARAMETER, 'Invalid start_height or stop_height');
      const r = await walletOf(ctx).rescan(from, to);
      return { start_height: r.startHeight, stop_height: r.stopHeight };
    },
  }),
];
