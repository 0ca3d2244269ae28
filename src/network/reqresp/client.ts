/**
 * Outgoing requests (PROTOCOL.md §9.1): status, headers and blocks, one stream
 * each. A request closes its stream after the reply and resets it when it
 * fails: closing only our side would leave it half-open for as long as a
 * stalling peer likes, holding a stream slot and buffering whatever it sends
 * later. A reply that fails in framing or decoding charges the peer.
 */
import type { Stream } from '@libp2p/interface';
import { Block, type BlockHeader } from '../../primitives/block.js';
import { P2PError } from '../errors.js';
import type { PeerStatus } from '../interface.js';
import { MAX_BLOCKS_PER_REQUEST } from '../options.js';
import { chargeRequestError } from './charge.js';
import { decodeCount, decodeHeaders, decodeStatus, encodeHashes, encodeStatus } from './messages.js';
import { Framed, timeoutSignal } from './protocols.js';
import { ReplyDeadlines } from './reply-deadlines.js';
import type { Transaction } from '../../primitives/tx.js';
import { decodeBlockTxn, encodeBlockTxnRequest, type BlockTxnRequest } from '../gossip/compact/message.js';

export interface ReqRespClientOptions {
  requestTimeoutMs: number;
  maxMessageSize: number;
  /** Protocol ids (protocols.ts protocolIds). */
  ids: { status: string; headers: string; blocks: string; blocktxn?: string };
}

export interface ReqRespClientModules {
  /** Opens a stream to `peer` for `protocol`. */
  dial(peer: string, protocol: string, signal: AbortSignal): Promise<Stream>;
  peers: { penalize(peer: string, score: number, reason: string): void };
}

export class ReqRespClient {
  constructor(
    private readonly opts: ReqRespClientOptions,
    private readonly modules: ReqRespClientModules,
  ) {}

  /** Sends our status and returns the peer's (the dialer's side of the handshake). */
  async status(peer: string, ours: PeerStatus): Promise<PeerStatus> {
    return this.exchange(peer, this.opts.ids.status, undefined, false, async (framed, s) => {
      await framed.write(encodeStatus(ours), s);
      return decodeStatus(await framed.read(s));
    });
  }

  async getHeaders(peer: string, locator: readonly string[], signal?: AbortSignal): Promise<BlockHeader[]> {
    return this.exchange(peer, this.opts.ids.headers, signal, true, async (framed, s) => {
      await framed.write(encodeHashes(locator), s);
      return decodeHeaders(await framed.read(s));
    });
  }

  /**
   * Asks for `hashes` and hands each block to `onBlock` as it arrives. The reply may take as
   * long as its blocks need: the request timeout bounds each wait for the next frame, not the
   * whole reply (a 16 MB reply needs 8 s at 16 Mbit/s); `signal` bounds the rest.
   */
  async getBlocks(peer: string, hashes: readonly string[], signal?: AbortSignal, onBlock?: (block: Block) => void, onStart?: (count: number) => void): Promise<Block[]> {
    if (hashes.length > MAX_BLOCKS_PER_REQUEST) throw new RangeError(`at most ${MAX_BLOCKS_PER_REQUEST} blocks per request`);
    return this.exchange(peer, this.opts.ids.blocks, signal, true, async (framed, first) => {
      await framed.write(encodeHashes(hashes), first);
      const count = decodeCount(await framed.read(first), hashes.length);
      onStart?.(count);
      // One signal and timer for the frames of the reply, each wait still bounded alone (reply-deadlines.ts).
      const deadlines = new ReplyDeadlines(this.opts.requestTimeoutMs, () => performance.now());
      const onAbort = () => deadlines.abort(signal?.reason);
      if (signal?.aborted) onAbort();
      signal?.addEventListener('abort', onAbort);
      try {
        const blocks: Block[] = [];
        for (let i = 0; i < count; i++) {
          const endWait = deadlines.begin();
          const bytes = await framed.read(deadlines.signal);
          endWait();
          const block = decodeBlock(bytes);
          blocks.push(block);
          onBlock?.(block);
        }
        return blocks;
      } finally {
        deadlines.dispose();
        signal?.removeEventListener('abort', onAbort);
      }
    });
  }

  /**
   * Asks for transactions of a block by index (compact relay, PROTOCOL.md §9.5): those asked
   * for in order, or none when the peer lacks the block. Another block or count is malformed.
   */
  async getBlockTxn(peer: string, req: BlockTxnRequest, signal?: AbortSignal): Promise<Transaction[]> {
    const protocol = this.opts.ids.blocktxn;
    if (!protocol) throw new P2PError('not-started', 'no blocktxn protocol id');
    return this.exchange(peer, protocol, signal, true, async (framed, s) => {
      await framed.write(encodeBlockTxnRequest(req), s);
      const reply = decodeBlockTxn(await framed.read(s));
      if (reply.hash !== req.hash) throw new P2PError('malformed-message', `blocktxn for ${reply.hash}, asked for ${req.hash}`);
      if (reply.txs.length !== 0 && reply.txs.length !== req.indexes.length) {
        throw new P2PError('malformed-message', `blocktxn with ${reply.txs.length} transactions, asked for ${req.indexes.length}`);
      }
      return reply.txs;
    });
  }

  /** Runs one request on a new stream; `charge` says whether a failure costs the peer (status failures are the handshake's). */
  private async exchange<T>(
    peer: string, protocol: string, signal: AbortSignal | undefined, charge: boolean,
    run: (framed: Framed, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const stream = await this.modules.dial(peer, protocol, timeoutSignal(this.opts.requestTimeoutMs, signal));
    const framed = new Framed(stream, this.opts.maxMessageSize);
    let reply: T;
    try {
      reply = await run(framed, timeoutSignal(this.opts.requestTimeoutMs, signal));
    } catch (err) {
      framed.abort(charge ? 'request failed' : 'status request failed');
      if (charge) chargeRequestError(this.modules.peers, peer, err);
      throw err;
    }
    await framed.close();
    return reply;
  }
}

function decodeBlock(bytes: Uint8Array): Block {
  try {
    return Block.fromBytes(bytes);
  } catch (err) {
    throw new P2PError('malformed-message', `undecodable block: ${(err as Error).message}`);
  }
}
