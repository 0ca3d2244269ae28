/** The node as the sync manager sees it (interface.ts SyncNode), over the node's chain. */
import type { ChainEntry } from '../chain/index.js';
import type { NetworkNode } from '../node/interface.js';
import type { Block, BlockHeader } from '../primitives/block.js';
import type { SyncNode } from './interface.js';

/** `onBlock` is told of each block sync submits before it is submitted (so it is not re-published). */
export function syncNodeOf(node: NetworkNode, onBlock: (block: Block) => void): SyncNode {
  const chain = node.chain;
  return {
    get tip() { return chain.tip; },
    get bestHeader() { return chain.bestHeader; },
    locator: (from?: ChainEntry) => chain.locator(from),
    getEntry: (hash: string) => chain.getEntry(hash),
    processHeader: (header: BlockHeader) => chain.processHeader(header),
    processHeaders: (headers: readonly BlockHeader[]) => chain.processHeaders(headers),
    blocksToDownload: (limit: number, target?: ChainEntry) => chain.blocksToDownload(limit, target),
    submitBlock: (block: Block) => {
      onBlock(block);
      return node.submitBlock(block);
    },
  };
}
