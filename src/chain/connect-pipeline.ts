/**
 * Connecting a run of blocks as a pipeline (issue 15, after Bitcoin Core's check
 * queue fed across blocks): the main thread loads the blocks ahead of the tip,
 * checks their spends against the coins the blocks before them leave, and hands
 * their signature checks to the verify pool in groups spanning several blocks;
 * while the workers verify a group, it builds the writes of its blocks and
 * prepares the next group. Blocks are still committed one at a time, in order,
 * and only after every signature of their group passed.
 *
 * A group with an invalid signature is not searched here: its blocks go back to
 * the one-block path (connect.ts), which verifies each alone, so the first invalid
 * block is found and marked exactly as before. A block that breaks another rule,
 * or cannot be read, ends the preparation there, and the one-block path meets the
 * same failure once the blocks before it are committed.
 */
import type { Block } from '../primitives/block.js';
import { outpointKey, type OutPoint } from '../primitives/tx.js';
import { checkBlockSpends, type BlockSpends, type ChecksListener } from '../consensus/block-spends.js';
import type { Coin } from '../consensus/coins.js';
import type { NetworkParams } from '../consensus/params.js';
import type { SignatureCheck } from '../consensus/signatures.js';
import type { BlockStore } from './block-store.js';
import type { BatchOp, ChainDB } from './chaindb.js';
import type { ChainEntry } from './entry.js';
import { connectOps } from './state-changes.js';
import type { BatchVerifier } from './types.js';

/** How far the pipeline prepares ahead of the block being committed. */
export interface PipelineLimits {
  /** Blocks prepared and not yet committed, at most. */
  maxBlocks: number;
  /** Their serialized bytes, at most (a decoded block takes several times its size). */
  maxBytes: number;
  /** A group goes to the pool once it holds this many checks (or half the window's blocks or bytes)... */
  groupChecks: number;
  /**
   * ...or once it holds this many while the pool idles: fewer are verified inline by a pool
   * (VerifyPool's inlineBelow), which keeps this thread from preparing meanwhile.
   */
  idleGroupChecks: number;
}

/** Defaults: half the window is one group, so that the next one is prepared while it is verified. */
export const PIPELINE_LIMITS: PipelineLimits = Object.freeze({ maxBlocks: 64, maxBytes: 8_000_000, groupChecks: 1024, idleGroupChecks: 16 });

/** A block whose spends were checked and whose signatures passed: its writes, ready to commit. */
export interface ReadyBlock {
  entry: ChainEntry;
  block: Block;
  ops: BatchOp[];
}

/** Signature checks of consecutive blocks, verified in one pool call. */
interface Group {
  checks: SignatureCheck[];
  blocks: number;
  bytes: number;
  verdict?: Promise<number>;
  settled: boolean;
}

interface Prepared {
  entry: ChainEntry;
  block: Block;
  ops: BatchOp[];
  group: Group;
  /** Its coin changes in the overlay, dropped once it is committed (the coin set has them then). */
  changed: string[];
}

/** A coin a prepared block created, or null where it spent one; `by` is that block. */
interface Change {
  coin: Coin | null;
  by: Prepared;
}

/** A block's spends whose signature checks went to the verifier before the block reached the pipeline. */
export interface EarlyChecks {
  spends: BlockSpends;
  verdict: Promise<number>;
}

export interface PipelineModules {
  db: Pick<ChainDB, 'getCoins'>;
  store: Pick<BlockStore, 'get'>;
  params: NetworkParams;
  verifier: BatchVerifier;
  /** The early checks of `entry`, started against the coin set as it is now, if any (taken once). */
  early?: (entry: ChainEntry) => EarlyChecks | undefined;
}

export interface SpendsOfOptions {
  /**
   * Coins created, or spent when null, by blocks prepared before it and not yet committed;
   * undefined where they left the coin alone.
   */
  overlay?: (key: string) => Coin | null | undefined;
  /** Told of the signature checks as they are collected (check-stream.ts). */
  onChecks?: ChecksListener;
}

/**
 * The spends of `block` at `height` against the coin set, seen through `opts.overlay`.
 * Signatures are not verified.
 * @throws RuleError for the first rule the block breaks
 */
export async function spendsOf(db: Pick<ChainDB, 'getCoins'>, block: Block, height: number, params: NetworkParams, opts: SpendsOfOptions = {}): Promise<BlockSpends> {
  const { overlay, onChecks } = opts;
  const wanted: OutPoint[] = [];
  const coins = new Map<string, Coin>();
  for (const tx of block.transactions.slice(1)) {
    for (const { prevout } of tx.inputs) {
      const key = outpointKey(prevout);
      const own = overlay?.(key);
      if (own) coins.set(key, own);
      else if (own === undefined) wanted.push(prevout);
    }
  }
  const found = await db.getCoins(wanted);
  wanted.forEach((p, i) => { if (found[i]) coins.set(outpointKey(p), found[i]!); });
  return checkBlockSpends(block, { getCoin: (p) => coins.get(outpointKey(p)) }, height, params, onChecks);
}

/**
 * Prepares the blocks of one activation route ahead of the tip (see the module
 * comment). One per activation: it assumes the tip moves only through what it hands out.
 */
