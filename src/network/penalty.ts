/**
 * The one place where a failure becomes a gossip verdict and a peer penalty
 * (PROTOCOL.md §9.4). Every code is answered with one question: could an
 * honest peer that is a few blocks ahead or behind, has another mempool, a
 * clock a little off or another relay policy, send this? If so, it costs
 * nothing. The answer depends on what was sent: a coinbase spent too early is
 * fine in a loose transaction from a peer one block ahead, and invalid for
 * everyone in a block, whose own height decides (Bitcoin Core's
 * TX_PREMATURE_SPEND against BLOCK_CONSENSUS).
 */
import { ENCODING_ERROR_BLAME, isTallyError } from '../primitives/errors.js';
import { P2P_ERROR_BLAME } from './errors.js';
import { SCRIPT_FAILURE } from '../consensus/signatures.js';

export type Acceptance = 'accept' | 'ignore' | 'reject';

export interface Verdict {
  acceptance: Acceptance;
  /** Misbehaviour score to charge the sender (0 for none). */
  penalty: number;
  reason?: string;
  /** The object may be valid at a later tip (the sender is ahead of us): worth trying again after the next block. */
  retryAfterBlock?: boolean;
}

/**
 * What the peer sent: a gossiped transaction (checked as a loose transaction),
 * a gossiped block, a request or a reply to ours (framing and decoding), or a
 * sync reply (headers and blocks we asked for).
 */
export type PenaltyContext = 'gossip-tx' | 'gossip-block' | 'request' | 'sync';

/** Why a code gets its verdict. */
export type Fault =
  /** Invalid for every honest node, whatever its tip, mempool, clock or policy. */
  | 'invalid'
  /** Bytes or a protocol exchange no honest implementation produces. */
  | 'malformed'
  /** Valid at a later tip: the sender may be ahead of us. */
  | 'ahead'
  /** Depends on the receiver's chain, mempool, clock or relay policy. */
  | 'view'
  /**
   * A request not answered in time. Slow is not malicious (a small link, big blocks, a busy
   * machine): sync reassigns the work and backs the peer off (sync/peer-state.ts), and never
   * scores it, or an honest slow peer would be banned after enough timeouts. Core likewise
   * disconnects a block-download staller without a misbehaviour score.
   */
  | 'stall'
  /** Too many requests: a small nuisance. */
  | 'nuisance'
  /** Our side (stopping, a closed stream, a peer that left): nothing to blame. */
  | 'local';

/** A misbehaviour score at or above this bans the peer (Bitcoin Core's DISCOURAGEMENT_THRESHOLD). */
export const BAN_THRESHOLD = 100;

/** Score per fault: Core's weights (invalid 100, malformed 20). */
export const FAULT_SCORES: Readonly<Record<Fault, number>> = {
  invalid: BAN_THRESHOLD,
  malformed: 20,
  stall: 0,
  nuisance: 1,
  ahead: 0,
  view: 0,
  local: 0,
};

const invalid = (codes: string[]): [string, Fault][] => codes.map((c) => [c, 'invalid']);

/** Context-free transaction rules (PROTOCOL.md §6.2) and input rules that no chain view changes (§6.3). */
const TX_INVALID = invalid([
  'bad-txns-vin-empty', 'bad-txns-vout-empty', 'bad-txns-oversize', 'bad-txns-vout-negative', 'bad-txns-vout-toolarge',
  'bad-txns-txouttotal-toolarge', 'bad-txns-output-script', 'bad-txns-inputs-duplicate', 'bad-cb-length', 'bad-txns-prevout-null',
  'bad-txns-scriptsig-nonempty',
  // A coin's value and script follow from its outpoint (the txid commits to them): the same for every node that has it.
  'bad-txns-inputvalues-outofrange', 'bad-txns-in-belowout', 'bad-txns-fee-outofrange', SCRIPT_FAILURE,
]);

/** A transaction relayed on its own (gossip), judged against our tip and mempool. */
const LOOSE_TX = new Map<string, Fault>([
  ...TX_INVALID,
  ['coinbase', 'invalid'],
  // It spends an output of a transaction it conflicts with: txids fix both, so no chain has both.
  ['bad-txns-spends-conflicting-tx', 'invalid'],
  // Matures, or becomes final, at a later height or median time: the sender is ahead of us.
  ['bad-txns-premature-spend-of-coinbase', 'ahead'],
  ['non-final', 'ahead'],
  ['bad-txns-nonfinal', 'ahead'],
  // A parent we have not seen, or a coin spent on our branch or in our mempool but not the sender's.
  ['bad-txns-inputs-missingorspent', 'view'],
  ['txn-mempool-conflict', 'view'],
  ['txn-already-in-mempool', 'view'],
  ['txn-same-nonwitness-data-in-mempool', 'view'],
  // Confirmed in a block the sender has not seen yet.
  ['txn-already-known', 'view'],
  // Relay policy: fees, pool size and limits, replacement rules and standardness differ between nodes and versions.
  ...['min relay fee not met', 'mempool min fee not met', 'mempool full', 'too-long-mempool-chain', 'insufficient fee',
    'too many potential replacements', 'replacement-adds-unconfirmed', 'version', 'tx-size', 'tx-size-small', 'scriptpubkey',
    'dust', 'multi-op-return', 'bad-witness-nonstandard'].map((c): [string, Fault] => [c, 'view']),
]);

