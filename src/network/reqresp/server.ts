/**
 * The serving side of request/response: each protocol id has one handler
 * (handlers/<protocol>.ts). A banned peer or one over its request rate is
 * refused before its request is read; a failed request charges the peer once,
 * here, through the penalty function.
 */
import type { Connection, Stream } from '@libp2p/interface';
import type { LogWriter } from '../../util/logger.js';
import type { TallyLibp2p } from '../libp2p.js';
import { chargeRequestError } from './charge.js';
import { Framed } from './protocols.js';

/** Answers one request on its stream; throws to fail it (the stream is then reset). */
export type RequestHandler = (framed: Framed, peer: string) => Promise<void>;

export interface ReqRespServerModules {
  peers: {
    isBanned(peer: string): boolean;
    allowRequest(peer: string): boolean;
    penalize(peer: string, score: number, reason: string): void;
  };
  logger: LogWriter;
}

/** Registers a handler per protocol id on `host`. */
export async function registerHandlers(
  host: TallyLibp2p,
  handlers: Readonly<Record<string, RequestHandler>>,
  maxMessageSize: number,
  modules: ReqRespServerModules,
): Promise<void> {
  const streamOpts = { maxInboundStreams: 32, maxOutboundStreams: 64 };
  for (const [protocol, handler] of Object.entries(handlers)) {
    await host.handle(protocol, (stream, conn) => serve(stream, conn, handler, maxMessageSize, modules), streamOpts);
  }
}

async function serve(stream: Stream, conn: Connection, handler: RequestHandler, maxMessageSize: number, modules: ReqRespServerModules): Promise<void> {
  const peer = conn.remotePeer.toString();
  const framed = new Framed(stream, maxMessageSize);
  if (modules.peers.isBanned(peer) || !modules.peers.allowRequest(peer)) {
    framed.abort('refused');
    return;
  }
  try {
    await handler(framed, peer);
    await framed.close();
  } catch (err) {
    chargeRequestError(modules.peers, peer, err);
    modules.logger.debug({ peer, err: (err as Error).message }, 'request failed');
    framed.abort('error');
  }
}
