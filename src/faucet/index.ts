/**
 * The faucet (`tally node --faucet <wallet>`): a service that pays a fixed
 * amount from a loaded wallet under per-address and per-IP limits, with its
 * rules as pure functions (limits.ts, address.ts) and its history in `<datadir>/faucet.json`.
 */
export { Faucet, type FaucetInfo, type FaucetModules, type FaucetWallet, type FaucetWallets, type PublicPayout } from './faucet.js';
export { FAUCET_ERROR_CODES, FAUCET_ERROR_RPC, FaucetError, faucetError, isFaucetError, type FaucetErrorCode } from './errors.js';
export { checkLimits, checkSettings, describeWait, normalizeIp, prune, waitFor, type Payout, type PayoutRequest, type Wait } from './limits.js';
export { checkPayoutAddress } from './address.js';
export { FAUCET_DEFAULTS, formatCoins, MIN_AMOUNT, parseCoins, SATS_PER_COIN, SHARED_NETWORK_CAPS, type FaucetLimits, type FaucetOptions } from './options.js';
export { loadPayouts, savePayouts } from './state.js';
