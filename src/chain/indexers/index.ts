export { addressIndexConnectOps, addressIndexDisconnectOps, blockAddressDeltas, type AddressDelta } from './address-index.js';
export {
  addressDeltas, addressUnspent, afterTransaction, getAddressHistory, getAddressUtxos,
  type AddressHistoryItem, type AddressRange, type AddressUtxo, type Cursored,
} from './address-reads.js';
export { getTxLocation, txIndexConnectOps, txIndexDisconnectOps, type TxLocation } from './tx-index.js';
