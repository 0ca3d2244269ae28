/**
 * The penalty function (src/network/penalty.ts, PROTOCOL.md §9.4): every code that
 * can reach a penalty, with its verdict in each context, written out here so
 * that a change to any of them is a visible decision. A scan of src/ keeps the
 * table complete: a new reject code must be given a verdict.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RuleError, type RuleErrorCode } from '../../../src/consensus/errors.js';
import { checkTxInputs } from '../../../src/consensus/tx-checks.js';
import { MempoolError, type MempoolErrorCode } from '../../../src/mempool/errors.js';
import { P2PError, type P2PErrorCode } from '../../../src/network/errors.js';
import { BAN_THRESHOLD as PEERS_BAN_THRESHOLD } from '../../../src/network/peers/index.js';
import { BAN_THRESHOLD, penaltyTable, verdictFor, verdictForCode, type PenaltyContext } from '../../../src/network/penalty.js';
import { EncodingError } from '../../../src/primitives/errors.js';
import { catchRuleError, payTo, spend, TestChain } from '../../helpers/chain.js';
import { REPO_ROOT } from '../../helpers/reliability.js';

type Row = [code: string, acceptance: 'reject' | 'ignore', penalty: number];

const CONTEXT_FREE_TX: Row[] = [
  ['bad-txns-vin-empty', 'reject', 100],
  ['bad-txns-vout-empty', 'reject', 100],
  ['bad-txns-oversize', 'reject', 100],
  ['bad-txns-vout-negative', 'reject', 100],
  ['bad-txns-vout-toolarge', 'reject', 100],
  ['bad-txns-txouttotal-toolarge', 'reject', 100],
  ['bad-txns-output-script', 'reject', 100],
  ['bad-txns-inputs-duplicate', 'reject', 100],
  ['bad-cb-length', 'reject', 100],
  ['bad-txns-prevout-null', 'reject', 100],
  ['bad-txns-scriptsig-nonempty', 'reject', 100],
  ['bad-txns-inputvalues-outofrange', 'reject', 100],
  ['bad-txns-in-belowout', 'reject', 100],
  ['bad-txns-fee-outofrange', 'reject', 100],
  ['mandatory-script-verify-flag-failed', 'reject', 100],
];

/** A transaction gossiped on its own: judged against our tip, mempool and policy. */
const LOOSE_TX: Row[] = [
  ...CONTEXT_FREE_TX,
  ['coinbase', 'reject', 100],
  ['bad-txns-spends-conflicting-tx', 'reject', 100],
  // The sender may be ahead of us.
  ['bad-txns-premature-spend-of-coinbase', 'ignore', 0],
  ['non-final', 'ignore', 0],
  ['bad-txns-nonfinal', 'ignore', 0],
  // Another mempool or chain view.
  ['bad-txns-inputs-missingorspent', 'ignore', 0],
  ['txn-mempool-conflict', 'ignore', 0],
  ['txn-already-in-mempool', 'ignore', 0],
  ['txn-same-nonwitness-data-in-mempool', 'ignore', 0],
  ['txn-already-known', 'ignore', 0],
  // Another relay policy.
  ['min relay fee not met', 'ignore', 0],
  ['mempool min fee not met', 'ignore', 0],
  ['mempool full', 'ignore', 0],
  ['too-long-mempool-chain', 'ignore', 0],
  ['insufficient fee', 'ignore', 0],
  ['too many potential replacements', 'ignore', 0],
  ['replacement-adds-unconfirmed', 'ignore', 0],
  ['version', 'ignore', 0],
  ['tx-size', 'ignore', 0],
  ['tx-size-small', 'ignore', 0],
  ['scriptpubkey', 'ignore', 0],
  ['dust', 'ignore', 0],
  ['multi-op-return', 'ignore', 0],
  ['bad-witness-nonstandard', 'ignore', 0],
];

/** A block or header, gossiped or fetched by sync: its own height and parent decide. */
const BLOCK: Row[] = [
  ...CONTEXT_FREE_TX,
  ['bad-txns-premature-spend-of-coinbase', 'reject', 100],
  ['bad-txns-nonfinal', 'reject', 100],
  ['bad-txns-inputs-missingorspent', 'reject', 100],
  ['high-hash', 'reject', 100],
  ['bad-diffbits', 'reject', 100],
  ['time-too-old', 'reject', 100],
  ['bad-cb-height', 'reject', 100],
  ['bad-cb-amount', 'reject', 100],
  ['bad-blk-length', 'reject', 100],
  ['bad-blk-weight', 'reject', 100],
  ['bad-cb-missing', 'reject', 100],
  ['bad-cb-multiple', 'reject', 100],
  ['bad-prevblk', 'reject', 100],
  ['duplicate-invalid', 'reject', 100],
  ['bad-txnmrklroot', 'reject', 100],
  ['bad-txns-duplicate', 'reject', 100],
  ['unexpected-witness', 'reject', 100],
  ['bad-witness-nonce-size', 'reject', 100],
  ['bad-witness-merkle-match', 'reject', 100],
  ['time-too-new', 'ignore', 0],
  ['prev-blk-not-found', 'ignore', 0],
];

