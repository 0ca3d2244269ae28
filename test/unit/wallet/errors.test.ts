/** The wallet's error codes: the doc comment names each, and each carries Core's JSON-RPC code. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WALLET_ERROR_CODES, WALLET_ERROR_RPC, WalletError } from '../../../src/wallet/errors.js';

describe('WalletError', () => {
  it('documents exactly its codes, each with its Core code', () => {
    const text = readFileSync(new URL('../../../src/wallet/errors.ts', import.meta.url), 'utf8');
    const doc = text.slice(text.indexOf('Codes:'), text.indexOf('*/'));
    const documented = [...doc.matchAll(/`([a-z-]+)` \((-\d+)\)/g)].map((m) => [m[1], Number(m[2])]);
    expect(Object.fromEntries(documented)).toEqual(WALLET_ERROR_RPC);
    expect(documented).toHaveLength(WALLET_ERROR_CODES.length);
  });

  it("maps the brief's Core codes", () => {
    const rpc = (code: keyof typeof WALLET_ERROR_RPC) => new WalletError(code, 'x').rpcCode;
    expect([rpc('unlock-needed'), rpc('wrong-passphrase'), rpc('not-encrypted'), rpc('wallet-error'), rpc('insufficient-funds'), rpc('not-loaded'), rpc('not-specified'), rpc('already-loaded')])
      .toEqual([-13, -14, -15, -4, -6, -18, -19, -35]);
  });
});
