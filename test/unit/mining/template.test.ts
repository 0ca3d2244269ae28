/**
 * Block templates: selection by ancestor fee rate (CPFP), the weight limit,
 * parents before children, the coinbase amount, and blocks that pass the
 * consensus checks once solved.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkBlockContext, checkBlockSanity, headerContext } from '../../../src/consensus/block-checks.js';
import { regtest } from '../../../src/consensus/params.js';
import { bitsToTarget } from '../../../src/consensus/pow.js';
import { getBlockSubsidy } from '../../../src/consensus/subsidy.js';
import { solveBlock } from '../../../src/mining/assemble.js';
import { MiningError } from '../../../src/mining/errors.js';
import { selectTransactions, type TemplateCandidate } from '../../../src/mining/select.js';
import { buildTemplateBlock, createBlockTemplate, type TemplateParent } from '../../../src/mining/template.js';
import { Transaction } from '../../../src/primitives/tx.js';
import { scriptFromSecret } from '../../../src/primitives/sign.js';
import { ownedOutput, payTo, spend, TestChain, testKey, type OwnedCoin } from '../../helpers/chain.js';

const PAYOUT = scriptFromSecret(testKey(9));

/** A real spend of `coin` paying `fee`, as a candidate with `parents`. */
function candidate(coin: OwnedCoin, fee: bigint, keyIndex: number, parents: Transaction[] = []): TemplateCandidate {
  const tx = spend([coin], [payTo(keyIndex, coin.output.value - fee)]);
  return { tx, fee, weight: tx.weight, parents: parents.map((p) => p.txid) };
}

function parentOf(chain: TestChain): TemplateParent {
  const info = chain.parentInfo();
  return { hashBytes: chain.tip.hashBytes, height: info.height, time: info.time, medianTimePast: info.medianTimePast };
}

let chain: TestChain;
/** A low-fee parent, its high-fee child and an unrelated medium-fee transaction. */
let lowParent: TemplateCandidate;
let highChild: TemplateCandidate;
let medium: TemplateCandidate;

beforeAll(() => {
  chain = new TestChain();
  const coinA = chain.matureCoin(0);
  const coinB = chain.matureCoin(1);
  lowParent = candidate(coinA, 500n, 1);
  highChild = candidate(ownedOutput(lowParent.tx, 0, 1), 200_000n, 2, [lowParent.tx]);
  medium = candidate(coinB, 50_000n, 3);
});

describe('selectTransactions', () => {
  it('takes a low-fee parent with a high-fee child before a medium single transaction', () => {
    const all = selectTransactions([lowParent, medium, highChild], 1_000_000);
    expect(all.transactions.map((t) => t.txid)).toEqual([lowParent.tx.txid, highChild.tx.txid, medium.tx.txid]);
    // Room for two transactions only: the package wins although the parent alone pays least.
    const two = selectTransactions([lowParent, medium, highChild], lowParent.weight + highChild.weight);
    expect(two.transactions.map((t) => t.txid)).toEqual([lowParent.tx.txid, highChild.tx.txid]);
    expect(two.fees).toBe(200_500n);
  });

  it('takes the medium transaction first when the child pays too little to lift its parent', () => {
    const weakChild = { ...highChild, fee: 1000n };
    const picked = selectTransactions([lowParent, medium, weakChild], 1_000_000);
    expect(picked.transactions[0]!.txid).toBe(medium.tx.txid);
  });

  it('skips a package that does not fit and fills the space with smaller ones', () => {
    const picked = selectTransactions([lowParent, medium, highChild], medium.weight + 10);
    expect(picked.transactions.map((t) => t.txid)).toEqual([medium.tx.txid]);
    expect(picked.weight).toBe(medium.weight);
  });

  it('leaves out a transaction whose parent is not offered, or is listed after it', () => {
    expect(selectTransactions([highChild, medium], 1_000_000).transactions.map((t) => t.txid)).toEqual([medium.tx.txid]);
    const misordered = selectTransactions([highChild, lowParent], 1_000_000).transactions.map((t) => t.txid);
    expect(misordered).toEqual([lowParent.tx.txid]);
  });

  it('keeps parents before children and stays within the weight on random dependency graphs', () => {
    const graph = fc.array(
      fc.record({ fee: fc.integer({ min: 0, max: 1_000_000 }), weight: fc.integer({ min: 400, max: 4000 }), parents: fc.array(fc.nat(), { maxLength: 3 }) }),
      { minLength: 1, maxLength: 40 },
    );
    fc.assert(
      fc.property(graph, fc.integer({ min: 0, max: 60_000 }), (nodes, maxWeight) => {
        const txs = nodes.map((_, i) => new Transaction({ version: 2, inputs: [], outputs: [], locktime: i }));
        const candidates: TemplateCandidate[] = nodes.map((n, i) => ({
          tx: txs[i]!,
          fee: BigInt(n.fee),
          weight: n.weight,
          parents: i === 0 ? [] : [...new Set(n.parents.map((p) => txs[p % i]!.txid))],
        }));
        const picked = selectTransactions(candidates, maxWeight);
        const position = new Map(picked.transactions.map((t, i) => [t.txid, i]));
        expect(position.size).toBe(picked.transactions.length);
        let weight = 0;
        let fees = 0n;
        for (const c of candidates) {
          const at = position.get(c.tx.txid);
          if (at === undefined) continue;
          weight += c.weight;
          fees += c.fee;
          for (const p of c.parents) expect(position.get(p)).toBeLessThan(at);
        }
        expect(weight).toBe(picked.weight);
        expect(fees).toBe(picked.fees);
        expect(weight).toBeLessThanOrEqual(maxWeight);
      }),
      { numRuns: 200 },
    );
  });
});

