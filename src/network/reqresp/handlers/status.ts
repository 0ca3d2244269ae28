/** The status protocol (PROTOCOL.md §9.1): the handshake, answered with our own status. */
import type { PeerStatus } from '../../interface.js';
import { decodeStatus, encodeStatus } from '../messages.js';
import { timeoutSignal } from '../protocols.js';
import type { RequestHandler } from '../server.js';

export interface StatusHandlerModules {
  requestTimeoutMs: number;
  ourStatus(): PeerStatus;
  /** Accepts the dialer's status, or drops the dialer when it is on another network. */
  recordStatus(peer: string, status: PeerStatus, direction: 'inbound'): void;
}

export function statusHandler(modules: StatusHandlerModules): RequestHandler {
  return async (framed, peer) => {
    const signal = timeoutSignal(modules.requestTimeoutMs);
    const theirs = decodeStatus(await framed.read(signal));
    await framed.write(encodeStatus(modules.ourStatus()), signal);
    modules.recordStatus(peer, theirs, 'inbound');
  };
}
