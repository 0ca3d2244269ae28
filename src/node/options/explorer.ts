/** Explorer options: one switch; the explorer is served on the RPC port. */
import { defaultExplorerOptions, type ExplorerOptions } from '../../explorer/options.js';
import { lastValue, switchedOn, type OptionDecl, type OptionValues } from './declare.js';

export const EXPLORER_OPTIONS: readonly OptionDecl[] = [
  { name: 'explorer', flag: '--explorer', description: 'serve the block explorer web page on the RPC port (at / and /explorer/, same credentials)', kind: 'bool' },
];

/** The explorer's options, or undefined when `explorer` is off (the default). */
export function explorerOptionsFrom(values: OptionValues): ExplorerOptions | undefined {
  return switchedOn(lastValue(values, 'explorer')) ? defaultExplorerOptions() : undefined;
}

/** {@link explorerOptionsFrom} over a resolved NodeConfig's values. */
export function explorerOptionsFromConfig(config: { extra: OptionValues }): ExplorerOptions | undefined {
  return explorerOptionsFrom(config.extra);
}