/** Framing, decoding and exchanges: the same in every context. */
const WIRE: Row[] = [
  ['malformed-message', 'reject', 20],
  ['oversized-message', 'reject', 20],
  ['bad-hex', 'reject', 20],
  ['read-out-of-bounds', 'reject', 20],
  ['trailing-bytes', 'reject', 20],
  ['non-canonical-compactsize', 'reject', 20],
  ['compactsize-too-large', 'reject', 20],
  ['superfluous-witness', 'reject', 20],
  ['unknown-tx-flags', 'reject', 20],
  ['bad-header-length', 'reject', 20],
  ['non-continuous-headers', 'reject', 20],
  ['too-many-headers', 'reject', 20],
  ['block-hash-mismatch', 'reject', 100],
  ['invalid-block', 'reject', 100],
  ['cmpctblock-mismatch', 'reject', 100],
  ['blocktxn-mismatch', 'reject', 100],
  ['cmpctblock-unserved', 'reject', 20],
  ['block-download-stalled', 'ignore', 0],
  ['headers-download-stalled', 'ignore', 0],
  ['request-rate-exceeded', 'ignore', 1],
  ['no-handshake', 'ignore', 0],
  ['request-timeout', 'ignore', 0],
  ['peer-unavailable', 'ignore', 0],
  ['aborted', 'ignore', 0],
  ['peer-gone', 'ignore', 0],
  ['peer-banned', 'ignore', 0],
  ['sync-stopped', 'ignore', 0],
  ['not-started', 'ignore', 0],
  ['bad-reply', 'ignore', 0],
  ['superseded', 'ignore', 0],
];

const POLICY = new Set(LOOSE_TX.slice(CONTEXT_FREE_TX.length).map(([c]) => c).filter((c) => !c.startsWith('bad-txns-')));

/** The error a code comes as: a RuleError (with the score consensus gives it), a MempoolError, or a wire error. */
function errorFor(code: string, scope: 'tx' | 'block'): Error {
  if (POLICY.has(code)) return new MempoolError(code as MempoolErrorCode, code, code === 'coinbase' ? 100 : 0);
  if (WIRE.some(([c]) => c === code)) return new P2PError(code as P2PErrorCode, code);
  return new RuleError(scope, code as RuleErrorCode, code);
}

function expectVerdict(err: unknown, context: PenaltyContext, [code, acceptance, penalty]: Row): void {
  const verdict = verdictFor(err, context);
  expect({ code, context, acceptance: verdict.acceptance, penalty: verdict.penalty }).toEqual({ code, context, acceptance, penalty });
  expect(verdictForCode(code, context)).toMatchObject({ acceptance, penalty });
}

describe('penalty: every code with its verdict', () => {
  it.each(LOOSE_TX)('gossiped transaction: %s → %s %i', (...row) => {
    expectVerdict(errorFor(row[0], 'tx'), 'gossip-tx', row);
  });

  it.each(BLOCK)('block (gossip and sync): %s → %s %i', (...row) => {
    expectVerdict(errorFor(row[0], 'block'), 'gossip-block', row);
    expectVerdict(errorFor(row[0], 'block'), 'sync', row);
  });

  it.each(WIRE)('wire, any context: %s → %s %i', (...row) => {
    for (const context of ['gossip-tx', 'gossip-block', 'request', 'sync'] as const) expectVerdict(errorFor(row[0], 'block'), context, row);
  });

  it('the tables here and in penalty.ts list the same codes', () => {
    const listed = new Set([...LOOSE_TX, ...BLOCK, ...WIRE].map(([c]) => c));
    expect(new Set(penaltyTable().map((r) => r.code))).toEqual(listed);
  });

  it('only a transaction valid at a later tip is worth retrying after the next block', () => {
    const retried = LOOSE_TX.filter(([code]) => verdictForCode(code, 'gossip-tx').retryAfterBlock).map(([c]) => c);
    expect(retried.sort()).toEqual(['bad-txns-nonfinal', 'bad-txns-premature-spend-of-coinbase', 'non-final']);
    for (const [code] of [...BLOCK, ...WIRE]) expect(verdictForCode(code, 'sync').retryAfterBlock).toBeUndefined();
  });
});