export class ConnectPipeline {
  private route: readonly ChainEntry[] = [];
  /** Index in `route` of the next block to prepare. */
  private next = 0;
  /** Where preparing stopped at a broken rule: that block takes the one-block path. */
  private stopAt = -1;
  private readonly ready: Prepared[] = [];
  private bytes = 0;
  private filling: Group = newGroup();
  /** The coin changes of the blocks prepared and not yet committed. */
  private readonly overlay = new Map<string, Change>();
  /** Blocks of a group that failed: each takes the one-block path. */
  private readonly alone = new Set<ChainEntry>();
  /** Groups handed to the verifier and not answered yet: none means its workers idle. */
  private unsettled = 0;

  constructor(
    private readonly m: PipelineModules,
    private readonly limits: PipelineLimits = PIPELINE_LIMITS,
  ) {}

  /**
   * `route[at]` prepared and its signatures verified, for the caller to commit before
   * asking for the next; undefined when it must take the one-block path instead.
   * @throws what reading the block or coins, or the pool, throws (not RuleError)
   */
  async take(route: readonly ChainEntry[], at: number): Promise<ReadyBlock | undefined> {
    const entry = route[at]!;
    if (this.alone.delete(entry)) return undefined;
    if (route !== this.route || (this.ready[0]?.entry ?? route[this.next]) !== entry) this.reset(route, at);
    if (this.ready.length === 0 && this.canPrepare()) await this.prepareNext();
    const first = this.ready[0];
    if (!first) return undefined;
    if (first.group === this.filling) this.dispatch();
    // This thread prepares what follows while the verifier works on this block, and whenever
    // it has nothing to work on, so that it never waits on this thread's commits.
    while (this.canPrepare() && (!first.group.settled || this.unsettled === 0)) if (!(await this.prepareNext())) break;
    if ((await first.group.verdict!) >= 0) {
      for (const p of this.ready) if (p.group === first.group && p !== first) this.alone.add(p.entry);
      this.reset(route, at);
      return undefined;
    }
    this.ready.shift();
    this.bytes -= first.block.size;
    // The caller commits it before asking for more: from then on the coin set answers for it.
    for (const key of first.changed) if (this.overlay.get(key)?.by === first) this.overlay.delete(key);
    return { entry: first.entry, block: first.block, ops: first.ops };
  }

  private reset(route: readonly ChainEntry[], at: number): void {
    this.route = route;
    this.next = at;
    this.stopAt = -1;
    this.ready.length = 0;
    this.bytes = 0;
    this.filling = newGroup();
    this.overlay.clear();
  }

  private canPrepare(): boolean {
    const { maxBlocks, maxBytes } = this.limits;
    return this.next < this.route.length && this.next !== this.stopAt && this.ready.length < maxBlocks && this.bytes < maxBytes;
  }

  /**
   * Prepares `route[next]`; false when that fails: it breaks a rule, or its block or coins
   * cannot be read. It then takes the one-block path, which meets the same failure in turn,
   * after the blocks before it are committed.
   */
  private async prepareNext(): Promise<boolean> {
    const entry = this.route[this.next]!;
    // Only a block connected straight on the coin set, with nothing prepared before it, can use checks started early.
    const early = this.ready.length === 0 ? this.m.early?.(entry) : undefined;
    let block: Block;
    let spends: BlockSpends;
    try {
      block = await this.m.store.get(entry);
      spends = early?.spends ?? (await spendsOf(this.m.db, block, entry.height, this.m.params, { overlay: (key) => this.overlay.get(key)?.coin }));
    } catch {
      this.stopAt = this.next;
      return false;
    }
    this.next++;
    if (early) return this.addPrepared(entry, block, spends, this.track({ ...newGroup(), verdict: early.verdict }));
    const group = this.filling;
    for (const check of spends.signatureChecks) group.checks.push(check);
    group.blocks++;
    group.bytes += block.size;
    // A group goes out once large enough to share a pool call well, or sooner when the verifier idles.
    const { groupChecks, idleGroupChecks, maxBlocks, maxBytes } = this.limits;
    const large = group.checks.length >= groupChecks || group.blocks * 2 >= maxBlocks || group.bytes * 2 >= maxBytes;
    const idle = this.unsettled === 0 && group.checks.length >= idleGroupChecks;
    if (large || idle || this.next >= this.route.length) this.dispatch();
    return this.addPrepared(entry, block, spends, group);
  }

  /** Queues a block whose checks are in `group`, its coin changes in the overlay; then builds its writes. */
  private addPrepared(entry: ChainEntry, block: Block, spends: BlockSpends, group: Group): true {
    const prepared: Prepared = { entry, block, ops: [], group, changed: [] };
    const change = (key: string, coin: Coin | null): void => {
      this.overlay.set(key, { coin, by: prepared });
      prepared.changed.push(key);
    };
    for (const { prevout } of spends.undo) change(outpointKey(prevout), null);
    for (const { prevout, coin } of spends.created) change(outpointKey(prevout), coin);
    this.bytes += block.size;
    this.ready.push(prepared);
    // Built after the checks went out: the writes overlap the verifying.
    prepared.ops = connectOps(block, entry, spends);
    return true;
  }

  private dispatch(): void {
    const group = this.filling;
    this.filling = newGroup();
    group.verdict = this.m.verifier.verify(group.checks);
    this.track(group);
  }

  /** Counts `group` as being verified until its verdict comes. */
  private track(group: Group): Group {
    this.unsettled++;
    const settle = () => {
      group.settled = true;
      this.unsettled--;
    };
    // Also handles the rejection of a group abandoned by a reset; a taken one rethrows it.
    group.verdict!.then(settle, settle);
    return group;
  }
}

function newGroup(): Group {
  return { checks: [], blocks: 0, bytes: 0, settled: false };
}
