/**
 * What the p2p layer's parts need from each other. The sync manager sees the
 * network only through `SyncNetwork` and the node only through `SyncNode`, so
 * it can be read (and tested) without libp2p in mind.
 */
import type { Block, BlockHeader } from '../primitives/block.js';
import type { ChainEntry, HeadersResult, ProcessResult } from '../chain/index.js';

/** What a peer told us in the status handshake (and later gossip). */
export interface PeerStatus {
  network: string;
  /** Display hex. */
  genesis: string;
  tipHash: string;
  height: number;
  chainWork: bigint;
}

/** A peer that completed the status handshake. */
export interface SyncPeer {
  /** libp2p peer id, as a string. */
  readonly id: string;
  readonly status: PeerStatus;
}

/** Requests to one peer; each rejects on timeout, on a malformed reply, or when the peer goes away. */
export interface SyncNetwork {
  /** Peers that completed the handshake and are not banned. */
  peers(): SyncPeer[];
  /** Up to 2,000 headers following the first locator hash the peer knows, oldest first. */
  getHeaders(peerId: string, locator: readonly string[], signal?: AbortSignal): Promise<BlockHeader[]>;
  /**
   * Blocks in request order (a peer may leave some out), each also handed to `onBlock` as it
   * arrives; `onStart` is told the count the reply begins with, when it arrives.
   */
  getBlocks(peerId: string, hashes: readonly string[], signal?: AbortSignal, onBlock?: (block: Block) => void, onStart?: (count: number) => void): Promise<Block[]>;
  /** Records misbehaviour; 100 or more bans the peer. */
  penalize(peerId: string, score: number, reason: string): void;
}

/** The node as the sync manager sees it. */
export interface SyncNode {
  readonly tip: ChainEntry;
  readonly bestHeader: ChainEntry;
  locator(from?: ChainEntry): string[];
  getEntry(hash: string): ChainEntry | undefined;
  processHeader(header: BlockHeader): Promise<ChainEntry>;
  /** A run of headers in one chain call; stops at the first rule broken and returns it (chain.ts processHeaders). */
  processHeaders(headers: readonly BlockHeader[]): Promise<HeadersResult>;
  /** Blocks without data on the way from the best chain to `target` (the best header by default), oldest first. */
  blocksToDownload(limit: number, target?: ChainEntry): ChainEntry[];
  submitBlock(block: Block): Promise<ProcessResult>;
}

/**
 * Bytes a yamux stream may send before its reader has taken them (the receive window it is
 * granted): yamux's initial window, and the most ours grows to (libp2p.ts). Sync reads them to
 * tell how far a reply can be on its way before any of it arrives (reassign.ts).
 */
export const STREAM_WINDOW_BYTES = { initial: 256 * 1024, most: 2 * 1024 * 1024 };
