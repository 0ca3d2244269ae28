/**
 * Balances, coins and history, as Bitcoin Core names them: getbalance,
 * getbalances, listunspent, lockunspent, listlockunspent, listtransactions,
 * listsinceblock, gettransaction. The library counts satoshis; these give coins.
 */
import { formatAmount } from '../format.js';
import { RPC, RpcError } from '../errors.js';
import { defineMethod, type RpcMethod, type RpcParam } from '../types.js';
import { walletOf } from '../wallet-access.js';
import { decodeTx } from './tx-args.js';
import { txToUniv } from './tx-json.js';
import { coins, entryJson } from './wallet-json.js';

const WATCHONLY: RpcParam = { name: 'include_watchonly', type: 'boolean', default: true, description: 'accepted for Core\'s clients: a descriptor wallet always includes its watch-only descriptors' };

function outpoints(raw: unknown): { txid: string; vout: number }[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new RpcError(RPC.TYPE_ERROR, 'transactions: expected an array');
  return raw.map((o: { txid?: unknown; vout?: unknown }) => {
    if (typeof o?.txid !== 'string' || !/^[0-9a-f]{64}$/i.test(o.txid)) throw new RpcError(RPC.INVALID_PARAMETER, 'Invalid parameter, expected a txid');
    if (typeof o.vout !== 'number' || !Number.isInteger(o.vout) || o.vout < 0) throw new RpcError(RPC.INVALID_PARAMETER, 'Invalid parameter, vout cannot be negative');
    return { txid: o.txid.toLowerCase(), vout: o.vout };
  });
}

