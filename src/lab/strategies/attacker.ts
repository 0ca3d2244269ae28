/**
 * The double-spend attacker (whitepaper §11, Rosenfeld 2014) as a strategy, and
 * one race run through two lab nodes: node 0 is the honest network (and the
 * merchant), node 1 the attacker. Every block, honest or not, is validated and
 * chosen between by the nodes' real chain code; the attacker only decides what
 * to build on and when to publish.
 */
import type { Block } from '../../primitives/block.js';
import type { ChainEntry } from '../../chain/entry.js';
import type { Random } from '../random.js';
import { honest, Simulation, type MinerSpec, type Strategy } from '../sim.js';

const HONEST = 0;
const ATTACKER = 1;

/** Mines a private branch from the fork point and publishes it once the merchant shipped and it has more work. */
export class Attacker implements Strategy {
  private privateTip!: ChainEntry;
  private unpublished: Block[] = [];
  /** Height of the best honest block the attacker has seen (the fork point is genesis, height 0). */
  private honestHeight = 0;
  released = false;

  constructor(private readonly z: number) {}

  /** Pre-mines the first block of the private branch (Rosenfeld's assumption), before the payment. */
  premine(sim: Simulation, miner: MinerSpec): Block {
    const node = sim.nodes[miner.node]!;
    const block = sim.factory.build(node.genesis, miner.id, sim.time());
    this.privateTip = node.processBlock(block).entry!;
    this.unpublished.push(block);
    this.maybeRelease(sim, miner);
    return block;
  }

  parent(): ChainEntry {
    return this.privateTip;
  }

  found(sim: Simulation, miner: MinerSpec, block: Block): void {
    this.privateTip = sim.nodes[miner.node]!.index.get(block.hash)!;
    this.unpublished.push(block);
    this.maybeRelease(sim, miner);
  }

  received(sim: Simulation, miner: MinerSpec, block: Block): void {
    if (sim.minerOf(block) === miner.id) return;
    this.honestHeight = Math.max(this.honestHeight, sim.nodes[miner.node]!.index.get(block.hash)!.height);
    this.maybeRelease(sim, miner);
  }

  /** Lead of the honest chain over the private branch, as the attacker sees it. */
  get deficit(): number {
    return this.honestHeight - this.privateTip.height;
  }

  /** Once the merchant has z confirmations (as far as the attacker knows) and the branch is longer: publish it all. */
  private maybeRelease(sim: Simulation, miner: MinerSpec): void {
    const shipped = this.honestHeight >= this.z;
    if (!this.released && !(shipped && this.privateTip.height > this.honestHeight)) return;
    this.released = true;
    for (const b of this.unpublished) sim.publish(miner.node, b);
    this.unpublished = [];
  }
}

export interface AttackOptions {
  q: number;
  z: number;
  latencyMs: number;
  interval: number;
  /** The attacker gives up once the honest chain leads by this many blocks. */
  giveUp: number;
  rng: Random;
}

/** One race. `success`: the merchant's node ended on the attacker's branch after shipping. */
export function runAttack(opts: AttackOptions): { success: boolean; blocks: number } {
  const attacker = new Attacker(opts.z);
  const sim = new Simulation({
    network: { nodes: 2, topology: 'mesh', latency: { kind: 'fixed', ms: opts.latencyMs }, bandwidth: 0 },
    interval: opts.interval,
    rng: opts.rng,
    miners: [
      { node: HONEST, share: 1 - opts.q, strategy: honest },
      { node: ATTACKER, share: opts.q, strategy: attacker },
    ],
  });
  const merchant = sim.nodes[HONEST]!;
  const premined = attacker.premine(sim, sim.miners[ATTACKER]!).hash;
  let shipped = opts.z === 0;
  let success = false;
  const decided = (): boolean => {
    const first = merchant.tip.ancestor(1);
    if (!shipped && first && sim.minerOf(first) === HONEST && merchant.tip.height >= opts.z) shipped = true;
    success = shipped && first?.hashHex === premined;
    return success || attacker.deficit >= opts.giveUp;
  };
  if (!decided()) sim.run(Infinity, decided);
  return { success, blocks: sim.found };
}
