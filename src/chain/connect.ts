/**
 * Changing the best chain (btcd's chain.go): activate the best stored branch,
 * connect and disconnect the tip one block at a time (its state writes through
 * the state cache, state-cache.ts), replay the blocks a crash left the coin set
 * behind, rebuild the chain state from the stored blocks, and test a block
 * template against every rule connecting it would apply, without storing it.
 */
import type { EventEmitter } from 'node:events';
import type { Block } from '../primitives/block.js';
import { checkBlockContext, checkBlockHeader, checkBlockSanity, checkHeaderContext, headerContext } from '../consensus/block-checks.js';
import type { BlockSpends } from '../consensus/block-spends.js';
import { blockError, RuleError } from '../consensus/errors.js';
import type { NetworkParams } from '../consensus/params.js';
import { SCRIPT_FAILURE } from '../consensus/signatures.js';
import type { BlockIndex } from './block-index.js';
import type { BlockStore } from './block-store.js';
import type { BatchOp, ChainDB } from './chaindb.js';
import { CheckStream } from './check-stream.js';
import { ConnectPipeline, spendsOf, type EarlyChecks, type ReadyBlock } from './connect-pipeline.js';
import { findFork, type ChainEntry } from './entry.js';
import { activationSteps } from './activate.js';
import { ChainError } from './errors.js';
import { keys } from './layout.js';
import type { LogWriter } from '../util/logger.js';
import { BlockStatus, encodeHeaderRecord } from './records.js';
import { connectOps, disconnectOps } from './state-changes.js';
import { clearChainState } from './state-scans.js';
import type { BatchVerifier, ChainEvents } from './types.js';

export interface ConnectorModules {
  db: ChainDB;
  index: BlockIndex;
  store: BlockStore;
  params: NetworkParams;
  verifier: BatchVerifier;
  clock: () => number;
  log: LogWriter;
  events: EventEmitter<ChainEvents>;
  /** Test hook: runs inside every state flush, after the cached writes are taken and before they are written. */
  beforeFlushWrite?: () => Promise<void>;
}

/** Why the state cache was flushed, for the log. */
export type FlushReason = 'full' | 'interval' | 'shutdown' | 'reindex' | 'read';

/** Signature checks of a block started before its other checks (see {@link ChainConnector.verifyEarly}). */
interface Early extends EarlyChecks {
  hash: string;
  /** The tip they were started on: they hold only for the block connected straight on it. */
  parent: ChainEntry;
}

export class ChainConnector {
  private early: Early | undefined;

  constructor(private readonly m: ConnectorModules) {}

  /**
   * Starts verifying the signatures of `block` before its other checks, when it extends the
   * tip with valid proof of work at the difficulty required: its sanity checks and storing
   * then run while the workers verify (Core's CheckBlock runs first; the answer is the same,
   * as nothing connects before every check passed). The proof of work keeps anyone from
   * making this node verify blocks for free. Does nothing where it does not apply, or where
   * the block breaks a rule: its own checks will say which.
   */
  async verifyEarly(block: Block): Promise<void> {
    const { index, params } = this.m;
    const tip = index.tip;
    const known = index.get(block.hash);
    if (block.header.prevHash !== tip.hashHex || known?.haveData || known?.failed) return;
    try {
      checkBlockHeader(block.header, params);
      checkHeaderContext(block.header, headerContext(tip.asParent(), params, this.m.clock()));
      const { spends, verdict } = await this.spendsVerifying(block, tip.height + 1);
      verdict.catch(() => undefined); // its user sees a rejection; an unused one is dropped
      this.early = { hash: block.hash, parent: tip, spends, verdict };
    } catch {
      this.early = undefined;
    }
  }

  /** Drops the early checks not used. */
  dropEarly(): void {
    this.early = undefined;
  }

  private takeEarly(entry: ChainEntry): EarlyChecks | undefined {
    const early = this.early;
    if (!early || early.hash !== entry.hashHex || early.parent !== entry.prev || early.parent !== this.m.index.tip) return undefined;
    this.early = undefined;
    return early;
  }

