/**
 * How blocks enter the chain (btcd's accept.go): each is judged against the
 * block index, stored, and then the best chain is activated once for a whole
 * batch of `processBlock` calls (block-batch.ts). Orphans wait in the orphan
 * pool until their parent is stored. Runs inside the chain's serialized queue
 * (chain.ts), which owns the order of calls.
 */
import type { Block, BlockHeader } from '../primitives/block.js';
import { blockError, RuleError } from '../consensus/errors.js';
import type { NetworkParams } from '../consensus/params.js';
import { judgeBlock } from './accept.js';
import type { QueuedBlock } from './block-batch.js';
import type { BlockIndex } from './block-index.js';
import type { BlockStore } from './block-store.js';
import type { BatchOp, ChainDB } from './chaindb.js';
import type { ChainConnector } from './connect.js';
import { ChainEntry } from './entry.js';
import { keys } from './layout.js';
import type { LogWriter } from '../util/logger.js';
import type { OrphanBlocks } from './orphans.js';
import { BlockStatus, encodeHeaderRecord } from './records.js';
import type { ProcessResult } from './types.js';

/** What intake works on: the chain's own parts. */
export interface BlockIntakeParts {
  db: ChainDB;
  index: BlockIndex;
  store: BlockStore;
  params: NetworkParams;
  clock: () => number;
  connector: ChainConnector;
  orphans: OrphanBlocks;
  log: LogWriter;
  /** True when the entry is on the best chain. */
  isMain: (entry: ChainEntry) => boolean;
}

export class BlockIntake {
  constructor(private readonly parts: BlockIntakeParts) {}

  /**
   * Stores a batch's blocks in one LevelDB write, activates the best chain once, connects
   * the orphans they complete, and settles each call with its own block's result.
   */
  async storeAndConnect(batch: readonly QueuedBlock[]): Promise<void> {
    const { db, index, connector } = this.parts;
    const stored: { queued: QueuedBlock; entry: ChainEntry }[] = [];
    const writes: BatchOp[] = [];
    for (const queued of batch) {
      const result = await this.accept(queued.block, writes).catch((err: unknown) => {
        if (!(err instanceof RuleError)) throw err;
        queued.reject(err);
      });
      if (!result) continue;
      if (result.status === 'orphan' || result.status === 'duplicate') queued.resolve(result);
      else stored.push({ queued, entry: result.entry! });
    }
    if (writes.length > 0) await db.batch(writes);
    for (const { entry } of stored) index.link(entry);
    if (stored.length === 0) return;
    await connector.activateBestChain();
    for (const { queued } of stored) await this.connectOrphans(queued.block.hash);
    for (const { queued, entry } of stored) {
      const failure = index.failures.get(entry);
      if (failure) queued.reject(failure);
      else if (entry.failed) queued.reject(blockError('bad-prevblk', 'block descends from an invalid block'));
      else queued.resolve({ status: this.parts.isMain(entry) ? 'connected' : 'side', entry });
    }
  }

  /**
   * Judges a block and stores it. With `writes`, its writes are added there instead,
   * for the caller to write and then link the entry; without, both happen here.
   */
  private async accept(block: Block, writes?: BatchOp[]): Promise<ProcessResult> {
    const { db, index, store, params } = this.parts;
    const verdict = judgeBlock(block, index, params, this.parts.clock());
    if (verdict.kind === 'duplicate') return { status: 'duplicate', entry: verdict.entry };
    if (verdict.kind === 'orphan') {
      this.parts.orphans.add(block);
      return { status: 'orphan' };
    }
    if (verdict.kind === 'reject') {
      if (verdict.remember) {
        // After the blocks before it, which its header record may descend from.
        if (writes && writes.length > 0) await db.batch(writes.splice(0));
        await this.rememberInvalid(block.header, verdict.remember.parent, verdict.error, verdict.remember.flag);
      }
      throw verdict.error;
    }
    const entry = verdict.existing ?? new ChainEntry(block.header, verdict.parent, 0);
    index.noteData(entry);
    index.add(entry);
    store.remember(block);
    const ops: BatchOp[] = [
      { type: 'put', key: keys.block(entry.hash), value: block.toBytes() },
      { type: 'put', key: keys.header(entry.hash), value: encodeHeaderRecord(entry.toRecord()) },
    ];
    if (writes) {
      writes.push(...ops);
      return { status: 'side', entry };
    }
    await db.batch(ops);
    index.link(entry);
    return { status: 'side', entry };
  }

  private async rememberInvalid(header: BlockHeader, parent: ChainEntry, err: RuleError, flag: number = BlockStatus.FAILED): Promise<void> {
    const entry = this.parts.index.get(header.hash) ?? new ChainEntry(header, parent, 0);
    this.parts.index.add(entry);
    await this.parts.connector.markInvalid(entry, err, flag);
  }

  private async connectOrphans(parentHash: string): Promise<void> {
    const { orphans, connector, log } = this.parts;
    const queue = orphans.takeChildren(parentHash);
    while (queue.length > 0) {
      const orphan = queue.shift()!;
      try {
        const result = await this.accept(orphan);
        if (result.status !== 'orphan') await connector.activateBestChain();
      } catch (err) {
        log.debug({ hash: orphan.hash, err: (err as Error).message }, 'orphan rejected');
      }
      queue.push(...orphans.takeChildren(orphan.hash));
    }
  }
}
