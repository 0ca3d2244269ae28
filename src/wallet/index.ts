/** The node's wallet: the WalletManager service, its wallets, and the pure pieces (descriptors, keys, coin selection, PSBT). */
export { WalletManager, type WalletManagerModules, type WalletManagerOptions } from './manager.js';
export { Wallet, type WalletModules } from './wallet.js';
export type { AddressInfo, WalletInfo } from './reads.js';
export { WALLET_DEFAULTS, type WalletOptions } from './options.js';
export { WALLET_ERROR_CODES, WALLET_ERROR_RPC, WalletError, type WalletErrorCode } from './errors.js';
export type { WalletBlockEntry, WalletChain, WalletEventSink, WalletEventSource, WalletMempool, WalletNode, WalletRemovalReason } from './interface.js';
export type { CreateOptions, ImportRequest, ImportResult } from './create.js';
export type { Balances, ListUnspentOptions, UnspentEntry } from './balances.js';
export type { TxCategory, TxEntry, TxInfo } from './history.js';
export type { PaymentRequest, Recipient } from './spend.js';
export { descriptorChecksum, formatDescriptor, parseDescriptor, withChecksum, type Descriptor } from './descriptor.js';
export { accountDescriptors, deriveKey, generateMnemonic, masterKeyFromMnemonic, TALLY_COIN_TYPE } from './keys.js';
export { DUST_LIMIT, selectCoins } from './coin-select.js';
export { btcSignerNetwork, decodePsbt } from './psbt.js';
export { finalizePsbt } from './payments.js';
export { descriptorId } from './keyring.js';