  /** Marks `entry` invalid (and its known descendants), on disk too, and says so. */
  async markInvalid(entry: ChainEntry, err: RuleError, flag: number = BlockStatus.FAILED): Promise<void> {
    const changed = this.m.index.markInvalid(entry, err, flag);
    await this.m.db.batch(changed.map((e) => ({ type: 'put' as const, key: keys.header(e.hash), value: encodeHeaderRecord(e.toRecord()) })));
    this.m.log.warn({ hash: entry.hashHex, height: entry.height, code: err.code }, 'invalid block');
    this.m.events.emit('invalid', entry, err);
  }

  /** Switches to the best candidate until none beats the tip, stopping each branch at its first invalid block (activate.ts). */
  async activateBestChain(): Promise<void> {
    const { index, log } = this.m;
    const steps = activationSteps(index);
    // Blocks ahead on a route are prepared while the pool verifies (connect-pipeline.ts).
    const pipeline = new ConnectPipeline({ ...this.m, early: (entry) => this.takeEarly(entry) });
    let failed: RuleError | undefined;
    for (let step = steps.next(); !step.done; step = steps.next(failed)) {
      failed = undefined;
      const s = step.value;
      if (s.kind === 'switch') {
        log.info({ fork: s.fork.height, depth: s.oldTip.height - s.fork.height, oldTip: s.oldTip.hashHex, target: s.target.hashHex }, 'reorganizing');
      } else if (s.kind === 'disconnect') {
        await this.disconnectTip();
      } else if (s.kind === 'connect') {
        failed = await this.tryConnect(s.entry, () => pipeline.take(s.route, s.at));
      } else {
        log.info({ fork: s.fork.height, oldTip: s.oldTip.hashHex, newTip: s.newTip.hashHex, depth: s.oldTip.height - s.fork.height }, 'reorganized');
        this.m.events.emit('reorg', { oldTip: s.oldTip, newTip: s.newTip, fork: s.fork });
      }
    }
  }

  /**
   * Connects `entry` on the tip, prepared by `prepared` when it can; a broken rule
   * marks it invalid and is returned rather than thrown.
   */
  private async tryConnect(entry: ChainEntry, prepared?: () => Promise<ReadyBlock | undefined>): Promise<RuleError | undefined> {
    try {
      const ready = await prepared?.();
      if (ready) await this.commitConnect(ready.block, entry, ready.ops);
      else await this.connectTip(entry);
      return undefined;
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      await this.markInvalid(entry, err);
      return err;
    }
  }

  /**
   * The spends of `block` at `height` against the UTXO set, signatures verified: the
   * rules that need the chain state (Core's ConnectBlock without the writes).
   * @throws RuleError for the first rule the block breaks
   */
  private async checkSpends(block: Block, height: number): Promise<BlockSpends> {
    const { spends, verdict } = await this.spendsVerifying(block, height);
    const bad = await verdict;
    if (bad >= 0) throw blockError(SCRIPT_FAILURE, `input ${spends.signatureChecks[bad]!.inputIndex}: invalid Schnorr signature`);
    return spends;
  }

  /**
   * The spends of `block` at `height` against the coin set, their signature checks handed to the
   * verifier as they are collected (check-stream.ts): the verdict answers for all of them.
   * @throws RuleError for the first rule the block breaks, signatures aside
   */
  private async spendsVerifying(block: Block, height: number): Promise<EarlyChecks> {
    const stream = new CheckStream(this.m.verifier);
    try {
      const spends = await spendsOf(this.m.db, block, height, this.m.params, { onChecks: stream.onChecks });
      return { spends, verdict: stream.finish(spends.signatureChecks) };
    } catch (err) {
      stream.abandon();
      throw err;
    }
  }

  private async connectTip(entry: ChainEntry): Promise<void> {
    const block = await this.m.store.get(entry);
    const spends = await this.checkSpends(block, entry.height);
    await this.commitConnect(block, entry, connectOps(block, entry, spends));
  }

  /** Writes a verified block's changes and makes it the tip. */
  private async commitConnect(block: Block, entry: ChainEntry, ops: BatchOp[]): Promise<void> {
    entry.status |= BlockStatus.VALID;
    await this.m.db.commit(ops);
    this.m.index.extendTip(entry);
    this.m.events.emit('connect', block, entry);
    if (this.m.db.cache.full) await this.flushState('full');
  }

