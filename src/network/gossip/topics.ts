/**
 * Gossip topics and message ids. Verdicts and penalties are decided in
 * penalty.ts, the one place for every context.
 */
import { sha256d } from '../../primitives/hashes.js';

export function topics(network: string): { blocks: string; txs: string; cmpctblock: string } {
  return { blocks: `/tally/${network}/blocks/1`, txs: `/tally/${network}/txs/1`, cmpctblock: `/tally/${network}/cmpctblock/1` };
}

/**
 * Message id = sha256d of the whole message: the wtxid for a transaction, and
 * for a block the hash of all its bytes, not just the header. A header-hash id
 * would let a mutated copy (same header, altered transactions), which is
 * rejected, make gossipsub drop the real block as already seen. Identical
 * copies are still dropped by gossipsub itself, whoever sends them.
 */
export function messageId(_topic: string, data: Uint8Array): Uint8Array {
  return sha256d(data);
}
