export { addressHistoryKeys, getAddressHistory, getAddressUtxos, type AddressHistoryItem, type AddressUtxo } from './address-index.js';
export { getTxLocation, txIndexConnectOps, txIndexDisconnectOps, type TxLocation } from './tx-index.js';
