/**
 * Branches with an invalid block in the middle (valid proof of work, broken
 * consensus rule found only when connecting): the node goes as far as the last
 * valid block only when that has more work, marks the bad block failed and its
 * descendants failed-parent, and ends on the best valid chain.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Chain, type ProcessResult } from '../../../src/chain/chain.js';
import { BlockStatus } from '../../../src/chain/records.js';
import { COIN } from '../../../src/consensus/constants.js';
import { RuleError } from '../../../src/consensus/errors.js';
import { SCRIPT_FAILURE } from '../../../src/consensus/signatures.js';
import type { Block } from '../../../src/primitives/block.js';
import { flipBit, payTo, spend, TestChain, testKey, withWitness } from '../../helpers/chain.js';
import { TestChains } from '../../helpers/chain-db.js';

const chains = new TestChains('tally-invalid-branch');
const openChain = (now: number, path?: string): Promise<Chain> => chains.open(now, path ? { path } : {});
const closeChain = (chain: Chain): Promise<void> => chains.close(chain);

/** The status processBlock resolves to, or the code of the RuleError it throws. */
async function outcome(chain: Chain, block: Block): Promise<ProcessResult['status'] | string> {
  try {
    return (await chain.processBlock(block)).status;
  } catch (err) {
    if (err instanceof RuleError) return err.code;
    throw err;
  }
}

async function feed(chain: Chain, blocks: readonly Block[]): Promise<string[]> {
  const out: string[] = [];
  for (const block of blocks) out.push(await outcome(chain, block));
  return out;
}

let base: TestChain;
beforeAll(() => {
  base = new TestChain();
  base.mine(105);
});

type BadKind = 'bad-cb-amount' | typeof SCRIPT_FAILURE;

/** A block on `chain`'s tip that breaks a rule only the UTXO set reveals; its proof of work is valid. */
function badBlock(chain: TestChain, kind: BadKind): Block {
  if (kind === 'bad-cb-amount') return chain.buildBlock({ coinbaseExtra: 1n });
  const tx = spend([chain.coinbaseCoins[0]!], [payTo(1, 49n * COIN)]);
  const forged = withWitness(tx, 0, [flipBit(tx.inputs[0]!.witness[0]!, 8)]);
  // buildBlock commits to the forged witness, so only the signature check can fail.
  return chain.buildBlock({ transactions: [forged], fees: COIN });
}

/** Branch B from the base tip: `length` blocks, block number `badAt` (1-based) invalid. */
function invalidBranch(length: number, badAt: number, kind: BadKind): TestChain {
  const b = base.fork(base.height, { minerKey: testKey(9) });
  for (let i = 1; i <= length; i++) {
    if (i < badAt) b.add(b.buildBlock());
    else if (i === badAt) b.addUnchecked(badBlock(b, kind));
    else b.addUnchecked(b.buildBlock());
  }
  return b;
}

async function digestOf(blocks: readonly Block[], now: number): Promise<Awaited<ReturnType<Chain['utxoDigest']>>> {
  const chain = await openChain(now);
  for (const block of blocks) await chain.processBlock(block);
  const digest = await chain.utxoDigest();
  await closeChain(chain);
  return digest;
}

interface Case {
  name: string;
  lenA: number;
  lenB: number;
  badAt: number;
  kind: BadKind;
  /** What processBlock gives for each block of B. */
  outcomes: string[];
  /** Where the node ends: 'A' or the height above the fork on B. */
  winner: 'A' | number;
}