/** A block or header (gossip or sync): every rule is decided by the block and its ancestors alone, except two. */
const BLOCK = new Map<string, Fault>([
  ...TX_INVALID,
  // Inside a block the block's own height and its parent's UTXO set decide (§6.6): final for everyone.
  ...invalid(['bad-txns-premature-spend-of-coinbase', 'bad-txns-nonfinal', 'bad-txns-inputs-missingorspent']),
  ...invalid(['high-hash', 'bad-diffbits', 'time-too-old', 'bad-cb-height', 'bad-cb-amount', 'bad-blk-length', 'bad-blk-weight',
    'bad-cb-missing', 'bad-cb-multiple', 'bad-prevblk', 'duplicate-invalid']),
  // A mutated copy of a valid block: honest peers validate before relaying, so it is the sender's doing (Core's BLOCK_MUTATED).
  ...invalid(['bad-txnmrklroot', 'bad-txns-duplicate', 'unexpected-witness', 'bad-witness-nonce-size', 'bad-witness-merkle-match']),
  // Our clock may be behind the sender's: the block becomes valid later.
  ['time-too-new', 'view'],
  // We are behind: its parent comes by sync.
  ['prev-blk-not-found', 'view'],
]);

function peerFaultCodes(blame: Readonly<Record<string, 'peer' | 'local'>>): string[] {
  return Object.entries(blame).filter(([, who]) => who === 'peer').map(([code]) => code);
}

/** Framing, decoding and protocol exchanges, in every context. */
const WIRE = new Map<string, Fault>([
  // Decode and framing codes whose error class blames the input (primitives/errors.ts, errors.ts), listed for verdictForCode.
  ...[...peerFaultCodes(ENCODING_ERROR_BLAME), ...peerFaultCodes(P2P_ERROR_BLAME), 'non-continuous-headers', 'too-many-headers']
    .map((c): [string, Fault] => [c, 'malformed']),
  // A reply block we did not ask for, or a stored block of its that failed once its branch connected.
  ['block-hash-mismatch', 'invalid'],
  ['invalid-block', 'invalid'],
  // Compact relay (gossip/compact/): a compact block or blocktxn answer that does not describe the block its
  // sender serves under that header, or a sender that does not serve a block it relayed (honest ones validated and stored it).
  ...invalid(['cmpctblock-mismatch', 'blocktxn-mismatch']),
  ['cmpctblock-unserved', 'malformed'],
  ['block-download-stalled', 'stall'],
  ['headers-download-stalled', 'stall'],
  ['request-rate-exceeded', 'nuisance'],
  // A request racing the status handshake is refused, not blamed. Sync's own reasons for ending a request
  // (a bad reply is charged by its own code, block-hash-mismatch; a superseded endgame copy is nobody's fault).
  ...['no-handshake', 'request-timeout', 'peer-unavailable', 'aborted', 'peer-gone', 'peer-banned', 'sync-stopped', 'not-started', 'bad-reply', 'superseded']
    .map((c): [string, Fault] => [c, 'local']),
]);

/** The fault a code stands for in a context; undefined for a code no table lists. */
export function faultFor(code: string, context: PenaltyContext): Fault | undefined {
  const table = context === 'gossip-tx' ? LOOSE_TX : context === 'request' ? undefined : BLOCK;
  return table?.get(code) ?? WIRE.get(code);
}

/** Every code with its fault per context, for the docs and the tests. */
export function penaltyTable(): { code: string; looseTx?: Fault; block?: Fault; wire?: Fault }[] {
  const codes = new Set([...LOOSE_TX.keys(), ...BLOCK.keys(), ...WIRE.keys()]);
  return [...codes].map((code) => ({ code, looseTx: LOOSE_TX.get(code), block: BLOCK.get(code), wire: WIRE.get(code) }));
}

/** The verdict and penalty for a failure with `code` in `context`. */
export function verdictForCode(code: string, context: PenaltyContext): Verdict {
  return verdictOf(faultFor(code, context) ?? 'view', code);
}

/**
 * Maps the outcome of handling what a peer sent to a gossipsub verdict and a
 * penalty: undefined (success) is accept; a fault of the sender is reject
 * (gossipsub lowers its score too) with the fault's penalty; anything an
 * honest peer may send, or a failure of ours, is ignore without blame.
 * A code no table lists keeps the score its error carries (a new consensus
 * rule stays punished); the unit test keeps the tables complete.
 */
export function verdictFor(err: unknown, context: PenaltyContext): Verdict {
  if (err === undefined) return { acceptance: 'accept', penalty: 0 };
  if (!isTallyError(err)) return { acceptance: 'ignore', penalty: 0, reason: (err as Error)?.message ?? 'error' };
  // A decode or framing error says itself whether the peer is at fault.
  const fault = (err as { peerFault?: unknown }).peerFault === true ? 'malformed' : faultFor(err.code, context);
  if (fault) return verdictOf(fault, err.code);
  const score = (err as { score?: unknown }).score;
  if (typeof score === 'number' && score > 0) return { acceptance: 'reject', penalty: score, reason: err.code };
  return { acceptance: 'ignore', penalty: 0, reason: err.code };
}

function verdictOf(fault: Fault, code: string): Verdict {
  const penalty = FAULT_SCORES[fault];
  if (fault === 'invalid' || fault === 'malformed') return { acceptance: 'reject', penalty, reason: code };
  if (fault === 'ahead') return { acceptance: 'ignore', penalty, reason: code, retryAfterBlock: true };
  return { acceptance: 'ignore', penalty, reason: code };
}
