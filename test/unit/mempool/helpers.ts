/**
 * Mempool test fixtures: a MempoolChain over TestChain's in-memory UTXO set,
 * a funded chain built once per test file and cloned per test, a fake clock,
 * and small builders for signed transactions.
 */
import { COIN } from '../../../src/consensus/constants.js';
import type { Coin } from '../../../src/consensus/coins.js';
import { scriptFromSecret, signTaprootInputs } from '../../../src/primitives/sign.js';
import { Transaction, type OutPoint, type TxOutput } from '../../../src/primitives/tx.js';
import { Mempool } from '../../../src/mempool/mempool.js';
import type { MempoolChain, MempoolEntry, MempoolLogger, MempoolModules, RemovalReason } from '../../../src/mempool/interface.js';
import type { MempoolOptions } from '../../../src/mempool/options.js';
import { ownedOutput, testKey, TestChain, type OwnedCoin } from '../../helpers/chain.js';

/** MempoolChain over a TestChain; `chain` may be swapped to simulate a reorg. */
export class TestMempoolChain implements MempoolChain {
  constructor(public chain: TestChain) {}
  get params(): TestChain['params'] {
    return this.chain.params;
  }
  tipHeight(): number {
    return this.chain.height;
  }
  medianTimePast(): number {
    return this.chain.parentInfo().medianTimePast;
  }
  async getCoin(prevout: OutPoint): Promise<Coin | undefined> {
    return this.chain.view.getCoin(prevout);
  }
}

/** Key index that owns every coin the fixtures create. */
export const OWNER = 1;
export const FUNDING_COINS = 40;
/** OWNER's scriptPubKey, derived once: deriving a taproot key costs milliseconds. */
const OWNER_SCRIPT = scriptFromSecret(testKey(OWNER));

/** An output paying `value` to OWNER. */
export function toOwner(value: bigint): TxOutput {
  return { value, scriptPubKey: OWNER_SCRIPT };
}

let base: { chain: TestChain; coins: OwnedCoin[] } | undefined;

/** A chain past coinbase maturity with 40 confirmed 1-coin outputs owned by `testKey(OWNER)`. */
function baseChain(): { chain: TestChain; coins: OwnedCoin[] } {
  if (base) return base;
  const chain = new TestChain();
  const coinbase = chain.matureCoin(0);
  const funding = signed([coinbase], Array.from({ length: FUNDING_COINS }, () => toOwner(COIN)));
  chain.add(chain.buildBlock({ transactions: [funding] }));
  base = { chain, coins: funding.outputs.map((_, i) => ownedOutput(funding, i, OWNER)) };
  return base;
}

/** A recording logger. */
export function testLogger(): MempoolLogger & { lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  return {
    lines,
    debug: (msg) => void lines.push({ level: 'debug', msg: String(msg) }),
    info: (msg) => void lines.push({ level: 'info', msg: String(msg) }),
    warn: (msg) => void lines.push({ level: 'warn', msg: String(msg) }),
    error: (msg) => void lines.push({ level: 'error', msg: String(msg) }),
  };
}

export interface Fixture {
  chain: TestChain;
  adapter: TestMempoolChain;
  coins: OwnedCoin[];
  mempool: Mempool;
  clock: { now: number };
  logger: ReturnType<typeof testLogger>;
  removed: { txid: string; reason: RemovalReason }[];
  added: MempoolEntry[];
}

/** A fresh pool over a clone of the funded chain, recording its events. */
export function setup(opts: Partial<MempoolOptions> = {}, modules: Partial<MempoolModules> = {}): Fixture {
  const { chain: shared, coins } = baseChain();
  const chain = shared.clone();
  const adapter = new TestMempoolChain(chain);
  const clock = { now: chain.now };
  const logger = testLogger();
  const mempool = new Mempool(opts, { chain: adapter, clock: () => clock.now, logger, ...modules });
  const removed: Fixture['removed'] = [];
  const added: MempoolEntry[] = [];
  mempool.on('removed', (entry, reason) => removed.push({ txid: entry.txid, reason }));
  mempool.on('added', (entry) => added.push(entry));
  return { chain, adapter, coins, mempool, clock, logger, removed, added };
}

/** Signs a transaction spending `coins` (version 2, final sequence-less RBF style like `spend`). */
export function signed(coins: readonly OwnedCoin[], outputs: TxOutput[], fields: { version?: number; locktime?: number; sequence?: number } = {}): Transaction {
  const unsigned = new Transaction({
    version: fields.version ?? 2,
    inputs: coins.map((c) => ({ prevout: c.prevout, scriptSig: new Uint8Array(0), sequence: fields.sequence ?? 0xfffffffd, witness: [] })),
    outputs,
    locktime: fields.locktime ?? 0,
  });
  return signTaprootInputs(unsigned, coins.map((c) => c.output), coins.map((c) => c.key));
}

/** Spends `coins` to `count` equal outputs owned by OWNER, paying `fee`. */
export function pay(coins: readonly OwnedCoin[], fee: bigint, count = 1): Transaction {
  const total = coins.reduce((sum, c) => sum + c.output.value, 0n) - fee;
  const each = total / BigInt(count);
  const outputs = Array.from({ length: count }, (_, i) => toOwner(i === count - 1 ? total - each * BigInt(count - 1) : each));
  return signed(coins, outputs);
}

/** Output `vout` of `tx` as a spendable coin (every fixture output is owned by OWNER). */
export function out(tx: Transaction, vout = 0): OwnedCoin {
  return ownedOutput(tx, vout, OWNER);
}

/** A coin that does not exist anywhere, owned by OWNER (for orphans and missing inputs). */
export function phantomCoin(seed: number, value = COIN): OwnedCoin {
  const txid = new Uint8Array(32).fill(seed & 0xff);
  txid[0] = 0xee;
  return { prevout: { txid, vout: seed >>> 8 }, output: toOwner(value), key: testKey(OWNER) };
}

/** Awaits `promise` and returns the `code` it rejects with (fails when it resolves). */
export async function rejectCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: string }).code ?? `uncoded: ${String(err)}`;
  }
  throw new Error('expected a rejection');
}