const CASES: Case[] = [
  {
    name: 'goes to the last valid block of B when it has more work than A (bad-cb-amount)',
    lenA: 1, lenB: 6, badAt: 3, kind: 'bad-cb-amount',
    outcomes: ['side', 'connected', 'bad-cb-amount', 'bad-prevblk', 'bad-prevblk', 'bad-prevblk'],
    winner: 2,
  },
  {
    name: 'goes to the last valid block of B when it has more work than A (bad signature)',
    lenA: 1, lenB: 6, badAt: 3, kind: SCRIPT_FAILURE,
    outcomes: ['side', 'connected', SCRIPT_FAILURE, 'bad-prevblk', 'bad-prevblk', 'bad-prevblk'],
    winner: 2,
  },
  {
    name: 'returns to A when the last valid block of B only ties it (first seen wins)',
    lenA: 2, lenB: 6, badAt: 3, kind: 'bad-cb-amount',
    outcomes: ['side', 'side', 'bad-cb-amount', 'bad-prevblk', 'bad-prevblk', 'bad-prevblk'],
    winner: 'A',
  },
  {
    name: 'stays on A (5 blocks) when the 2nd block of a longer B is invalid',
    lenA: 5, lenB: 7, badAt: 2, kind: SCRIPT_FAILURE,
    // B2 is stored unvalidated until B6 gives B more work; connecting it then fails.
    outcomes: ['side', 'side', 'side', 'side', 'side', 'bad-prevblk', 'bad-prevblk'],
    winner: 'A',
  },
];

describe('a branch with an invalid block', () => {
  it.each(CASES)('$name', async (c) => {
    const a = base.clone();
    a.mine(c.lenA);
    const b = invalidBranch(c.lenB, c.badAt, c.kind);
    const F = base.height;
    const node = await openChain(a.now);
    await feed(node, a.blocks.slice(1));
    const invalid: { hash: string; code: string }[] = [];
    node.on('invalid', (entry, err) => invalid.push({ hash: entry.hashHex, code: err.code }));

    expect(await feed(node, b.blocks.slice(F + 1))).toEqual(c.outcomes);

    const winnerBlocks = c.winner === 'A' ? a.blocks.slice(1) : b.blocks.slice(1, F + 1 + c.winner);
    expect(node.tip.hashHex).toBe(winnerBlocks[winnerBlocks.length - 1]!.hash);
    expect(invalid[0]).toEqual({ hash: b.blocks[F + c.badAt]!.hash, code: c.kind });

    const bad = node.getEntry(b.blocks[F + c.badAt]!.hash)!;
    expect(bad.failed).toBe(true);
    expect(bad.status & BlockStatus.FAILED).toBe(BlockStatus.FAILED);
    expect(bad.valid).toBe(false);
    for (let i = 1; i < c.badAt; i++) expect(node.getEntry(b.blocks[F + i]!.hash)?.failed).toBe(false);
    for (let i = c.badAt + 1; i <= c.lenB; i++) {
      const entry = node.getEntry(b.blocks[F + i]!.hash)!;
      expect(entry.failed).toBe(true);
      expect(entry.status & BlockStatus.FAILED_PARENT).toBe(BlockStatus.FAILED_PARENT);
    }

    // Known-invalid blocks are refused outright; a new child of one is refused for its parent.
    expect(await outcome(node, b.blocks[F + c.badAt]!)).toBe('duplicate-invalid');
    expect(await outcome(node, b.blocks[F + c.lenB]!)).toBe('duplicate-invalid');
    const child = b.buildBlock();
    expect(await outcome(node, child)).toBe('bad-prevblk');
    expect(node.getEntry(child.hash)?.failed).toBe(true);

    const digest = await node.utxoDigest();
    expect(digest).toEqual(await digestOf(winnerBlocks, a.now));

    // The verdicts survive a restart.
    const path = node['db'].path;
    await closeChain(node);
    const reopened = await openChain(a.now, path);
    expect(reopened.tip.hashHex).toBe(node.tip.hashHex);
    expect(await reopened.utxoDigest()).toEqual(digest);
    expect(reopened.getEntry(bad.hashHex)?.failed).toBe(true);
    expect(await outcome(reopened, b.blocks[F + c.badAt]!)).toBe('duplicate-invalid');
    expect(await outcome(reopened, b.blocks[F + c.badAt + 1]!)).toBe('duplicate-invalid');
  });
});
