/** Coin selection moved to the node's wallet (src/wallet/coin-select.ts); the CLI keystore uses the same code. */
export { DUST_LIMIT, InsufficientFunds, feeFor, selectCoins, txVsize, txWeight, type Coin, type Selection } from '../../wallet/coin-select.js';
