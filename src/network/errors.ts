/**
 * P2P failures, with who is at fault. The peer: `malformed-message` (bytes that
 * do not decode), `oversized-message` (a frame over the protocol's limit).
 * Our side: `request-timeout` (no reply in time), `peer-unavailable` (the stream
 * or connection closed), `aborted` (we gave up on the exchange), `no-handshake`
 * (a request before the status handshake), `not-started` (the host is not
 * running), `bad-peer-key` (the stored node identity does not load).
 */
import { TallyError } from '../primitives/errors.js';

/** Every code of {@link P2PError} with who is to blame for it. */
export const P2P_ERROR_BLAME = {
  'malformed-message': 'peer',
  'oversized-message': 'peer',
  'request-timeout': 'local',
  'peer-unavailable': 'local',
  'aborted': 'local',
  'no-handshake': 'local',
  'not-started': 'local',
  'bad-peer-key': 'local',
} as const satisfies Record<string, 'peer' | 'local'>;

export type P2PErrorCode = keyof typeof P2P_ERROR_BLAME;
/** Stable codes of {@link P2PError}. */
export const P2P_ERROR_CODES = Object.keys(P2P_ERROR_BLAME) as readonly P2PErrorCode[];

/**
 * A failure of the p2p layer. `peerFault` is true when the peer sent bytes no
 * honest implementation produces; the penalty function reads it, not the code's name.
 */
export class P2PError extends TallyError<P2PErrorCode> {
  readonly peerFault: boolean;
  constructor(code: P2PErrorCode, message: string) {
    super(code, message);
    this.peerFault = P2P_ERROR_BLAME[code] === 'peer';
  }
}
