/**
 * Which addresses the faucet pays: taproot addresses of its own network that
 * are not its own; everything else is refused with a code (and JSON-RPC's -5 or -8).
 */
import { describe, expect, it } from 'vitest';
import { regtest, testnet } from '../../../src/consensus/params.js';
import { checkPayoutAddress, FaucetError } from '../../../src/faucet/index.js';
import { encodeAddress, encodeSegwitAddress } from '../../../src/primitives/address.js';

const key = (n: number) => new Uint8Array(32).fill(n);
const regtestAddress = encodeAddress(regtest.addressPrefix, key(7));
const never = () => false;

function refused(address: unknown, isMine: (a: string) => boolean = never): { code: string; rpcCode: number } {
  try {
    checkPayoutAddress(address, regtest.addressPrefix, isMine);
  } catch (err) {
    expect(err).toBeInstanceOf(FaucetError);
    return { code: (err as FaucetError).code, rpcCode: (err as FaucetError).rpcCode };
  }
  throw new Error(`${String(address)} was accepted`);
}

describe('checkPayoutAddress', () => {
  it('accepts a taproot address of its network, in either case, as lower case', () => {
    expect(checkPayoutAddress(regtestAddress, regtest.addressPrefix, never)).toBe(regtestAddress);
    expect(checkPayoutAddress(` ${regtestAddress.toUpperCase()} `, regtest.addressPrefix, never)).toBe(regtestAddress);
  });

  it('refuses an address of another network (Tally testnet, Bitcoin) with -5', () => {
    expect(refused(encodeAddress(testnet.addressPrefix, key(7)))).toEqual({ code: 'wrong-network', rpcCode: -5 });
    expect(refused(encodeAddress('bc', key(7)))).toEqual({ code: 'wrong-network', rpcCode: -5 });
    expect(refused(encodeAddress('tb', key(7)))).toEqual({ code: 'wrong-network', rpcCode: -5 });
  });

  it('refuses text that is not an address, a bad checksum and a non-taproot program with -5', () => {
    expect(refused('hello')).toEqual({ code: 'invalid-address', rpcCode: -5 });
    expect(refused('1BoatSLRHtKNngkdXEeobR76b53LETtpyT')).toEqual({ code: 'invalid-address', rpcCode: -5 });
    expect(refused(`${regtestAddress.slice(0, -1)}${regtestAddress.endsWith('q') ? 'p' : 'q'}`)).toEqual({ code: 'invalid-address', rpcCode: -5 });
    expect(refused(encodeSegwitAddress(regtest.addressPrefix, 0, new Uint8Array(20).fill(1)))).toEqual({ code: 'invalid-address', rpcCode: -5 });
  });

  it('refuses a missing or empty address with -8', () => {
    expect(refused('')).toEqual({ code: 'invalid-parameter', rpcCode: -8 });
    expect(refused(undefined)).toEqual({ code: 'invalid-parameter', rpcCode: -8 });
    expect(refused(42)).toEqual({ code: 'invalid-parameter', rpcCode: -8 });
  });

  it('refuses an address of its own wallet with -8', () => {
    expect(refused(regtestAddress, (a) => a === regtestAddress)).toEqual({ code: 'own-address', rpcCode: -8 });
  });
});
