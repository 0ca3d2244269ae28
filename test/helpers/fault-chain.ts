/**
 * Chains with transactions for the fault tests (kill -9, full disk, damaged
 * databases): regtest blocks that spend coins, written into a datadir by a real
 * in-process Chain; the UTXO digest of a datadir checked against the one
 * `--reindex` rebuilds; JSON-RPC calls to a `tally node` process; and a seeded
 * random source so that a failing run can be replayed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { Chain, type BatchVerifier } from '../../src/chain/chain.js';
import type { UtxoDigest } from '../../src/chain/chaindb.js';
import { regtest } from '../../src/consensus/params.js';
import type { Block } from '../../src/primitives/block.js';
import { SIGHASH_DEFAULT, TaprootSigHasher } from '../../src/primitives/sighash.js';
import { taprootTweakSecretKey } from '../../src/primitives/signature.js';
import { Transaction, type TxOutput } from '../../src/primitives/tx.js';
import { ownedOutput, payTo, TestChain, testKey, type OwnedCoin } from './chain.js';

// Fixtures need thousands of signatures: libsecp256k1 (WebAssembly) makes them ~50x faster than
// the pure-JavaScript signer in src/primitives/sign.ts. They are ordinary BIP340 signatures.
const tiny = await import('tiny-secp256k1');
const tweakedKeys = new Map<string, Uint8Array>();

/** A signed one-input key-path spend of `coin` (as `spend` in chain.ts, faster). */
function fastSpend(coin: OwnedCoin, outputs: TxOutput[]): Transaction {
  const unsigned = new Transaction({
    version: 2,
    inputs: [{ prevout: coin.prevout, scriptSig: new Uint8Array(0), sequence: 0xfffffffd, witness: [] }],
    outputs,
    locktime: 0,
  });
  const id = Buffer.from(coin.key).toString('hex');
  let key = tweakedKeys.get(id);
  if (!key) tweakedKeys.set(id, (key = taprootTweakSecretKey(coin.key)));
  const sig = tiny.signSchnorr(new TaprootSigHasher(unsigned, [coin.output]).hash(0, SIGHASH_DEFAULT), key);
  return new Transaction({ ...unsigned, inputs: [{ ...unsigned.inputs[0]!, witness: [sig] }] });
}

export { seededRandom } from './random.js';

/**
 * A TestChain with a wallet: each block it mines carries transactions that
 * spend mature coinbases and earlier outputs, one input and two outputs each.
 * Branches forked from one tip spend the same coins with different fees, so a
 * reorganization between them swaps conflicting spends.
 */
export class TxChain {
  constructor(
    readonly chain: TestChain = new TestChain(regtest),
    private readonly coins: OwnedCoin[] = [],
    private nextCoinbase = 0,
    private readonly fee = 1000n,
  ) {}

  /** Blocks after genesis. */
  get blocks(): Block[] {
    return this.chain.blocks.slice(1);
  }

  /** Mines `n` blocks with up to `txs` transactions each; returns them. */
  mine(n: number, txs: number): Block[] {
    const out: Block[] = [];
    for (let i = 0; i < n; i++) {
      const height = this.chain.height + 1;
      const maturity = this.chain.params.coinbaseMaturity;
      while (this.nextCoinbase < this.chain.coinbaseCoins.length && this.nextCoinbase + 1 + maturity <= height) {
        this.coins.push(this.chain.coinbaseCoins[this.nextCoinbase++]!);
      }
      const spent = this.coins.splice(0, txs);
      const transactions = spent.map((c) => {
        const half = (c.output.value - this.fee) / 2n;
        return fastSpend(c, [payTo(1, half), payTo(2, c.output.value - this.fee - half)]);
      });
      // Unchecked (no signature verification here): the real Chain that stores these blocks checks them all.
      out.push(this.chain.addUnchecked(this.chain.buildBlock({ transactions, fees: this.fee * BigInt(transactions.length) })));
      for (const tx of transactions) this.coins.push(ownedOutput(tx, 0, 1), ownedOutput(tx, 1, 2));
    }
    return out;
  }

  /** A branch from this chain's tip whose blocks (other miner key) and spends (other fee) differ. */
  branch(index: number): TxChain {
    const chain = this.chain.fork(this.chain.height, { minerKey: testKey(100 + index) });
    return new TxChain(chain, [...this.coins], this.nextCoinbase, this.fee + BigInt(index));
  }
}

/** Takes every signature as valid: for seeding datadirs with TxChain's own blocks only. */
const trustingVerifier: BatchVerifier = { verify: async () => -1 };

/**
 * Writes `blocks` (in order) into the chain database of `datadir` through a real
 * Chain. Signatures are not checked here (TxChain made them; every other rule
 * is): the nodes under test check them all again when they sync or reindex.
 */
export async function seedDatadir(datadir: string, blocks: readonly Block[]): Promise<void> {
  const chain = new Chain({ path: join(datadir, 'chain'), params: regtest }, { verifier: trustingVerifier });
  await chain.open();
  try {
    for (const block of blocks) await chain.processBlock(block);
  } finally {
    await chain.close();
  }
}

export interface ChainState {
  height: number;
  tip: string;
  digest: UtxoDigest;
}

/** Height, tip and UTXO digest of the chain in `datadir` (the node must be stopped). */
export async function chainState(datadir: string, opts: { reindex?: boolean } = {}): Promise<ChainState> {
  const chain = new Chain({ path: join(datadir, 'chain'), params: regtest });
  await chain.open(opts);
  try {
    return { height: chain.height, tip: chain.tip.hashHex, digest: await chain.utxoDigest() };
  } finally {
    await chain.close();
  }
}

/**
 * The state of `datadir` as the node left it, asserting that `--reindex` (a
 * rebuild from the stored blocks, `Chain.open({ reindex: true })`) gives the
 * same tip and the same UTXO digest.
 */
export async function expectStateEqualsReindex(datadir: string): Promise<ChainState> {
  const stored = await chainState(datadir);
  const rebuilt = await chainState(datadir, { reindex: true });
  expect(rebuilt.tip).toBe(stored.tip);
  expect(rebuilt.digest).toEqual(stored.digest);
  return stored;
}

/** A JSON-RPC client for a `tally node` process (cookie auth), from its "RPC: http://..." line. */
export function rpcClient(rpcLine: string, datadir: string): (method: string, ...params: unknown[]) => Promise<unknown> {
  const url = /RPC: (http:\/\/\S+)/.exec(rpcLine)?.[1];
  if (!url) throw new Error(`not an RPC line: ${rpcLine}`);
  const auth = `Basic ${Buffer.from(readFileSync(join(datadir, '.cookie'), 'utf8')).toString('base64')}`;
  return async (method, ...params) => {
    const res = await fetch(url, { method: 'POST', headers: { authorization: auth }, body: JSON.stringify({ method, params, id: 1 }), signal: AbortSignal.timeout(20_000) });
    const body = (await res.json()) as { result?: unknown; error?: { message: string } | null };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result;
  };
}