describe('createBlockTemplate', () => {
  it('pays subsidy + fees and builds a block that passes the consensus checks once solved', () => {
    const template = createBlockTemplate({
      params: regtest,
      parent: parentOf(chain),
      now: chain.now,
      payoutScript: PAYOUT,
      candidates: { getCandidates: () => [lowParent, medium, highChild] },
    });
    const height = chain.height + 1;
    expect(template.height).toBe(height);
    expect(template.fees).toBe(250_500n);
    expect(template.subsidy).toBe(getBlockSubsidy(height, regtest));
    const coinbase = template.block.transactions[0]!;
    expect(coinbase.outputs[0]!.value).toBe(template.subsidy + template.fees);
    expect(template.block.transactions.slice(1).map((t) => t.txid)).toEqual([lowParent.tx.txid, highChild.tx.txid, medium.tx.txid]);

    const block = solveBlock(template.block);
    checkBlockSanity(block, regtest);
    checkBlockContext(block, headerContext(chain.parentInfo(), regtest, chain.now));
    // The full check, spends and coinbase amount included.
    chain.clone().add(block);
  });

  it('respects the block weight limit less the reserved weight', () => {
    const reservedWeight = regtest.maxBlockWeight - lowParent.weight - highChild.weight;
    const template = createBlockTemplate({
      params: regtest,
      parent: parentOf(chain),
      now: chain.now,
      payoutScript: PAYOUT,
      candidates: [lowParent, medium, highChild],
      reservedWeight,
    });
    expect(template.transactions.map((t) => t.txid)).toEqual([lowParent.tx.txid, highChild.tx.txid]);
    expect(template.block.weight).toBeLessThanOrEqual(regtest.maxBlockWeight);
  });

  it('sets time to max(now, median time past + 1), the required bits and the parent hash', () => {
    const parent = parentOf(chain);
    const early = createBlockTemplate({ params: regtest, parent, now: parent.medianTimePast - 100, payoutScript: PAYOUT });
    expect(early.time).toBe(parent.medianTimePast + 1);
    expect(early.block.header.time).toBe(parent.medianTimePast + 1);
    const late = createBlockTemplate({ params: regtest, parent, now: chain.now, payoutScript: PAYOUT });
    expect(late.time).toBe(chain.now);
    expect(late.bits).toBe(regtest.powLimitBits);
    expect(late.target).toBe(bitsToTarget(regtest.powLimitBits));
    expect(late.block.header.prevHashBytes).toEqual(chain.tip.hashBytes);
    expect(late.block.transactions).toHaveLength(1);
  });

  it('rebuilds the coinbase and merkle root for another extra nonce or time', () => {
    const template = createBlockTemplate({ params: regtest, parent: parentOf(chain), now: chain.now, payoutScript: PAYOUT, candidates: [medium] });
    const rolled = buildTemplateBlock(template, { extraNonce: 7n, time: chain.now + 5 });
    expect(rolled.transactions[0]!.txid).not.toBe(template.block.transactions[0]!.txid);
    expect(rolled.header.merkleRoot).not.toBe(template.block.header.merkleRoot);
    expect(rolled.header.time).toBe(chain.now + 5);
    const solved = solveBlock(rolled);
    checkBlockSanity(solved, regtest);
    checkBlockContext(solved, headerContext(chain.parentInfo(), regtest, chain.now));
  });

  it('refuses a payout script consensus would reject', () => {
    let err: unknown;
    try {
      createBlockTemplate({ params: regtest, parent: parentOf(chain), now: chain.now, payoutScript: Uint8Array.of(0x00, 0x14) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MiningError);
    expect((err as MiningError).code).toBe('bad-payout-script');
  });
});
