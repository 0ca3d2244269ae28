/**
 * The headers protocol (PROTOCOL.md §9.1): up to MAX_HEADERS_PER_REPLY main-chain
 * headers following the first locator hash we have on our main chain (genesis when none).
 */
import type { ChainEntry } from '../../../chain/index.js';
import type { BlockHeader } from '../../../primitives/block.js';
import { P2PError } from '../../errors.js';
import { MAX_HEADERS_PER_REPLY } from '../../options.js';
import { decodeLocator, encodeHeaders } from '../messages.js';
import { timeoutSignal } from '../protocols.js';
import type { RequestHandler } from '../server.js';

export interface HeadersHandlerModules {
  requestTimeoutMs: number;
  chain: {
    readonly height: number;
    getEntry(hash: string): ChainEntry | undefined;
    getEntryAtHeight(height: number): ChainEntry | undefined;
    isMain(entry: ChainEntry): boolean;
  };
  isHandshaked(peer: string): boolean;
}

export function headersHandler(modules: HeadersHandlerModules): RequestHandler {
  return async (framed, peer) => {
    const signal = timeoutSignal(modules.requestTimeoutMs);
    const locator = decodeLocator(await framed.read(signal));
    if (!modules.isHandshaked(peer)) throw new P2PError('no-handshake', 'headers requested before the status handshake');
    await framed.write(encodeHeaders(headersAfter(modules.chain, locator)), signal);
  };
}

/** The main-chain headers after the locator's fork point. */
export function headersAfter(chain: HeadersHandlerModules['chain'], locator: readonly string[]): BlockHeader[] {
  let start = chain.getEntryAtHeight(0)!;
  for (const hash of locator) {
    const entry = chain.getEntry(hash);
    if (entry && chain.isMain(entry)) {
      start = entry;
      break;
    }
  }
  const headers: BlockHeader[] = [];
  for (let h = start.height + 1; h <= chain.height && headers.length < MAX_HEADERS_PER_REPLY; h++) headers.push(chain.getEntryAtHeight(h)!.header);
  return headers;
}
