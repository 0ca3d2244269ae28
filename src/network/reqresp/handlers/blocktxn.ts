/**
 * The blocktxn protocol (PROTOCOL.md §9.5, BIP152's getblocktxn/blocktxn): the
 * transactions of a stored block at the indexes asked for, so that a peer that
 * rebuilt our compact block from its mempool can fetch the few it lacked. A
 * block we do not store is answered with no transactions; an index past the
 * block's end is a malformed request (an honest asker takes its indexes from
 * the compact block, which counts the block's transactions).
 */
import type { Block } from '../../../primitives/block.js';
import { P2PError } from '../../errors.js';
import { decodeBlockTxnRequest, encodeBlockTxn } from '../../gossip/compact/message.js';
import { timeoutSignal } from '../protocols.js';
import type { RequestHandler } from '../server.js';

export interface BlockTxnHandlerModules {
  requestTimeoutMs: number;
  chain: { getBlock(hash: string): Promise<Block | undefined> };
  isHandshaked(peer: string): boolean;
}

export function blockTxnHandler(modules: BlockTxnHandlerModules): RequestHandler {
  return async (framed, peer) => {
    const signal = timeoutSignal(modules.requestTimeoutMs);
    const { hash, indexes } = decodeBlockTxnRequest(await framed.read(signal));
    if (!modules.isHandshaked(peer)) throw new P2PError('no-handshake', 'blocktxn requested before the status handshake');
    const block = await modules.chain.getBlock(hash);
    if (!block) return framed.write(encodeBlockTxn({ hash, txs: [] }), signal);
    const count = block.transactions.length;
    const last = indexes[indexes.length - 1]!;
    if (last >= count) throw new P2PError('malformed-message', `blocktxn index ${last} past the block's ${count} transactions`);
    await framed.write(encodeBlockTxn({ hash, txs: indexes.map((i) => block.transactions[i]!) }), signal);
  };
}
