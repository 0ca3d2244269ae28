/**
 * The in-memory block index (btcd's blockindex.go): one entry per known header,
 * the best chain by height, which stored branches could become the tip, and the
 * best header. Memory only: the chain writes what changes here to disk.
 */
import type { RuleError } from '../consensus/errors.js';
import type { ChainEntry } from './entry.js';
import { EntryTable } from './entry-table.js';
import { BlockStatus } from './records.js';

/** Core's CBlockIndexWorkComparator: more work wins, then the block whose data arrived first. */
export function betterThan(a: ChainEntry, b: ChainEntry): boolean {
  return a.chainWork > b.chainWork || (a.chainWork === b.chainWork && a.sequence < b.sequence);
}

/** Whether `e` is a better header to aim sync at than `than`: more work, or data where `than` has none. */
export function betterHeader(e: ChainEntry, than: ChainEntry): boolean {
  return !e.failed && (e.chainWork > than.chainWork || (e.chainWork === than.chainWork && e.haveData && !than.haveData));
}

/** The children of `e` in its index. */
function childrenOf(e: ChainEntry): readonly ChainEntry[] {
  const kids = e.kids;
  return kids === undefined ? [] : Array.isArray(kids) ? kids : [kids];
}

/** Whether `e` has a child not known to be invalid. */
function hasGoodChild(e: ChainEntry): boolean {
  const kids = e.kids;
  if (kids === undefined) return false;
  if (!Array.isArray(kids)) return !kids.failed;
  return kids.some((c) => !c.failed);
}

function addChild(parent: ChainEntry, child: ChainEntry): void {
  const kids = parent.kids;
  if (kids === undefined) parent.kids = child;
  else if (Array.isArray(kids)) kids.push(child);
  else parent.kids = [kids, child];
}

export class BlockIndex {
  private readonly entries = new EntryTable();
  /** Valid-looking entries with no valid-looking child: the best header is one of them. */
  private readonly headerTips = new Set<ChainEntry>();
  readonly mainChain: ChainEntry[] = [];
  /** Linked entries (whole branch stored) off the best chain that could become the tip. */
  readonly candidates = new Set<ChainEntry>();
  /** Stored blocks waiting for an ancestor's data, by parent hash (Core's mapBlocksUnlinked). */
  private readonly unlinked = new Map<string, ChainEntry[]>();
  readonly failures = new Map<ChainEntry, RuleError>();
  private bestHeaderCache?: ChainEntry;
  private sequence = 0;

  get tip(): ChainEntry {
    return this.mainChain[this.mainChain.length - 1]!;
  }

  get(hash: string): ChainEntry | undefined {
    return this.entries.get(hash);
  }

  has(hash: string): boolean {
    return this.entries.has(hash);
  }

  /** Every entry by hash, read-only. */
  get byHash(): Pick<ReadonlyMap<string, ChainEntry>, 'get' | 'has'> {
    return this.entries;
  }

  values(): IterableIterator<ChainEntry> {
    return this.entries.values();
  }

  isMain(entry: ChainEntry): boolean {
    return this.mainChain[entry.height] === entry;
  }

  /** Makes `entry`, a child of the tip, the new tip (after it was connected). */
  extendTip(entry: ChainEntry): void {
    this.mainChain[entry.height] = entry;
    this.candidates.delete(entry);
  }

  /** Drops the tip from the best chain (after it was disconnected); it stays a candidate. */
  retractTip(): ChainEntry {
    const entry = this.mainChain.pop()!;
    this.candidates.add(entry);
    return entry;
  }

  /**
   * Forgets candidates with less work than the tip (Core's PruneBlockIndexCandidates):
   * they cannot beat it, and should the tip ever move back, the entries disconnected on
   * the way return as candidates and outrank them. Keeps bestCandidate() cheap over runs
   * with many stale blocks (the consensus lab calls it after each activation).
   */
  pruneCandidates(): void {
    const tipWork = this.tip.chainWork;
    for (const c of this.candidates) if (c.chainWork < tipWork) this.candidates.delete(c);
  }

  /**
   * Replaces every entry (after loading the stored index), parents before children, each
   * hash once: what `add` of each would leave, done in bulk (at a million entries, a lookup
   * and a Set change each cost more than the rest of the load).
   */
  reset(entries: Iterable<ChainEntry>): void {
    const list = Array.isArray(entries) ? (entries as ChainEntry[]) : [...entries];
    this.entries.fill(list);
    this.headerTips.clear();
    this.bestHeaderCache = undefined;
    for (const e of list) e.kids = undefined;
    for (const e of list) if (e.prev) addChild(e.prev, e);
    for (const e of list) if (!e.failed && !hasGoodChild(e)) this.headerTips.add(e);
  }

  /** Adds a new entry, keeping the best-header bookkeeping current. */
  add(entry: ChainEntry): void {
    if (this.entries.find(entry.hash) === entry) {
      // Its data may just have arrived, which wins a tie for the best header.
      if (this.bestHeaderCache && betterHeader(entry, this.bestHeaderCache)) this.bestHeaderCache = entry;
      return;
    }
    this.entries.set(entry);
    if (entry.prev) addChild(entry.prev, entry);
    if (entry.failed) return;
    if (entry.prev) this.headerTips.delete(entry.prev);
    if (!hasGoodChild(entry)) this.headerTips.add(entry);
    if (this.bestHeaderCache && betterHeader(entry, this.bestHeaderCache)) this.bestHeaderCache = entry;
  }

