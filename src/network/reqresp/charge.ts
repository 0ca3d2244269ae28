import { verdictFor } from '../penalty.js';

/**
 * Charges a peer for a request or reply that fails in framing or decoding
 * (penalty.ts, context `request`): shared by the server and the client.
 */
export function chargeRequestError(peers: { penalize(peer: string, score: number, reason: string): void }, peer: string, err: unknown): void {
  const verdict = verdictFor(err, 'request');
  if (verdict.penalty > 0) peers.penalize(peer, verdict.penalty, verdict.reason ?? 'malformed-message');
}
