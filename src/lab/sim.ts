/**
 * The discrete-event engine: nodes (lab nodes running the chain's real code), a
 * network of links, and miners. Block discovery by the whole network is a
 * Poisson process of rate 1/interval; the finder is drawn by hash-power share,
 * which is the same process as one exponential clock per miner and cheaper.
 * A node relays every block it newly stores to its neighbours.
 */
import type { Block } from '../primitives/block.js';
import type { ChainEntry } from '../chain/entry.js';
import { BlockFactory } from './blocks.js';
import { EventQueue } from './events.js';
import { arrivalTime, buildLinks, type Link, type NetworkSpec } from './network.js';
import { LabNode } from './node.js';
import type { Random } from './random.js';

/** How a miner chooses where to build and what to publish. */
export interface Strategy {
  /** The entry the miner's next block builds on. */
  parent(sim: Simulation, miner: MinerSpec): ChainEntry;
  /** The miner found `block`, already stored by its node: publish it (sim.publish) or keep it. */
  found(sim: Simulation, miner: MinerSpec, block: Block): void;
  /** The miner's node stored `block` from the network. */
  received?(sim: Simulation, miner: MinerSpec, block: Block): void;
}

export interface MinerSpec {
  /** Index in the simulation's miner list; also the miner id in its coinbases. */
  id: number;
  /** The node the miner works through. */
  node: number;
  /** Hash-power weight (shares are normalized). */
  share: number;
  strategy: Strategy;
}

export interface SimOptions {
  network: NetworkSpec;
  /** Mean seconds between blocks of the whole network. */
  interval: number;
  miners: ReadonlyArray<Omit<MinerSpec, 'id'>>;
  rng: Random;
  /** Bytes a block counts as on a link; 0 for its real serialized size. */
  blockBytes?: number;
}

type SimEvent = { kind: 'find' } | { kind: 'deliver'; to: number; from: number; block: Block };

/** Seconds since the epoch at simulated time 0: just after the lab network's genesis. */
const EPOCH_OFFSET = 600;

export class Simulation {
  readonly queue = new EventQueue<SimEvent>();
  readonly nodes: LabNode[];
  readonly factory = new BlockFactory();
  readonly miners: MinerSpec[];
  readonly rng: Random;
  /** Blocks found so far. */
  found = 0;
  private readonly links: Link[][];
  private readonly shares: number[];
  private readonly byNode: MinerSpec[][];
  private readonly epoch: number;
  private readonly rate: number;
  private readonly blockBytes: number;
  /** Blocks each node has been handed: a node ignores a block it has, as it would ignore its announcement. */
  private readonly seen: Array<Set<Block>>;

  constructor(opts: SimOptions) {
    this.rng = opts.rng;
    this.links = buildLinks(opts.network, opts.rng);
    this.nodes = this.links.map((_, i) => new LabNode(i, () => this.time()));
    this.epoch = this.nodes[0]!.genesis.header.time + EPOCH_OFFSET;
    this.miners = opts.miners.map((m, id) => ({ ...m, id }));
    this.shares = this.miners.map((m) => m.share);
    this.byNode = this.nodes.map((_, i) => this.miners.filter((m) => m.node === i));
    this.rate = 1 / opts.interval;
    this.blockBytes = opts.blockBytes ?? 0;
    this.seen = this.nodes.map(() => new Set<Block>());
  }

  /** Simulated now, in seconds since the epoch (what block times and node clocks read). */
  time(): number {
    return this.epoch + this.queue.now;
  }

  /**
   * Runs until `blocks` blocks have been found and every message delivered, or
   * until `stop` (checked after each event) says so. Returns whether it stopped early.
   */
  run(blocks: number, stop?: () => boolean): boolean {
    if (this.found < blocks) this.queue.schedule(this.rng.exponential(this.rate), { kind: 'find' });
    for (let ev = this.queue.pop(); ev; ev = this.queue.pop()) {
      if (ev.kind === 'find') {
        this.mine();
        if (this.found < blocks) this.queue.schedule(this.rng.exponential(this.rate), { kind: 'find' });
      } else {
        this.deliver(ev.to, ev.from, ev.block);
      }
      if (stop?.()) return true;
    }
    return false;
  }

  /** Sends `block` from node `from` to each neighbour (except `except`). */
  publish(from: number, block: Block, except = -1): void {
    const size = this.blockBytes > 0 ? this.blockBytes : block.size;
    this.seen[from]!.add(block);
    for (const link of this.links[from]!) {
      if (link.to === except || this.seen[link.to]!.has(block)) continue;
      this.queue.at(arrivalTime(link, this.queue.now, size), { kind: 'deliver', to: link.to, from, block });
    }
  }

  /** The miner of a block (its coinbase's miner id), -1 for genesis. */
  minerOf(block: Block | ChainEntry): number {
    return this.factory.minerOf('hashHex' in block ? block.hashHex : block.hash);
  }

  private mine(): void {
    const miner = this.miners[this.rng.weighted(this.shares)]!;
    this.found++;
    const parent = miner.strategy.parent(this, miner);
    const block = this.factory.build(parent, miner.id, this.time());
    this.nodes[miner.node]!.processBlock(block);
    this.seen[miner.node]!.add(block);
    miner.strategy.found(this, miner, block);
  }

  private deliver(to: number, from: number, block: Block): void {
    const seen = this.seen[to]!;
    if (seen.has(block)) return;
    seen.add(block);
    const { stored } = this.nodes[to]!.processBlock(block);
    for (const b of stored) {
      this.publish(to, b, from);
      for (const miner of this.byNode[to]!) miner.strategy.received?.(this, miner, b);
    }
  }
}

/** Follows the node's best chain and publishes every block at once. */
export const honest: Strategy = {
  parent: (sim, miner) => sim.nodes[miner.node]!.tip,
  found: (sim, miner, block) => sim.publish(miner.node, block),
};