  /** Marks that `entry`'s block data arrived now: the first seen wins a tie in work. */
  noteData(entry: ChainEntry): void {
    entry.status |= BlockStatus.HAVE_DATA;
    entry.sequence = ++this.sequence;
  }

  /**
   * Marks `entry` invalid and every known descendant as descending from an invalid
   * block, walking only that branch. Returns the entries whose status changed.
   */
  markInvalid(entry: ChainEntry, err: RuleError, flag: number = BlockStatus.FAILED): ChainEntry[] {
    entry.status |= flag;
    this.failures.set(entry, err);
    this.candidates.delete(entry);
    this.headerTips.delete(entry);
    const changed = [entry];
    const queue = [...childrenOf(entry)];
    while (queue.length > 0) {
      const other = queue.pop()!;
      if (!other.failed) {
        other.status |= BlockStatus.FAILED_PARENT;
        changed.push(other);
      }
      this.candidates.delete(other);
      this.headerTips.delete(other);
      queue.push(...childrenOf(other));
    }
    const parent = entry.prev;
    if (parent && !parent.failed && !childrenOf(parent).some((c) => !c.failed)) this.headerTips.add(parent);
    return changed;
  }

  /** Forgets every verdict (for --reindex): they are re-derived from the blocks. */
  clearVerdicts(): void {
    this.failures.clear();
    for (const entry of this.entries.values()) entry.status &= BlockStatus.HAVE_DATA;
    this.reset([...this.entries.values()]);
  }

  /**
   * Marks `entry` linked when its parent is, and with it every stored descendant
   * that was waiting for it; linked entries become candidates. Keeping this
   * incremental makes choosing the best candidate independent of how many
   * blocks arrived out of order.
   */
  link(entry: ChainEntry): void {
    if (!entry.prev || !entry.prev.linked) {
      const key = entry.header.prevHash;
      const waiting = this.unlinked.get(key) ?? [];
      if (!waiting.includes(entry)) waiting.push(entry);
      this.unlinked.set(key, waiting);
      return;
    }
    const queue = [entry];
    while (queue.length > 0) {
      const e = queue.pop()!;
      e.linked = true;
      if (!e.failed && !this.isMain(e)) this.candidates.add(e);
      // Nothing waits in a load in height order: no hex hash made per entry then.
      const children = this.unlinked.size > 0 ? this.unlinked.get(e.hashHex) : undefined;
      if (children) {
        this.unlinked.delete(e.hashHex);
        queue.push(...children);
      }
    }
  }

  /** Recomputes links for every stored entry (after loading or reindexing), in height order. */
  linkAll(): void {
    this.candidates.clear();
    this.unlinked.clear();
    const byHeight = [...this.entries.values()].sort((a, b) => a.height - b.height);
    for (const e of byHeight) e.linked = false;
    for (const e of byHeight) {
      if (!e.haveData) continue;
      if (!e.prev) {
        e.linked = true;
        continue;
      }
      this.link(e);
    }
  }

  /**
   * The candidate that beats the tip whose branch has every block's data: the most
   * work, the earliest received on a tie. A tie can beat the tip only when a reorg
   * stopped at an invalid block on a later-seen branch: the first-seen one returns.
   */
  bestCandidate(): ChainEntry | undefined {
    let best: ChainEntry | undefined;
    for (const c of this.candidates) {
      if (c.failed || !betterThan(c, this.tip)) continue;
      if (best && !betterThan(c, best)) continue;
      best = c;
    }
    return best;
  }

  /**
   * The known header with the most work that is not known to be invalid. A descendant
   * always has more work than its ancestors, so only branch ends are compared.
   */
  get bestHeader(): ChainEntry {
    // Cached: sync reads this on every pass. Invalidation (rare) rescans the branch ends.
    let best = this.bestHeaderCache;
    if (!best || best.failed || this.entries.find(best.hash) !== best) {
      best = this.tip;
      for (const e of this.headerTips) if (betterHeader(e, best)) best = e;
    } else if (betterHeader(this.tip, best)) {
      best = this.tip;
    }
    this.bestHeaderCache = best;
    return best;
  }

  /**
   * Blocks to download next: the entries without data on the way from the best
   * chain to `target`, oldest first, at most `limit`.
   */
  blocksToDownload(limit: number, target: ChainEntry): ChainEntry[] {
    const path: ChainEntry[] = [];
    for (let e: ChainEntry | null = target; e && !this.isMain(e); e = e.prev) {
      if (e.failed) return [];
      path.push(e);
    }
    const missing: ChainEntry[] = [];
    for (let i = path.length - 1; i >= 0 && missing.length < limit; i--) if (!path[i]!.haveData) missing.push(path[i]!);
    return missing;
  }

  /** Bitcoin's block locator: dense near `from`, then exponentially sparser, ending at genesis. */
  locator(from: ChainEntry): string[] {
    const out: string[] = [];
    let step = 1;
    for (let e: ChainEntry | null = from; e; ) {
      out.push(e.hashHex);
      if (e.height === 0) break;
      const next = Math.max(0, e.height - step);
      e = this.isMain(e) ? this.mainChain[next]! : e.ancestor(next);
      if (out.length >= 10) step *= 2;
    }
    return out;
  }
}