  private async disconnectTip(): Promise<void> {
    const { index, db } = this.m;
    const entry = index.tip;
    if (!entry.prev) throw new ChainError('db-corrupt', 'cannot disconnect the genesis block');
    const block = await this.m.store.get(entry);
    const undo = await db.getUndo(entry.hash);
    await db.commit(disconnectOps(block, entry, undo));
    index.retractTip();
    this.m.events.emit('disconnect', block, entry);
    if (db.cache.full) await this.flushState('full');
  }

  /**
   * Writes the cached chain state in one batch. The caller serializes it with block
   * changes, or not: the cache takes its writes between two block changes either way.
   */
  async flushState(reason: FlushReason): Promise<void> {
    const { db, log } = this.m;
    if (db.cache.size === 0) return;
    log.debug({ reason, ops: db.cache.size, height: this.m.index.tip.height }, 'flushing chain state');
    const stats = await db.flush(this.m.beforeFlushWrite);
    log.info({ reason, ops: stats.ops, mb: Math.round(stats.bytes / 1e4) / 100, ms: Math.round(stats.ms) }, 'chain state flushed');
  }

  /**
   * Brings the coin set from its stored tip to the block tip `target` (the last block
   * connected before a crash): disconnects back to their fork, connects up to it
   * (Core's ReplayBlocks). Returns how many blocks it connected.
   */
  async replayTo(target: ChainEntry): Promise<number> {
    const fork = findFork(this.m.index.tip, target);
    while (this.m.index.tip !== fork) await this.disconnectTip();
    const route: ChainEntry[] = [];
    for (let e: ChainEntry | null = target; e && e !== fork; e = e.prev) route.push(e);
    route.reverse();
    const pipeline = new ConnectPipeline(this.m);
    let connected = 0;
    for (let at = 0; at < route.length; at++) {
      if (await this.tryConnect(route[at]!, () => pipeline.take(route, at))) break;
      connected++;
    }
    return connected;
  }

  /**
   * Every rule connecting a solved block on the tip would apply, without storing it
   * (Core's TestBlockValidity, btcd's CheckConnectBlockTemplate), judged at the
   * chain's clock. Resolves to the reject reason, or null when the block is valid.
   */
  async testBlockValidity(block: Block): Promise<string | null> {
    const tip = this.m.index.tip;
    if (block.header.prevHash !== tip.hashHex) return 'inconclusive-not-best-prevblk';
    try {
      checkBlockSanity(block, this.m.params);
      checkBlockContext(block, headerContext(tip.asParent(), this.m.params, this.m.clock()));
      await this.checkSpends(block, tip.height + 1);
      return null;
    } catch (err) {
      if (err instanceof RuleError) return err.code;
      throw err;
    }
  }

  /** Rebuilds the UTXO set and indexes from the stored blocks (`--reindex`); the caller serializes it. */
  async reindex(onProgress?: (height: number, best: number) => void): Promise<void> {
    const { db, index, params, events } = this.m;
    await clearChainState(db);
    const genesis = index.get(params.genesisHash)!;
    const best = [...index.values()].reduce((a, b) => (b.chainWork > a.chainWork && b.haveData ? b : a), genesis);
    // Verdicts are re-derived from the blocks themselves, so the stored ones are reset too.
    index.clearVerdicts();
    genesis.status |= BlockStatus.VALID;
    index.mainChain.length = 1;
    index.mainChain[0] = genesis;
    index.linkAll();
    await db.batch([
      ...[...index.values()].map((e) => ({ type: 'put' as const, key: keys.header(e.hash), value: encodeHeaderRecord(e.toRecord()) })),
      { type: 'put', key: keys.height(0), value: genesis.hash },
      { type: 'put', key: keys.tip(), value: genesis.hash },
      { type: 'put', key: keys.blockTip(), value: genesis.hash },
    ]);
    const onConnect = (_b: Block, e: ChainEntry) => onProgress?.(e.height, best.height);
    events.on('connect', onConnect);
    try {
      await this.activateBestChain();
    } finally {
      events.off('connect', onConnect);
    }
    await this.flushState('reindex');
    await db.clearReindexRequired();
  }
}
