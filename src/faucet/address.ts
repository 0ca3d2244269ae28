/**
 * Which addresses the faucet pays: a well-formed taproot address of its own
 * network that is not one of its own wallet's. Pure: the wallet's ownership
 * test is an argument.
 */
import { decodeAddress, decodeSegwitAddress } from '../primitives/address.js';
import { isTallyError } from '../primitives/errors.js';
import { faucetError } from './errors.js';

/** Human-readable parts a student may paste by mistake, and whose they are. */
const KNOWN_HRPS: Record<string, string> = {
  tlr: 'Tally regtest', tlt: 'Tally testnet', bc: 'Bitcoin mainnet', tb: 'Bitcoin testnet or signet', bcrt: 'Bitcoin regtest',
};

/**
 * @param prefix - the network's address prefix (`tlr`, `tlt`)
 * @param isMine - true for an address of the faucet's wallet
 * @throws FaucetError `invalid-parameter` (empty), `invalid-address` (does not decode, or not taproot),
 *   `wrong-network` (another network's address), `own-address` (the faucet's own)
 */
export function checkPayoutAddress(address: unknown, prefix: string, isMine: (address: string) => boolean): string {
  if (typeof address !== 'string' || address.trim() === '') throw faucetError('invalid-parameter', 'Give an address to pay');
  const text = address.trim();
  let hrp: string;
  try {
    hrp = decodeSegwitAddress(text).hrp;
  } catch {
    throw faucetError('invalid-address', `Invalid address: "${text.slice(0, 100)}" is not a bech32m address`);
  }
  if (hrp !== prefix) {
    const whose = KNOWN_HRPS[hrp] ? `a ${KNOWN_HRPS[hrp]} address` : `an address for "${hrp}"`;
    throw faucetError('wrong-network', `Wrong network: that is ${whose}; this faucet pays ${prefix}1p… addresses`);
  }
  try {
    decodeAddress(prefix, text);
  } catch (err) {
    if (!isTallyError(err)) throw err;
    throw faucetError('invalid-address', 'Invalid address: the faucet pays taproot (v1) addresses only');
  }
  if (isMine(text)) throw faucetError('own-address', 'That address belongs to the faucet itself');
  return text.toLowerCase();
}
