/**
 * P2P failures. Codes: `malformed-message` (bytes that do not decode),
 * `oversized-message`, `request-timeout`, `rate-limited`, `wrong-network`,
 * `wrong-genesis`, `peer-unavailable`, `bad-reply` (a reply that does not match the request).
 */
import { TallyError } from '../primitives/errors.js';

export class P2PError extends TallyError {}