describe('penalty: the real errors', () => {
  it('a loose spend of a coinbase maturing at the next block is ignored; the same spend in a block bans', () => {
    const chain = new TestChain();
    chain.mine(chain.params.coinbaseMaturity);
    // Mined at height 2: mature in block 102, one above the next block (101) of this chain.
    const young = chain.coinbaseCoins[1]!;
    const tx = spend([young], [payTo(1, young.output.value - 1000n)]);
    const loose = catchRuleError(() => checkTxInputs(tx, chain.view, chain.height + 1, chain.params.coinbaseMaturity));
    expect(loose.code).toBe('bad-txns-premature-spend-of-coinbase');
    expect(verdictFor(loose, 'gossip-tx')).toEqual({ acceptance: 'ignore', penalty: 0, reason: loose.code, retryAfterBlock: true });
    const inBlock = catchRuleError(() => chain.validate(chain.buildBlock({ transactions: [tx] })));
    expect([inBlock.code, inBlock.scope]).toEqual(['bad-txns-premature-spend-of-coinbase', 'block']);
    expect(verdictFor(inBlock, 'gossip-block')).toEqual({ acceptance: 'reject', penalty: 100, reason: inBlock.code });
    expect(verdictFor(inBlock, 'sync').penalty).toBe(100);
  });

  it('success is accept; a failure of ours is ignore without blame', () => {
    expect(verdictFor(undefined, 'gossip-tx')).toEqual({ acceptance: 'accept', penalty: 0 });
    expect(verdictFor(new Error('leveldb closed'), 'gossip-block')).toMatchObject({ acceptance: 'ignore', penalty: 0 });
    expect(verdictFor(new EncodingError('read-out-of-bounds', 'short'), 'gossip-tx')).toMatchObject({ acceptance: 'reject', penalty: 20 });
  });

  it('a request is judged by the wire table alone', () => {
    expect(verdictFor(new P2PError('malformed-message', 'x'), 'request').penalty).toBe(20);
    expect(verdictFor(new P2PError('no-handshake', 'x'), 'request').penalty).toBe(0);
    expect(verdictFor(new MempoolError('dust', 'x'), 'request').penalty).toBe(0);
  });

  it('a code no table lists keeps the score its error carries', () => {
    expect(verdictFor(new RuleError('block', 'bad-some-new-rule' as RuleErrorCode, 'x'), 'gossip-block')).toEqual({ acceptance: 'reject', penalty: 100, reason: 'bad-some-new-rule' });
    expect(verdictFor(new MempoolError('some-new-policy' as MempoolErrorCode, 'x'), 'gossip-tx')).toEqual({ acceptance: 'ignore', penalty: 0, reason: 'some-new-policy' });
  });

  it('one ban threshold', () => {
    expect(BAN_THRESHOLD).toBe(100);
    expect(PEERS_BAN_THRESHOLD).toBe(BAN_THRESHOLD);
  });
});

/** Codes thrown in src/ that never come from a peer, with the reason. */
const NOT_FROM_PEERS = new Set([
  // testmempoolaccept packages (RPC) and the saved mempool file.
  'package-too-many-transactions', 'package-too-large', 'package-contains-duplicates', 'package-not-sorted', 'conflict-in-package',
  'bip125-replacement-disallowed', 'corrupt-mempool-file',
  // Our own identity file.
  'bad-peer-key',
]);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

describe('penalty: the table is complete', () => {
  it('every reject code thrown in src/ has a verdict', () => {
    const thrown = new Set<string>(['mandatory-script-verify-flag-failed']);
    const patterns = [
      /\b(?:txError|blockError|headerError|policyError)\(\s*'([^']+)'/g,
      /new (?:P2PError|SyncError|MempoolError|CompactBlockError)\(\s*'([^']+)'/g,
      /punish(?:For)?\([^()]*'([a-z-]+)'\);/g,
      /verdictForCode\(\s*'([^']+)'/g,
    ];
    for (const file of sources(join(REPO_ROOT, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const re of patterns) for (const m of text.matchAll(re)) thrown.add(m[1]!);
    }
    const listed = new Set(penaltyTable().map((r) => r.code));
    const missing = [...thrown].filter((c) => !listed.has(c) && !NOT_FROM_PEERS.has(c));
    expect(missing).toEqual([]);
    expect(thrown.size).toBeGreaterThan(60);
  });
});
