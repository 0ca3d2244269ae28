/**
 * Writing the address book (Core's SetAddressBook): one entry per address,
 * put in the caller's batch so a label lands together with whatever made it
 * (a new address, say), and kept in memory for the reads.
 */
import { addressToScriptPubKey } from '../primitives/address.js';
import type { WalletCore } from './core.js';
import { walletError } from './errors.js';
import { walletKeys } from './layout.js';
import type { AddressBookEntry } from './records.js';
import type { WalletBatch } from './store.js';

/**
 * Labels `address` in `batch` and in memory: `receive` when it is ours, `send`
 * otherwise (or the `purpose` given, for an address about to become ours).
 * @throws WalletError `invalid-address`
 */
export function setLabel(core: WalletCore, address: string, label: string, batch: WalletBatch, purpose?: AddressBookEntry['purpose']): void {
  scriptOf(core, address);
  const entry: AddressBookEntry = { label, purpose: purpose ?? (core.keys.ownerOfAddress(address) ? 'receive' : 'send') };
  batch.putJson(walletKeys.addressBook(address), entry);
  core.addressBook.set(address, entry);
}

function scriptOf(core: WalletCore, address: string): Uint8Array {
  try {
    return addressToScriptPubKey(core.params.addressPrefix, address);
  } catch {
    throw walletError('invalid-address', 'Invalid Bitcoin address');
  }
}
