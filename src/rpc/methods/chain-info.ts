/**
 * Core's getindexinfo and getdeploymentinfo. Tally's indexes are written in
 * the same database batch as the block that changes them, so they are always
 * synced to the tip; its rule changes were all active from the genesis block.
 */
import { defineMethod, type RpcContext, type RpcMethod } from '../types.js';
import { lookupEntry } from './chain-lookup.js';

/** Tally's indexes under the names Core clients look for (Core has txindex; addressindex is the insight dialect's). */
const INDEXES = ['txindex', 'addressindex'] as const;

/**
 * The rule sets Core reports, as Tally has them: each active from genesis, so
 * "buried" at height 0 (Core lists taproot as a bip9 deployment; Tally never
 * signalled it). Core's bip65, bip66 and csv are left out: Tally has no
 * script interpreter (no CHECKLOCKTIMEVERIFY, no DER signatures) and enforces
 * only BIP113 of csv's three BIPs.
 */
const DEPLOYMENTS = ['bip34', 'segwit', 'taproot'] as const;

function indexInfo(ctx: RpcContext, name: unknown): Record<string, unknown> {
  const names = name === undefined ? INDEXES : INDEXES.filter((n) => n === name);
  return Object.fromEntries(names.map((n) => [n, { synced: true, best_block_height: ctx.chain.height }]));
}

export const chainInfoMethods: RpcMethod[] = [
  defineMethod({
    name: 'getindexinfo',
    category: 'blockchain',
    description: 'The indexes this node keeps and how far each has got: txindex and addressindex, both always on and written with each block.',
    params: [{ name: 'index_name', type: 'string', description: 'only this index (an unknown name gives {})' }],
    result: '{ txindex: { synced, best_block_height }, addressindex: { synced, best_block_height } }',
    handler: ({ index_name: name }, ctx) => indexInfo(ctx, name),
  }),
  defineMethod({
    name: 'getdeploymentinfo',
    category: 'blockchain',
    description: 'The rule changes in force at a block: bip34, segwit and taproot, all buried at height 0 (active from genesis).',
    params: [{ name: 'blockhash', type: 'hash', description: 'the block to report on (default: the tip)' }],
    result: '{ hash, height, deployments: { bip34|segwit|taproot: { type: "buried", height: 0, active } } }',
    handler: ({ blockhash }, ctx) => {
      const entry = blockhash === undefined ? ctx.chain.tip : lookupEntry(ctx.chain, blockhash as string);
      const deployments = Object.fromEntries(DEPLOYMENTS.map((d) => [d, { type: 'buried', height: 0, active: true }]));
      return { hash: entry.hashHex, height: entry.height, deployments };
    },
  }),
];
