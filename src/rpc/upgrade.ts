/**
 * The server's half of a WebSocket upgrade: the same gate as a request (client
 * address, rate, origin and credentials: Basic, an attachment's session or
 * token), then the attachment that serves the path. A cross-site upgrade gets
 * 401 like a missing credential. Nothing thrown here reaches the event loop.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../util/logger.js';
import type { ServerAttachment } from './attachment.js';
import { refuseUpgrade, requestTarget, retryAfterSeconds, type RequestTarget } from './http.js';
import { errorText } from './replies.js';

/** What an upgrade is checked against: the RPC server's own checks, lent. */
export interface UpgradeGate {
  readonly attachments: readonly ServerAttachment[];
  readonly log: Logger;
  clientAllowed(req: IncomingMessage): boolean;
  /** 0 to go ahead, else the seconds to wait. */
  rateCheck(req: IncomingMessage): number;
  /** Origin and credentials. */
  authorized(req: IncomingMessage, target: RequestTarget): boolean;
  count(method: string, status: number): void;
  /** Answers bad credentials after the server's delay. */
  refuseCredentials(socket: Duplex, answer: () => void): void;
}

/** Handles an `upgrade` event; the listener runs synchronously in the server's event, so it must not throw. */
export function guardUpgrade(gate: UpgradeGate, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on('error', () => undefined);
  try {
    onUpgrade(gate, req, socket, head);
  } catch (err) {
    gate.count('-', 500);
    gate.log.warn({ err: errorText(err) }, 'websocket upgrade failed');
    refuseUpgrade(socket, 500, 'Internal Server Error');
  }
}

function onUpgrade(gate: UpgradeGate, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  if (!gate.clientAllowed(req)) return refuseUpgrade(socket, 403, 'Forbidden');
  const wait = gate.rateCheck(req);
  if (wait > 0) {
    gate.count('-', 429);
    return refuseUpgrade(socket, 429, 'Too Many Requests', { 'Retry-After': String(retryAfterSeconds(wait)) });
  }
  const target = requestTarget(req.url);
  if (!target) {
    gate.count('-', 400);
    return refuseUpgrade(socket, 400, 'Bad Request');
  }
  if (!gate.authorized(req, target)) {
    return gate.refuseCredentials(socket, () => refuseUpgrade(socket, 401, 'Unauthorized', { 'WWW-Authenticate': 'Basic realm="jsonrpc"' }));
  }
  if (gate.attachments.some((a) => a.upgrade?.(req, socket, head, target) ?? false)) return;
  refuseUpgrade(socket, 404, 'Not Found');
}
