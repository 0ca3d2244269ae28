/** The records the wallet stores (layout.ts says under which keys), as plain JSON-able data. */
import type { SealedSecret } from './crypto.js';

/** Wallet-wide settings, fixed at creation except the flags that `encrypt` changes. */
export interface WalletMeta {
  network: string;
  /** Core's `disable_private_keys`: descriptors are public, nothing can be signed here. */
  watchOnly: boolean;
  /** Core's `blank`: created without keys; descriptors come from importdescriptors. */
  blank: boolean;
  /** Seconds since the epoch when the wallet was created. */
  createdAt: number;
}

/** The key material: in the clear, or sealed under the passphrase. */
export type SecretsRecord =
  | { encrypted: false; plain: WalletSecrets }
  | { encrypted: true; sealed: SealedSecret };

/** What an unlocked wallet holds in memory. */
export interface WalletSecrets {
  mnemonic?: string;
  /** Private descriptor text by descriptor id. */
  descriptors: Record<string, string>;
}

export interface DescriptorRecord {
  id: string;
  /** Public descriptor text with checksum (xpub form). */
  text: string;
  /** Change (internal) rather than receiving. */
  internal: boolean;
  /** Used by getnewaddress / getrawchangeaddress. */
  active: boolean;
  /** Next index getnewaddress hands out. */
  nextIndex: number;
  /** Seconds: Core's `timestamp` (rescans start from the first block after it). */
  timestamp: number;
  hasPrivateKey: boolean;
}

/** Where a wallet transaction stands (Core's TxState). */
export type TxState =
  | { kind: 'confirmed'; hash: string; height: number; position: number; time: number }
  | { kind: 'mempool' }
  /** Unconfirmed and not in the mempool (Core's TxStateInactive). */
  | { kind: 'inactive' }
  /** A confirmed transaction spends one of its inputs (Core's TxStateBlockConflicted). */
  | { kind: 'conflicted'; hash: string; height: number };

export interface TxRecord {
  hex: string;
  state: TxState;
  abandoned: boolean;
  /** Seconds when the wallet first saw it. */
  timeReceived: number;
  /** Order of arrival in the wallet (Core's nOrderPos), for listtransactions. */
  orderPos: number;
  /** bumpfee: the transaction this one replaces, and the one that replaced it. */
  replaces?: string;
  replacedBy?: string;
}

/** An address book entry (Core's CAddressBookData): the label of an address we handed out, or of one we pay. */
export interface AddressBookEntry {
  label: string;
  /** `receive` for our own addresses, `send` for others' (Core's AddressPurpose). */
  purpose: 'receive' | 'send';
}
