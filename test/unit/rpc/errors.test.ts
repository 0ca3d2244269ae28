/** The RPC's one error translator: every error a method throws becomes a JSON-RPC error by its class and code. */
import { describe, expect, it } from 'vitest';
import { ChainError } from '../../../src/chain/errors.js';
import { RuleError } from '../../../src/consensus/errors.js';
import { MempoolError } from '../../../src/mempool/errors.js';
import { AddressError, EncodingError } from '../../../src/primitives/errors.js';
import { RPC, RpcError, toRpcError } from '../../../src/rpc/errors.js';

describe('toRpcError', () => {
  it('keeps an RpcError as it is', () => {
    const err = new RpcError(RPC.INVALID_PARAMETER, 'x');
    expect(toRpcError(err)).toBe(err);
  });

  it('answers rule and policy failures as rejected, with the reject code as the message', () => {
    expect(toRpcError(new RuleError('tx', 'bad-txns-vin-empty', 'no inputs'))).toMatchObject({ code: RPC.VERIFY_REJECTED, message: 'bad-txns-vin-empty', data: { reason: 'no inputs' } });
    expect(toRpcError(new MempoolError('dust', 'tiny output'))).toMatchObject({ code: RPC.VERIFY_REJECTED, message: 'dust', data: { reason: 'tiny output' } });
  });

  it('answers "already have it" as already in chain', () => {
    expect(toRpcError(new MempoolError('txn-already-in-mempool', 'x'))).toMatchObject({ code: RPC.VERIFY_ALREADY_IN_CHAIN, message: 'txn-already-in-mempool' });
    expect(toRpcError(new MempoolError('txn-already-known', 'x')).code).toBe(RPC.VERIFY_ALREADY_IN_CHAIN);
  });

  it('maps decoding and address failures to Core\'s codes', () => {
    expect(toRpcError(new EncodingError('bad-hex', 'odd length')).code).toBe(RPC.DESERIALIZATION_ERROR);
    expect(toRpcError(new AddressError('bad-checksum', 'x')).code).toBe(RPC.INVALID_ADDRESS_OR_KEY);
  });

  it('answers other coded failures as misc errors naming the code, and anything else as internal', () => {
    expect(toRpcError(new ChainError('closed', 'the chain is closed'))).toMatchObject({ code: RPC.MISC_ERROR, message: 'the chain is closed (closed)' });
    expect(toRpcError(new Error('boom'))).toMatchObject({ code: RPC.INTERNAL_ERROR, message: 'Internal error' });
  });

  it('does not depend on class names (a minified or renamed class maps the same)', () => {
    class Renamed extends MempoolError {}
    Object.defineProperty(Renamed, 'name', { value: 'X' });
    expect(toRpcError(new Renamed('dust', 'x')).code).toBe(RPC.VERIFY_REJECTED);
  });
});
