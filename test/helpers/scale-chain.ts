/**
 * The chain and transactions of a scale run (scripts/scale.ts and
 * test/e2e/netns/scale.test.ts): a seed chain whose coins fund every large
 * block of the run, and the large transactions that fill those blocks.
 *
 * A block of about 1 MB is made of a dozen transactions of one input and
 * about 2,000 taproot outputs each (~86 KB, within the standard weight): one
 * signature per 86 KB, so that 100 nodes on two cores spend their time
 * relaying the block, not checking its signatures, and the compact form of
 * the block is a handful of short ids.
 */
import { TestChain, ownedOutput, payTo, spend, type OwnedCoin } from './chain.js';
import { seedDatadir, type SwarmChain } from './swarm-chain.js';
import type { Transaction, TxOutput } from '../../src/primitives/tx.js';

/** Outputs of each large transaction: 2,000 × 43 bytes keeps its weight (~345k) under the 400k standard limit. */
export const OUTPUTS_PER_TX = 2_000;
/** Bytes of one large transaction, near enough to size blocks with. */
export const LARGE_TX_BYTES = OUTPUTS_PER_TX * 43 + 160;
/** Fee rate of the large transactions, sat/vB: above the default relay minimum of 1. */
const FEE_RATE = 2n;
/** The key the seed's fan-out outputs pay; the large transactions pay `PAYEE_KEY`. */
const FUNDING_KEY = 1;
const PAYEE_KEY = 2;

/** A seed datadir and the coins it holds for the run's large transactions. */
export interface ScaleSeed {
  /** Datadir holding the validated chain (copy its `chain` folder to each node). */
  dir: string;
  height: number;
  tipHash: string;
  /** Unspent fan-out outputs, each funding one large transaction. */
  coins: OwnedCoin[];
}

/**
 * Builds a chain whose first coinbase matures, then a block with one transaction splitting that
 * coinbase into `coins` outputs, validates it into `dir` with the node's own `Chain`.
 */
export async function buildScaleSeed(dir: string, coins: number): Promise<ScaleSeed> {
  const chain = new TestChain();
  const coinbase = chain.matureCoin(0);
  const each = (coinbase.output.value - 100_000n) / BigInt(coins);
  const fanOut = spend([coinbase], Array<TxOutput>(coins).fill(payTo(FUNDING_KEY, each)));
  chain.add(chain.buildBlock({ transactions: [fanOut], fees: coinbase.output.value - each * BigInt(coins) }));
  const blocks = chain.blocks.slice(1);
  const swarm: SwarmChain = { blocks, bytes: blocks.reduce((n, b) => n + b.size, 0), largeBlocks: 0, height: chain.height, tipHash: chain.tip.hash, buildMs: 0 };
  await seedDatadir(swarm, dir);
  const owned = fanOut.outputs.map((_, vout) => ownedOutput(fanOut, vout, FUNDING_KEY));
  return { dir, height: chain.height, tipHash: chain.tip.hash, coins: owned };
}

/** Transactions of about `blockBytes` bytes in all, each spending one of `coins` (taken from the front). */
export function largeTransactions(coins: OwnedCoin[], blockBytes: number): Transaction[] {
  // Whole transactions under the size asked for: 1 MB is also the largest block (bad-blk-length above).
  const count = Math.max(1, Math.floor(blockBytes / LARGE_TX_BYTES));
  if (coins.length < count) throw new Error(`the seed has ${coins.length} funding coins left, ${count} needed`);
  return coins.splice(0, count).map((coin) => {
    const fee = FEE_RATE * BigInt(LARGE_TX_BYTES);
    // One output object repeated: deriving the taproot key costs milliseconds, 2,000 times would cost seconds.
    const output = payTo(PAYEE_KEY, (coin.output.value - fee) / BigInt(OUTPUTS_PER_TX));
    return spend([coin], Array<typeof output>(OUTPUTS_PER_TX).fill(output));
  });
}

/** Funding coins a run needs: `blocks` blocks of `blockBytes`, plus a few spare. */
export function coinsNeeded(blocks: number, blockBytes: number): number {
  return blocks * Math.max(1, Math.floor(blockBytes / LARGE_TX_BYTES)) + 4;
}
