/**
 * The RPC side of the wallet without a node: the `/wallet/<name>` path rule,
 * the one translation of wallet errors (Core's code from `rpcCode`), and
 * Core's "method not found" when the node runs with --disablewallet.
 */
import { describe, expect, it } from 'vitest';
import { RPC, toRpcError } from '../../../src/rpc/errors.js';
import { walletNameFromPath, walletsOf } from '../../../src/rpc/wallet-access.js';
import type { RpcContext } from '../../../src/rpc/types.js';
import { WALLET_ERROR_RPC, WalletError, type WalletErrorCode } from '../../../src/wallet/index.js';

describe('wallet endpoints', () => {
  it('reads the wallet name from /wallet/<name>, percent-decoded, and nothing from other paths', () => {
    expect(walletNameFromPath('/wallet/pay')).toBe('pay');
    expect(walletNameFromPath('/wallet/my%20shop')).toBe('my shop');
    expect(walletNameFromPath('/wallet/')).toBe('');
    expect(walletNameFromPath('/')).toBeUndefined();
    expect(walletNameFromPath('/walletx/pay')).toBeUndefined();
    expect(() => walletNameFromPath('/wallet/%E0%A4%A')).toThrow(expect.objectContaining({ code: RPC.INVALID_PARAMETER }));
  });

  it('answers Method not found when the node has no wallets (--disablewallet)', () => {
    expect(() => walletsOf({} as RpcContext)).toThrow(expect.objectContaining({ code: RPC.METHOD_NOT_FOUND }));
  });
});

describe('wallet errors become JSON-RPC errors with Core\'s code', () => {
  it.each(Object.entries(WALLET_ERROR_RPC))('%s → %i, with its message', (code, rpcCode) => {
    const err = toRpcError(new WalletError(code as WalletErrorCode, 'why'));
    expect(err.code).toBe(rpcCode);
    expect(err.message).toBe('why');
  });
});
