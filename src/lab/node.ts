/**
 * A simulated node: Tally's real block index (src/chain/block-index.ts), its
 * block verdict (src/chain/accept.ts: the header and block checks of
 * src/consensus) and its fork choice (src/chain/activate.ts), with blocks kept
 * in memory instead of LevelDB and time from the simulation's clock. Connecting
 * a block runs the consensus spend rules against an empty coin view: lab blocks
 * are coinbase-only, and the lab keeps no UTXO set.
 */
import type { Block } from '../primitives/block.js';
import { checkBlockSpends } from '../consensus/block-spends.js';
import { blockError, RuleError } from '../consensus/errors.js';
import { getGenesisBlock, type NetworkParams } from '../consensus/params.js';
import { judgeBlock } from '../chain/accept.js';
import { activationSteps } from '../chain/activate.js';
import { BlockIndex } from '../chain/block-index.js';
import { ChainEntry } from '../chain/entry.js';
import { OrphanBlocks } from '../chain/orphans.js';
import { BlockStatus } from '../chain/records.js';
import { LAB_PARAMS } from './blocks.js';

/** What became of a block handed to a node (the chain's ProcessResult statuses). */
export type LabStatus = 'connected' | 'side' | 'orphan' | 'duplicate';

export interface LabOutcome {
  status: LabStatus;
  entry?: ChainEntry;
  /** Blocks newly stored by this call, the given one and any orphans it adopted: what a node relays. */
  stored: Block[];
}

const NO_COINS = { getCoin: () => undefined };

export class LabNode {
  readonly index = new BlockIndex();
  private readonly blocks = new Map<ChainEntry, Block>();
  private readonly orphans = new OrphanBlocks(1000);

  /** `clock`: seconds since the epoch, the simulated time this node judges blocks by. */
  constructor(
    readonly id: number,
    private readonly clock: () => number,
    readonly params: NetworkParams = LAB_PARAMS,
  ) {
    const genesis = getGenesisBlock(params);
    const entry = new ChainEntry(genesis.header, null, BlockStatus.HAVE_DATA | BlockStatus.VALID);
    this.index.reset([entry]);
    this.index.mainChain[0] = entry;
    this.index.linkAll();
    this.blocks.set(entry, genesis);
  }

  get tip(): ChainEntry {
    return this.index.tip;
  }

  get genesis(): ChainEntry {
    return this.index.mainChain[0]!;
  }

  /** The stored block of `entry`. */
  block(entry: ChainEntry): Block | undefined {
    return this.blocks.get(entry);
  }

  /**
   * Validates and stores `block`, switching to the branch with the most work
   * (Chain.processBlock, synchronously and in memory).
   * @throws RuleError when the block breaks a rule, with the chain's code
   */
  processBlock(block: Block): LabOutcome {
    const stored: Block[] = [];
    const result = this.accept(block, stored);
    if (result.status === 'orphan' || result.status === 'duplicate') return { ...result, stored };
    this.activate();
    this.adoptOrphans(block.hash, stored);
    const entry = result.entry!;
    const failure = this.index.failures.get(entry);
    if (failure) throw failure;
    if (entry.failed) throw blockError('bad-prevblk', 'block descends from an invalid block');
    return { status: this.index.isMain(entry) ? 'connected' : 'side', entry, stored };
  }

  private accept(block: Block, stored: Block[]): { status: LabStatus; entry?: ChainEntry } {
    const verdict = judgeBlock(block, this.index, this.params, this.clock());
    if (verdict.kind === 'duplicate') return { status: 'duplicate', entry: verdict.entry };
    if (verdict.kind === 'orphan') {
      this.orphans.add(block);
      return { status: 'orphan' };
    }
    if (verdict.kind === 'reject') {
      const { remember } = verdict;
      if (remember) this.markInvalid(this.index.get(block.hash) ?? new ChainEntry(block.header, remember.parent, 0), verdict.error, remember.flag);
      throw verdict.error;
    }
    const entry = verdict.existing ?? new ChainEntry(block.header, verdict.parent, 0);
    this.index.noteData(entry);
    this.index.add(entry);
    this.blocks.set(entry, block);
    this.index.link(entry);
    stored.push(block);
    return { status: 'side', entry };
  }

  private markInvalid(entry: ChainEntry, err: RuleError, flag: number = BlockStatus.FAILED): void {
    this.index.add(entry);
    this.index.markInvalid(entry, err, flag);
  }

  /** Drives the chain's fork choice (activate.ts) to its end, connecting in memory. */
  private activate(): void {
    const steps = activationSteps(this.index);
    let failed: RuleError | undefined;
    for (let step = steps.next(); !step.done; step = steps.next(failed)) {
      failed = undefined;
      const s = step.value;
      if (s.kind === 'disconnect') this.index.retractTip();
      else if (s.kind === 'connect') failed = this.connect(s.entry);
    }
    this.index.pruneCandidates();
  }

  private connect(entry: ChainEntry): RuleError | undefined {
    try {
      checkBlockSpends(this.blocks.get(entry)!, NO_COINS, entry.height, this.params);
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      this.markInvalid(entry, err);
      return err;
    }
    entry.status |= BlockStatus.VALID;
    this.index.extendTip(entry);
    return undefined;
  }

  private adoptOrphans(parentHash: string, stored: Block[]): void {
    const queue = this.orphans.takeChildren(parentHash);
    while (queue.length > 0) {
      const orphan = queue.shift()!;
      try {
        if (this.accept(orphan, stored).status !== 'orphan') this.activate();
      } catch {
        // An invalid orphan is simply dropped, as the chain does.
      }
      queue.push(...this.orphans.takeChildren(orphan.hash));
    }
  }
}
