/**
 * The lab runs Tally's real chain code: a block that breaks a rule is refused by
 * a lab node with the same code a real Chain (LevelDB in a temp dir) gives, a
 * valid one is accepted by both, fork choice follows the most work (with a reorg
 * inside the lab), and a simulated history replayed into a real Chain ends on
 * the same tip.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Chain } from '../../../src/chain/chain.js';
import { RuleError } from '../../../src/consensus/errors.js';
import { verifyHeaderHash } from '../../../src/consensus/pow.js';
import { Block, type BlockHeaderFields } from '../../../src/primitives/block.js';
import { Transaction } from '../../../src/primitives/tx.js';
import { BlockFactory, LAB_PARAMS } from '../../../src/lab/blocks.js';
import { LabNode } from '../../../src/lab/node.js';
import { Random } from '../../../src/lab/random.js';
import { Simulation } from '../../../src/lab/sim.js';
import { honestWithGamma, SelfishPool } from '../../../src/lab/strategies/selfish.js';
import { tempDir } from '../../helpers/tmp.js';

const root = tempDir('tally-lab-node');
/** Both judges read the same fixed clock: a day after genesis. */
const NOW = LAB_PARAMS.genesis.time + 86_400;

/** `block` with header fields replaced and, optionally, other transactions; the nonce is ground again unless `nonce` is given. */
function mutate(block: Block, fields: Partial<BlockHeaderFields>, txs: readonly Transaction[] = block.transactions): Block {
  const base = block.header.with(fields);
  if (fields.nonce !== undefined) return new Block(base, txs);
  for (let nonce = 0; ; nonce++) {
    const header = base.with({ nonce });
    if (verifyHeaderHash(header.hashBytes, header.bits, LAB_PARAMS.powLimit)) return new Block(header, txs);
  }
}

/** A nonce whose hash misses the target. */
function highHash(block: Block): Block {
  for (let nonce = 0; ; nonce++) {
    const header = block.header.with({ nonce });
    if (!verifyHeaderHash(header.hashBytes, header.bits, LAB_PARAMS.powLimit)) return new Block(header, block.transactions);
  }
}

/** The coinbase of `block` with its output value changed. */
function coinbaseWorth(block: Block, value: bigint): Transaction {
  const cb = block.transactions[0]!;
  return new Transaction({ ...cb, outputs: [{ ...cb.outputs[0]!, value }] });
}

async function chainCode(chain: Chain, block: Block): Promise<string> {
  try {
    return (await chain.processBlock(block)).status;
  } catch (err) {
    if (err instanceof RuleError) return err.code;
    throw err;
  }
}

function labCode(node: LabNode, block: Block): string {
  try {
    return node.processBlock(block).status;
  } catch (err) {
    if (err instanceof RuleError) return err.code;
    throw err;
  }
}

describe('a lab node judges blocks with the chain code', () => {
  let chain: Chain;
  const node = new LabNode(0, () => NOW);
  const factory = new BlockFactory();
  let first: Block;
  let next: Block;

  beforeAll(async () => {
    chain = new Chain({ path: join(root, 'judge'), params: LAB_PARAMS }, { clock: () => NOW });
    await chain.open();
    first = factory.build(node.tip, 0, NOW - 3600);
    expect(await chainCode(chain, first)).toBe('connected');
    expect(labCode(node, first)).toBe('connected');
    next = factory.build(node.tip, 0, NOW - 1800);
  });
  afterAll(async () => chain?.close());

  const cases: Array<{ name: string; make: () => Block; code: string }> = [
    { name: 'proof of work above the target', make: () => highHash(next), code: 'high-hash' },
    { name: 'a merkle root that is not the transactions', make: () => mutate(next, { merkleRootBytes: new Uint8Array(32) }), code: 'bad-txnmrklroot' },
    { name: 'bits other than the required', make: () => mutate(next, { bits: 0x207ffffe }), code: 'bad-diffbits' },
    { name: 'a time before the median time past', make: () => mutate(next, { time: LAB_PARAMS.genesis.time }), code: 'time-too-old' },
    { name: 'a time more than two hours ahead', make: () => mutate(next, { time: NOW + 3 * 3600 }), code: 'time-too-new' },
    {
      name: 'a coinbase paying more than the subsidy',
      make: () => {
        const cb = coinbaseWorth(next, next.transactions[0]!.outputs[0]!.value + 1n);
        return mutate(next, { merkleRootBytes: cb.txidBytes }, [cb]);
      },
      code: 'bad-cb-amount',
    },
  ];

  for (const c of cases) {
    it(`refuses ${c.name} with ${c.code}, as the chain does`, async () => {
      const bad = c.make();
      const expected = await chainCode(chain, bad);
      expect(expected).toBe(c.code);
      expect(labCode(node, bad)).toBe(expected);
      expect(node.tip.hashHex).toBe(first.hash);
    });
  }

  it('accepts the valid block, as the chain does', async () => {
    expect(await chainCode(chain, next)).toBe('connected');
    expect(labCode(node, next)).toBe('connected');
    expect(node.tip.hashHex).toBe(chain.tip.hashHex);
  });
});

describe('fork choice in the lab is the chain’s', () => {
  it('keeps the first-seen block on a tie and reorganizes to the branch with more work', () => {
    const node = new LabNode(0, () => NOW);
    const factory = new BlockFactory();
    const a1 = factory.build(node.tip, 0, NOW - 600);
    const b1 = factory.build(node.tip, 1, NOW - 590);
    expect(node.processBlock(a1).status).toBe('connected');
    expect(node.processBlock(b1).status).toBe('side');
    expect(node.tip.hashHex).toBe(a1.hash);
    const b2 = factory.build(node.index.get(b1.hash)!, 1, NOW - 500);
    const outcome = node.processBlock(b2);
    expect(outcome.status).toBe('connected');
    expect(node.tip.hashHex).toBe(b2.hash);
    expect(node.index.mainChain.map((e) => e.hashHex)).toEqual([node.genesis.hashHex, b1.hash, b2.hash]);
    expect(node.index.isMain(node.index.get(a1.hash)!)).toBe(false);
  });

  it('ends a selfish-mining history with reorgs on the same tip as a real Chain fed the same blocks in the same order', async () => {
    const sim = new Simulation({
      network: { nodes: 2, topology: 'mesh', latency: { kind: 'fixed', ms: 0 }, bandwidth: 0 },
      interval: 600,
      rng: new Random(7),
      miners: [
        { node: 0, share: 0.6, strategy: honestWithGamma(0.5) },
        { node: 1, share: 0.4, strategy: new SelfishPool() },
      ],
    });
    sim.run(150);
    const lab = sim.nodes[0]!;
    const arrived = [...lab.index.values()].filter((e) => e.height > 0).sort((a, b) => a.sequence - b.sequence);
    const main = lab.index.mainChain.length - 1;
    expect(arrived.length).toBeGreaterThan(main);
    const chain = new Chain({ path: join(root, 'replay'), params: LAB_PARAMS }, { clock: () => sim.time() });
    await chain.open();
    let reorgs = 0;
    chain.on('reorg', () => reorgs++);
    try {
      for (const entry of arrived) await chain.processBlock(lab.block(entry)!);
      expect(reorgs).toBeGreaterThan(0);
      expect(chain.tip.hashHex).toBe(lab.tip.hashHex);
      expect(chain.tip.height).toBe(main);
    } finally {
      await chain.close();
    }
  });
});
