/** Explorer options from the node's configuration (command line and tally.conf). */
import type { NodeConfig } from '../node/config.js';
import { defaultExplorerOptions, type ExplorerOptions } from './options.js';

/** The explorer's options, or undefined when `explorer` is off (the default). */
export function explorerOptionsFromConfig(config: NodeConfig): ExplorerOptions | undefined {
  const list = config.extra.explorer ?? [];
  const enabled = list[list.length - 1];
  if (enabled === undefined || ['0', 'false', 'no', 'off'].includes(enabled)) return undefined;
  return defaultExplorerOptions();
}
