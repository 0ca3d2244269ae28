/**
 * Tally's library API: what wallets, tools and students import.
 *
 *   import { Transaction, Block, merkleRoot, networks } from 'tally';
 *
 * The polyfill comes first so that anything loaded after it (libp2p) finds
 * the runtime features it expects.
 */
import './polyfills.js';

export * from './primitives/index.js';
export * from './consensus/index.js';
export * from './mining/index.js';
export * as lab from './lab/index.js';
