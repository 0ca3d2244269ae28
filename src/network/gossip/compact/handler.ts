/**
 * The compact blocks topic (PROTOCOL.md §9.5): a compact block is checked
 * (proof of work, parent, work threshold), rebuilt from the transactions we
 * hold, completed by a getblocktxn request to its sender, and submitted as the
 * block it describes. When it cannot be rebuilt (repeated short ids, the
 * request fails, the rebuilt block is mutated) the sender is asked for the
 * full block, which also tells an honest short-id collision of ours from a
 * compact block or answer that lied: only the latter costs the sender.
 */
import type { NetworkParams } from '../../../consensus/params.js';
import { checkBlockHeader } from '../../../consensus/block-checks.js';
import { RuleError } from '../../../consensus/errors.js';
import type { ChainEntry } from '../../../chain/index.js';
import type { Block } from '../../../primitives/block.js';
import { equalBytes } from '../../../primitives/bytes.js';
import type { Transaction } from '../../../primitives/tx.js';
import type { Verdict } from '../../penalty.js';
import { submitGossipedBlock, type BlockGossipModules } from '../block.js';
import type { GossipHandler } from '../processor.js';
import { CompactBlockError } from './errors.js';
import { decodeCompactBlock, type BlockTxnRequest, type CompactBlock } from './message.js';
import { diagnose, fill, reconstruct, type Answered } from './reconstruct.js';

export interface CompactGossipOptions {
  /** How long to wait for a blocktxn answer before asking for the full block. */
  blockTxnTimeoutMs: number;
  /** Past this (ms), gossipsub has dropped the message unvalidated: an accepted one is published again. */
  lateMs: number;
}

export interface CompactGossipModules extends BlockGossipModules {
  chain: { readonly params: NetworkParams; hasBlock(hash: string): boolean; getEntry(hash: string): ChainEntry | undefined };
  /** The transactions we hold to rebuild blocks from (the mempool's). */
  pool(): Iterable<Transaction>;
  /** Asks `peer` for transactions of a block: those asked for, in order, or none when it lacks the block. */
  getBlockTxn(peer: string, req: BlockTxnRequest, signal: AbortSignal): Promise<Transaction[]>;
  /** Asks `peer` for a whole block; undefined when it lacks it. */
  getBlock(peer: string, hash: string): Promise<Block | undefined>;
  /** Publishes again a message gossipsub has seen (gossip/publisher.ts). */
  republish(msgId: string, data: Uint8Array): void;
}

const ignore = (reason: string): Verdict => ({ acceptance: 'ignore', penalty: 0, reason });

/** What compact relay did (getnettotals-style counters, for tests and benchmarks). */
export interface CompactStats {
  /** Compact blocks rebuilt and submitted: from our transactions alone, or with a blocktxn answer. */
  fromPool: number;
  withBlockTxn: number;
  /** Transactions asked for by getblocktxn. */
  txsRequested: number;
  /** Full blocks asked for because a compact block could not be rebuilt (or its rebuild failed). */
  fullBlocks: number;
}

export class CompactGossip {
  /** Blocks being rebuilt, by hash: a second copy (another relayer's salt) waits for the first. */
  private readonly inFlight = new Map<string, Promise<Verdict>>();
  readonly stats: CompactStats = { fromPool: 0, withBlockTxn: 0, txsRequested: 0, fullBlocks: 0 };

  constructor(private readonly opts: CompactGossipOptions, private readonly modules: CompactGossipModules) {}

  readonly handle: GossipHandler = async (from, msgId, data) => {
    const started = performance.now();
    const compact = decodeCompactBlock(data);
    const hash = compact.header.hash;
    const { chain } = this.modules;
    if (chain.hasBlock(hash)) return ignore('duplicate');
    checkBlockHeader(compact.header, chain.params);
    const earlier = this.inFlight.get(hash);
    if (earlier) {
      await earlier.catch(() => undefined);
      if (chain.hasBlock(hash)) return ignore('duplicate');
    }
    const run = this.process(from, compact);
    this.inFlight.set(hash, run);
    let verdict: Verdict;
    try {
      verdict = await run;
    } finally {
      if (this.inFlight.get(hash) === run) this.inFlight.delete(hash);
    }
    if (verdict.acceptance !== 'accept' || performance.now() - started < this.opts.lateMs) return verdict;
    this.modules.republish(msgId, data);
    return ignore('late');
  };

  private async process(from: string, compact: CompactBlock): Promise<Verdict> {
    const { header } = compact;
    if (!this.modules.chain.getEntry(header.prevHash)) {
      this.modules.requestHeadersFrom(from);
      return ignore('orphan');
    }
    if (this.modules.lowWork({ hash: header.hash, header })) return ignore('low-work');
    const partial = reconstruct(compact, this.modules.pool());
    if (partial.status === 'duplicate-ids') return this.fallback(from, compact, undefined);
    let answered: Answered | undefined;
    if (partial.missing.length > 0) {
      this.stats.txsRequested += partial.missing.length;
      answered = await this.askMissing(from, header.hash, partial.missing);
      if (!answered) return this.fallback(from, compact, undefined);
    }
    this.stats[answered ? 'withBlockTxn' : 'fromPool']++;
    const block = fill(compact, partial.txs, partial.missing, answered?.txs ?? []);
    try {
      return await submitGossipedBlock(block, from, this.modules);
    } catch (err) {
      // A mutated rebuild: a collision of ours, a wrong answer, or a lying compact block.
      if (err instanceof RuleError && err.corruptionPossible) return this.fallback(from, compact, answered);
      throw err;
    }
  }

  /** The missing transactions from the sender; undefined when it does not give them in time (no blame here: the client charges malformed answers). */
  private async askMissing(from: string, hash: string, indexes: number[]): Promise<Answered | undefined> {
    try {
      const txs = await this.modules.getBlockTxn(from, { hash, indexes }, AbortSignal.timeout(this.opts.blockTxnTimeoutMs));
      return txs.length === indexes.length ? { indexes, txs } : undefined;
    } catch {
      return undefined;
    }
  }

  /** Fetches the full block from the sender, judges what it sent against it, and submits it. */
  private async fallback(from: string, compact: CompactBlock, answered: Answered | undefined): Promise<Verdict> {
    const hash = compact.header.hash;
    this.stats.fullBlocks++;
    let block: Block | undefined;
    try {
      block = await this.modules.getBlock(from, hash);
    } catch {
      // Slow or gone: sync fetches the block from someone once statuses tell of it.
      return ignore('fallback-failed');
    }
    if (block?.hash !== hash) throw new CompactBlockError('cmpctblock-unserved', `the sender of compact block ${hash} does not serve it`);
    // A served block that is itself mutated is judged as any block, by its own failure.
    const root = block.computeMerkleRoot();
    if (equalBytes(root.root, block.header.merkleRootBytes) && !root.mutated) {
      const fault = diagnose(compact, answered, block);
      if (fault) throw new CompactBlockError(fault, `compact block ${hash}: ${fault}`);
    }
    return submitGossipedBlock(block, from, this.modules);
  }
}
