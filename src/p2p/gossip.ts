/**
 * Gossip topics and the one place that turns validation outcomes into
 * gossipsub verdicts and peer penalties.
 */
import { sha256d } from '../primitives/hashes.js';
import { isTallyError } from '../primitives/errors.js';
import { RuleError } from '../consensus/errors.js';

export type Acceptance = 'accept' | 'ignore' | 'reject';

export interface Verdict {
  acceptance: Acceptance;
  /** Misbehaviour score to charge the sender (0 for none). */
  penalty: number;
  reason?: string;
}

export function topics(network: string): { blocks: string; txs: string } {
  return { blocks: `/tally/${network}/blocks/1`, txs: `/tally/${network}/txs/1` };
}

/**
 * Message id = sha256d of the whole message: the wtxid for a transaction, and
 * for a block the hash of all its bytes, not just the header. A header-hash id
 * would let a mutated copy (same header, altered transactions), which is
 * rejected, make gossipsub drop the real block as already seen. Identical
 * copies are still dropped by gossipsub itself, whoever sends them.
 */
export function messageId(_topic: string, data: Uint8Array): Uint8Array {
  return sha256d(data);
}

/**
 * Maps the outcome of handling a gossiped object to a gossipsub verdict:
 * valid and useful → accept (forward); known, stale, orphan, or refused by
 * local policy → ignore (do not forward, do not blame); broken consensus or
 * undecodable → reject (the sender's gossipsub score drops) plus our own penalty.
 */
export function verdictFor(err: unknown): Verdict {
  if (err === undefined) return { acceptance: 'accept', penalty: 0 };
  if (err instanceof RuleError) {
    if (err.score > 0) return { acceptance: 'reject', penalty: err.score, reason: err.code };
    return { acceptance: 'ignore', penalty: 0, reason: err.code };
  }
  if (isTallyError(err, 'malformed-message') || isTallyError(err) && /^(bad-hex|read-out-of-bounds|trailing-bytes|non-canonical-compactsize|compactsize-too-large|superfluous-witness|unknown-tx-flags|bad-header-length)$/.test(err.code)) {
    return { acceptance: 'reject', penalty: 20, reason: isTallyError(err) ? err.code : 'malformed' };
  }
  // Policy refusals (fee too low, mempool full, already known) say nothing bad of the sender.
  if (isTallyError(err)) return { acceptance: 'ignore', penalty: (err as { score?: number }).score ?? 0, reason: err.code };
  return { acceptance: 'ignore', penalty: 0, reason: (err as Error)?.message ?? 'error' };
}
