/**
 * The block explorer adapter: `new Explorer(opts, modules)` attached to the
 * RPC server with `rpc.use(explorer)` (`tally node --explorer`). It serves a
 * plain HTML/JS page (`static/`) that reads the node through the JSON-RPC and
 * the `/ws` notifications only.
 */
export { Explorer, EXPLORER_PATH, SESSION_PATH, type ExplorerModules, type ParsedTarget } from './explorer.js';
export { defaultExplorerOptions, type ExplorerOptions } from './options.js';
export { SessionTokens } from './sessions.js';
export { loadStaticFiles, STATIC_DIR, type StaticFile } from './static-files.js';
export { FaucetRoutes, faucetClientIp, FAUCET_FILES, FAUCET_INFO, FAUCET_PAGE, FAUCET_REQUEST, type ExplorerFaucet, type FaucetRouteOptions } from './faucet-route.js';
