/** The notification WebSocket's subscribe/unsubscribe, answered by the JSON-RPC dispatcher. */
import { describe, expect, it } from 'vitest';
import { regtest } from '../../../src/consensus/params.js';
import { encodeAddress } from '../../../src/primitives/address.js';
import { outputKeyFromSecret } from '../../../src/primitives/sign.js';
import { dispatch } from '../../../src/rpc/dispatch.js';
import { RPC } from '../../../src/rpc/errors.js';
import { SUBSCRIPTION_METHODS, type Subscription } from '../../../src/rpc/subscriptions.js';
import { testKey } from '../../helpers/chain.js';

const address = encodeAddress(regtest.addressPrefix, outputKeyFromSecret(testKey(1)));

function call(sub: Subscription, method: string, params?: unknown) {
  const target = { methods: SUBSCRIPTION_METHODS, network: regtest, ctx: { subscription: sub, network: regtest }, version2: true };
  return dispatch({ id: 1, method, params }, target).then((r) => r.body as { jsonrpc: string; result?: unknown; error?: { code: number } });
}

describe('subscription methods', () => {
  it('subscribe and unsubscribe answer with the subscription now, in JSON-RPC 2.0', async () => {
    const sub: Subscription = { topics: new Set(), addresses: new Map() };
    expect(await call(sub, 'subscribe', { topics: ['blocks', 'mempool'], addresses: [address] }))
      .toEqual({ jsonrpc: '2.0', id: 1, result: { topics: ['blocks', 'mempool'], addresses: [address] } });
    expect((await call(sub, 'unsubscribe', { topics: ['mempool'] })).result).toEqual({ topics: ['blocks'], addresses: [address] });
    expect((await call(sub, 'unsubscribe')).result).toEqual({ topics: [], addresses: [] });
  });

  it('refuses bad requests with the dispatcher\'s codes', async () => {
    const sub: Subscription = { topics: new Set(), addresses: new Map() };
    expect((await call(sub, 'subscribe', { topics: ['weather'] })).error!.code).toBe(RPC.INVALID_PARAMS);
    expect((await call(sub, 'subscribe', { addresses: ['tlr1notanaddress'] })).error!.code).toBe(RPC.INVALID_ADDRESS_OR_KEY);
    expect((await call(sub, 'subscribe', { weather: 1 })).error!.code).toBe(RPC.INVALID_PARAMS);
    expect((await call(sub, 'getblockcount')).error!.code).toBe(RPC.METHOD_NOT_FOUND);
    expect(sub.topics.size + sub.addresses.size).toBe(0);
  });
});
