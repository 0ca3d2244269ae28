/**
 * The faucet's methods (Tally only; Core has no faucet): `faucet "address"`
 * pays the fixed amount, `getfaucetinfo` reports the balance, the limits and
 * recent payouts. Both need `--faucet <wallet>`; without it they answer -32601.
 * A refusal keeps the faucet's code in `data.reason`, and a rate-limited one
 * (-32005) says in `data.retry_after` how many seconds until it is allowed.
 */
import { isFaucetError, type FaucetInfo, type PublicPayout } from '../../faucet/index.js';
import { RPC, RpcError } from '../errors.js';
import { formatAmount } from '../format.js';
import { defineMethod, type CoreComparison, type RpcContext, type RpcFaucet, type RpcMethod } from '../types.js';

const TALLY_ONLY = 'Tally\'s faucet for a class or a team (docs/WALLET.md), on with `tally node --faucet <wallet>`';

/** The faucet methods' comparison with Core: Core has none. */
export const CORE_FAUCET: Record<string, CoreComparison> = {
  faucet: { same: {}, notInCore: TALLY_ONLY },
  getfaucetinfo: { same: {}, notInCore: TALLY_ONLY },
};

function faucetOf(ctx: RpcContext): RpcFaucet {
  if (!ctx.faucet) throw new RpcError(RPC.METHOD_NOT_FOUND, 'Method not found (no faucet: start the node with --faucet <wallet>)');
  return ctx.faucet;
}

/** A payout as JSON: coins, node-clock seconds. */
export function payoutJson(p: PublicPayout): { txid: string; address: string; amount: number; time: number } {
  return { txid: p.txid, address: p.address, amount: formatAmount(p.amount), time: p.time };
}

/** getfaucetinfo's result (also what the explorer's page shows). */
export function faucetInfoJson(info: FaucetInfo): Record<string, unknown> {
  return {
    wallet: info.wallet, network: info.network, amount: formatAmount(info.amount), balance: formatAmount(info.balance),
    limits: { address_interval: info.limits.addressIntervalSeconds, ip_limit: info.limits.ipLimit, ip_window: info.limits.ipWindowSeconds },
    payouts: info.payouts.map(payoutJson),
  };
}

/** A faucet refusal as a JSON-RPC error with its code in `data` (and the wait, when rate-limited). */
function refusal(err: unknown): unknown {
  if (!isFaucetError(err)) return err;
  return new RpcError(err.rpcCode, err.message, { reason: err.code, ...(err.retryAfter !== undefined ? { retry_after: err.retryAfter } : {}) });
}

export const faucetMethods: RpcMethod[] = [
  defineMethod({
    name: 'faucet', category: 'faucet',
    description: 'Pays the faucet\'s fixed amount from its wallet to an address of this network (one payout per address per interval; the per-IP limit applies to the explorer\'s public page only). '
      + 'Errors (`data.reason` names the rule): -8 empty address or one of the faucet\'s own wallet, -5 invalid address or another network\'s, '
      + '-32005 rate-limited (`data.retry_after`: seconds until allowed), -6 the wallet cannot pay, -18 the wallet was unloaded, -32601 no faucet.',
    params: [{ name: 'address', type: 'string', required: true, description: 'a taproot address of this network, not one of the faucet\'s own' }],
    result: '{ txid, amount, address }',
    handler: async (args, ctx) => {
      const faucet = faucetOf(ctx);
      try {
        const p = await faucet.request(args.address);
        return { txid: p.txid, amount: formatAmount(p.amount), address: p.address };
      } catch (err) {
        throw refusal(err);
      }
    },
  }),
  defineMethod({
    name: 'getfaucetinfo', category: 'faucet', description: 'The faucet\'s wallet, balance, payout amount, limits (seconds) and recent payouts (newest first).',
    params: [],
    result: '{ wallet, network, amount, balance, limits: { address_interval, ip_limit, ip_window }, payouts: [{ txid, address, amount, time }] }',
    handler: (_args, ctx) => {
      try {
        return faucetInfoJson(faucetOf(ctx).info());
      } catch (err) {
        throw refusal(err);
      }
    },
  }),
];