export const walletBalanceMethods: RpcMethod[] = [
  defineMethod({
    name: 'getbalance', category: 'wallet', description: 'The trusted balance at least `minconf` deep (our own unconfirmed change counts at 0).',
    params: [
      { name: 'dummy', type: 'string', description: 'must be "*" or absent (Core\'s accounts are gone)' },
      { name: 'minconf', type: 'integer', default: 0, min: 0, description: 'minimum confirmations' },
      WATCHONLY,
      { name: 'avoid_reuse', type: 'boolean', default: true, description: 'accepted for Core\'s clients' },
    ],
    result: 'the balance in coins (number)',
    handler: (args, ctx) => {
      if (args.dummy !== undefined && args.dummy !== '*') throw new RpcError(RPC.METHOD_DEPRECATED, 'dummy first argument must be excluded or set to "*".');
      return formatAmount(walletOf(ctx).getBalance(args.minconf as number));
    },
  }),
  defineMethod({
    name: 'getbalances', category: 'wallet', description: 'Balances by Core\'s buckets: trusted, untrusted pending, immature.', params: [],
    result: '{ mine: { trusted, untrusted_pending, immature }, lastprocessedblock: { hash, height } }',
    handler: (_args, ctx) => {
      const w = walletOf(ctx);
      const b = w.getBalances();
      const last = w.info().lastprocessedblock;
      return {
        mine: { trusted: formatAmount(b.trusted), untrusted_pending: formatAmount(b.untrustedPending), immature: formatAmount(b.immature) },
        ...(last ? { lastprocessedblock: last } : {}),
      };
    },
  }),
  defineMethod({
    name: 'listunspent', category: 'wallet', description: 'The wallet\'s spendable outputs within a depth range (locked ones left out).',
    params: [
      { name: 'minconf', type: 'integer', default: 1, min: 0, description: 'minimum confirmations' },
      { name: 'maxconf', type: 'integer', default: 9_999_999, min: 0, description: 'maximum confirmations' },
      { name: 'addresses', type: 'array', description: 'only these addresses' },
      { name: 'include_unsafe', type: 'boolean', default: true, description: 'include unconfirmed outputs from others and replaceable ones' },
      { name: 'query_options', type: 'object', description: 'accepted for Core\'s clients (not applied)' },
    ],
    result: '[{ txid, vout, address, label?, scriptPubKey, amount, confirmations, spendable, solvable, desc?, safe }]',
    handler: (args, ctx) => walletOf(ctx)
      .listUnspent({ minconf: args.minconf as number, maxconf: args.maxconf as number, includeUnsafe: args.include_unsafe as boolean, ...(args.addresses ? { addresses: args.addresses as string[] } : {}) })
      .map((u) => coins(u)),
  }),
  defineMethod({
    name: 'lockunspent', category: 'wallet', description: 'Locks or unlocks outputs so coin selection leaves them alone (all of them: unlock with no list).',
    params: [
      { name: 'unlock', type: 'boolean', required: true, description: 'true to unlock, false to lock' },
      { name: 'transactions', type: 'array', description: '[{ txid, vout }]' },
      { name: 'persistent', type: 'boolean', default: false, description: 'keep the lock across restarts' },
    ],
    result: 'true',
    handler: (args, ctx) => walletOf(ctx).lockUnspent(args.unlock as boolean, outpoints(args.transactions), args.persistent as boolean),
  }),
  defineMethod({
    name: 'listlockunspent', category: 'wallet', description: 'The locked outputs.', params: [], result: '[{ txid, vout }]',
    handler: (_args, ctx) => walletOf(ctx).listLockUnspent(),
  }),
  defineMethod({
    name: 'listtransactions', category: 'wallet', description: 'The most recent wallet transactions, oldest first, with Core\'s categories (send, receive, generate, immature, orphan).',
    params: [
      { name: 'label', type: 'string', description: 'only receipts to addresses with this label ("*" or absent: everything)' },
      { name: 'count', type: 'integer', default: 10, description: 'how many' },
      { name: 'skip', type: 'integer', default: 0, description: 'how many of the most recent to skip' },
      WATCHONLY,
    ],
    result: '[{ address, category, amount, label?, vout, fee?, confirmations, blockhash?, blockheight?, blockindex?, blocktime?, txid, wtxid, walletconflicts, time, timereceived, bip125-replaceable, abandoned? }]',
    handler: (args, ctx) => {
      const label = args.label === undefined || args.label === '*' ? undefined : (args.label as string);
      return walletOf(ctx).listTransactions(args.count as number, args.skip as number, label).map(entryJson);
    },
  }),
  defineMethod({
    name: 'listsinceblock', category: 'wallet', description: 'Wallet transactions after a block (all without one), those a reorg removed, and the block to ask from next.',
    params: [
      { name: 'blockhash', type: 'hash', description: 'the block to list after' },
      { name: 'target_confirmations', type: 'integer', default: 1, min: 1, description: 'lastblock is this many blocks deep' },
      WATCHONLY,
      { name: 'include_removed', type: 'boolean', default: true, description: 'list transactions of blocks a reorg removed' },
      { name: 'include_change', type: 'boolean', default: false, description: 'also list our change outputs (as a send and a receive)' },
      { name: 'label', type: 'string', description: 'only the receipts to addresses with this label' },
    ],
    result: '{ transactions: [...], removed: [...], lastblock }',
    handler: async (args, ctx) => {
      const w = walletOf(ctx);
      const hash = args.blockhash as string | undefined;
      const filter = { includeChange: args.include_change as boolean, ...(args.label !== undefined ? { label: args.label as string } : {}) };
      const since = w.listSinceBlock(hash, args.target_confirmations as number, filter);
      const removed = hash !== undefined && args.include_removed === true ? await w.removedSince(hash, filter) : [];
      return { transactions: since.transactions.map(entryJson), removed: removed.map(entryJson), lastblock: since.lastblock };
    },
  }),
  defineMethod({
    name: 'gettransaction', category: 'wallet', description: 'A wallet transaction: amount and fee for the wallet, confirmations (negative when conflicted), details and hex.',
    params: [
      { name: 'txid', type: 'hash', required: true, description: 'the transaction id' },
      WATCHONLY,
      { name: 'verbose', type: 'boolean', default: false, description: 'add the decoded transaction' },
    ],
    result: '{ amount, fee?, confirmations, blockhash?, ..., txid, wtxid, walletconflicts, time, timereceived, bip125-replaceable, details: [...], hex, decoded? }',
    handler: (args, ctx) => {
      const t = walletOf(ctx).getTransaction(args.txid as string);
      const out = { ...coins(t), details: t.details.map(entryJson) };
      if (args.verbose !== true) return out;
      return { ...out, decoded: txToUniv(decodeTx(t.hex), ctx.params, { hex: false }) };
    },
  }),
];
