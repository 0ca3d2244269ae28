/** The node: its configuration, the composition root and the function that wires it with its adapters. */
export { TallyNode, type NodeEvents, type NodeModules } from './node.js';
export { ConfigError, badOption, defaultDatadir, locateOptionError, parseConfigFile, resolveConfig, type NodeConfig } from './config.js';
export { createLogger, type NodeLogger } from './logging.js';
export { planNode, startNode, type AdapterSwitches, type NodePlan, type WiredNode } from './wire.js';
export { NODE_OPTION_DECLS, findOption, type OptionDecl, type OptionValues } from './options/index.js';
