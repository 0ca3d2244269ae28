/**
 * Selfish mining, Eyal and Sirer's SM1 ("Majority is not enough", 2014,
 * Algorithm 1), and the honest miners' side of their γ: during a tie, a share γ
 * of honest power mines on the selfish block. Lengths are block heights as the
 * selfish pool's lab node sees them; which branch wins is decided by the nodes'
 * real fork choice, never here.
 */
import type { Block } from '../../primitives/block.js';
import type { ChainEntry } from '../../chain/entry.js';
import type { MinerSpec, Simulation, Strategy } from '../sim.js';

export class SelfishPool implements Strategy {
  private privateTip?: ChainEntry;
  private unpublished: Block[] = [];
  /** Height of the public chain: the best block published by anyone, as the pool knows it. */
  private publicHeight = 0;
  /** A tie race is on: the pool published a block as long as the honest one (ES state 0'). */
  private racing = false;

  parent(sim: Simulation, miner: MinerSpec): ChainEntry {
    return (this.privateTip ??= sim.nodes[miner.node]!.genesis);
  }

  found(sim: Simulation, miner: MinerSpec, block: Block): void {
    const wasRacing = this.racing;
    this.privateTip = sim.nodes[miner.node]!.index.get(block.hash)!;
    this.unpublished.push(block);
    // Won the tie race (0' → 0): publish, and the honest nodes' fork choice takes the longer branch.
    if (wasRacing) this.publishAll(sim, miner);
  }

  received(sim: Simulation, miner: MinerSpec, block: Block): void {
    if (sim.minerOf(block) === miner.id) return;
    const node = sim.nodes[miner.node]!;
    const entry = node.index.get(block.hash)!;
    // A block that does not lengthen the public chain (a late stale one) changes nothing.
    if (entry.height <= this.publicHeight) return;
    const lead = this.parent(sim, miner).height - this.publicHeight;
    this.publicHeight = Math.max(this.publicHeight, entry.height);
    if (lead <= 0) {
      // Honest is ahead (or won the tie): adopt its chain.
      this.privateTip = entry.height >= this.privateTip!.height ? entry : this.privateTip;
      this.unpublished = [];
      this.racing = false;
    } else if (lead === 1) {
      this.publishAll(sim, miner);
      this.racing = true;
    } else if (lead === 2) {
      this.publishAll(sim, miner);
    } else {
      this.publish(sim, miner, 1);
    }
  }

  /**
   * At the end of a run: a lead of two or more is certain to win (the pool publishes
   * it all once the honest chain comes within one block), so publish it now and count
   * it, rather than count the honest blocks it would orphan. A lead of one or a tie
   * race stays open: their outcome is still a coin toss.
   */
  settle(sim: Simulation, miner: MinerSpec): void {
    if (this.unpublished.length > 0 && this.parent(sim, miner).height - this.publicHeight >= 2) this.publishAll(sim, miner);
  }

  private publishAll(sim: Simulation, miner: MinerSpec): void {
    this.publish(sim, miner, this.unpublished.length);
    this.racing = false;
  }

  private publish(sim: Simulation, miner: MinerSpec, count: number): void {
    for (const block of this.unpublished.splice(0, count)) {
      sim.publish(miner.node, block);
      this.publicHeight = Math.max(this.publicHeight, sim.nodes[miner.node]!.index.get(block.hash)!.height);
    }
  }
}

/**
 * Honest miners under Eyal and Sirer's γ: they build on their node's tip, except
 * that while another block ties it (equal work, published by someone else), a
 * share γ of them build on that one (they saw it first).
 */
export function honestWithGamma(gamma: number): Strategy {
  return {
    parent(sim, miner) {
      const node = sim.nodes[miner.node]!;
      const tip = node.tip;
      let rival: ChainEntry | undefined;
      for (const c of node.index.candidates) if (c !== tip && !c.failed && c.chainWork === tip.chainWork) rival = c;
      return rival && sim.rng.uniform() < gamma ? rival : tip;
    },
    found: (sim, miner, block) => sim.publish(miner.node, block),
  };
}
