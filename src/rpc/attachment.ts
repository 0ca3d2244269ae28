/**
 * What shares the JSON-RPC server's HTTP listener besides the method table:
 * the WebSocket notifier and the explorer. The server keeps the gate (client
 * address, rate, origin, credentials); attachments only serve what passed it.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RequestTarget } from './http.js';

/** Something that wants the raw HTTP server (the WebSocket notifier, the explorer). */
export interface ServerAttachment {
  attach(server: Server, authorize: (req: IncomingMessage) => boolean): void;
  /**
   * Answers an authorized request it serves (true); false leaves it to the server (JSON-RPC for a POST, 405 otherwise).
   * `target` is `req.url` parsed. Only the explorer's public faucet endpoint takes a POST.
   */
  route?(req: IncomingMessage, res: ServerResponse, target: RequestTarget): boolean;
  /**
   * Takes an authorized, rate-checked WebSocket upgrade for one of its paths (true);
   * false leaves it to the others (404). The server owns the `upgrade` event, so
   * every upgrade passes the same checks as a request.
   */
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer, target: RequestTarget): boolean;
  /**
   * Vouches for a request or upgrade that has no Basic credentials (the explorer's session
   * cookie, or its one-time sign-in link); the client address, rate and origin are checked first.
   */
  authorizeRequest?(req: IncomingMessage, target: RequestTarget): boolean;
  /** Vouches for a WebSocket upgrade that has no Basic credentials (a browser's session token); the client address and origin are still checked. */
  authorizeUpgrade?(req: IncomingMessage, target: RequestTarget): boolean;
  close(): Promise<void>;
}
