/**
 * The blocks topic: a gossiped block is submitted to the node. A block whose
 * ancestors we lack starts a headers request to its sender; one whose branch
 * lacks the work sync demands of unrequested blocks is ignored (§9.2).
 */
import type { ChainEntry } from '../../chain/index.js';
import type { NetworkNode } from '../../node/interface.js';
import { Block } from '../../primitives/block.js';
import { belowThreshold } from '../../sync/low-work.js';
import type { PeerInfo } from '../peers/peer-store.js';
import type { Verdict } from '../penalty.js';
import type { GossipHandler } from './processor.js';

export interface BlockGossipModules {
  submitBlock: NetworkNode['submitBlock'];
  /** Marks a block as come from the network (not ours to publish). */
  fromNetwork(hash: string): void;
  /** True when an unrequested block's branch is below sync's anti-DoS work threshold. */
  lowWork(block: Pick<Block, 'hash' | 'header'>): boolean;
  /** Asks `peer` for the headers leading to a block we cannot connect yet. */
  requestHeadersFrom(peer: string): void;
  /** The sender's handshake, whose status a connected block advances. */
  handshake(peer: string): PeerInfo | undefined;
}

export function blockGossipHandler(modules: BlockGossipModules): GossipHandler {
  return (from, _msgId, data) => submitGossipedBlock(Block.fromBytes(data), from, modules);
}

/** Submits a block that `from` gossiped (whole, or rebuilt from its compact form) and judges the outcome. */
export async function submitGossipedBlock(block: Block, from: string, modules: BlockGossipModules): Promise<Verdict> {
  modules.fromNetwork(block.hash);
  if (modules.lowWork(block)) return { acceptance: 'ignore', penalty: 0, reason: 'low-work' };
  const result = await modules.submitBlock(block);
  if (result.status === 'orphan') {
    // We lack its ancestors: fetch headers from whoever sent it.
    modules.requestHeadersFrom(from);
    return { acceptance: 'ignore', penalty: 0, reason: 'orphan' };
  }
  if (result.status !== 'connected') return { acceptance: 'ignore', penalty: 0, reason: result.status };
  const info = modules.handshake(from);
  const entry = result.entry!;
  if (info && entry.chainWork > info.status.chainWork) {
    info.status = { ...info.status, tipHash: entry.hashHex, height: entry.height, chainWork: entry.chainWork };
  }
  return { acceptance: 'accept', penalty: 0 };
}

/**
 * An unrequested block is stored only when its branch reaches sync's anti-DoS work threshold
 * (§9.2): otherwise a peer could grow the header index with cheap old branches, paying only
 * their proof of work. A block whose header is already stored passed the rule (or came by sync).
 */
export function lowWork(chain: { getEntry(hash: string): ChainEntry | undefined }, threshold: bigint, block: Pick<Block, 'hash' | 'header'>): boolean {
  if (chain.getEntry(block.hash)) return false;
  const parent = chain.getEntry(block.header.prevHash);
  return parent !== undefined && !parent.failed && belowThreshold(parent, block.header, threshold);
}
