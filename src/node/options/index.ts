/**
 * Every option `tally node` takes, declared once per service. The CLI builds
 * its commander flags from {@link NODE_OPTION_DECLS}; resolveConfig reads
 * tally.conf against it; each service's `*OptionsFrom` turns the values into
 * its typed options.
 */
import { CHAIN_OPTIONS } from './chain.js';
import type { OptionDecl } from './declare.js';
import { EXPLORER_OPTIONS } from './explorer.js';
import { LOGGING_OPTIONS } from './logging.js';
import { MEMPOOL_OPTIONS } from './mempool.js';
import { METRICS_OPTIONS } from './metrics.js';
import { NODE_OPTIONS } from './node.js';
import { P2P_OPTIONS } from './p2p.js';
import { RPC_OPTIONS } from './rpc.js';
import { SYNC_OPTIONS } from './sync.js';
import { WALLET_OPTIONS } from './wallet.js';

/** All options, in --help order. */
export const NODE_OPTION_DECLS: readonly OptionDecl[] = [
  ...NODE_OPTIONS, ...P2P_OPTIONS, ...RPC_OPTIONS, ...METRICS_OPTIONS, ...MEMPOOL_OPTIONS,
  ...EXPLORER_OPTIONS, ...CHAIN_OPTIONS, ...SYNC_OPTIONS, ...LOGGING_OPTIONS, ...WALLET_OPTIONS,
];

/** An option's declaration by its long name. */
export function findOption(name: string): OptionDecl | undefined {
  return NODE_OPTION_DECLS.find((d) => d.name === name);
}

export { ConfigError, badOption } from './errors.js';
export { lastValue, parseBool, parseNumber, parseInteger, parsePort, switchedOn } from './declare.js';
export type { OptionDecl, OptionKind, OptionValues } from './declare.js';
export { verifyPoolOptionsFrom } from './chain.js';
export { explorerOptionsFrom, explorerOptionsFromConfig } from './explorer.js';
export { metricsOptionsFrom, metricsOptionsFromConfig } from './metrics.js';
export { rpcOptionsFrom, rpcOptionsFromConfig } from './rpc.js';
export { syncOptionsFrom } from './sync.js';
export { walletOptionsFrom, walletOptionsFromConfig } from './wallet.js';
