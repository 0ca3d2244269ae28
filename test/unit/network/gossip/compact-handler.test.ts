/**
 * The compact block handler behind the gossip processor and the penalty
 * function: the verdict and penalty for each way a compact block can go
 * (rebuilt from the pool, completed by getblocktxn, a short-id collision of
 * ours, a lying compact block or answer, bad proof of work, an unserved block).
 * The chain is a TestChain judged by its real consensus checks; the peer's side
 * (getblocktxn and block answers) is scripted per test.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ChainEntry } from '../../../../src/chain/index.js';
import { checkBlockHeader } from '../../../../src/consensus/block-checks.js';
import { regtest } from '../../../../src/consensus/params.js';
import { CompactGossip } from '../../../../src/network/gossip/compact/handler.js';
import { compactBlockOf, encodeCompactBlock, type BlockTxnRequest, type CompactBlock } from '../../../../src/network/gossip/compact/message.js';
import { GossipProcessor } from '../../../../src/network/gossip/processor.js';
import type { Block } from '../../../../src/primitives/block.js';
import type { Transaction } from '../../../../src/primitives/tx.js';
import { payTo, spend, TestChain } from '../../../helpers/chain.js';

const TOPIC = '/tally/regtest/cmpctblock/1';
const PEER = 'peer-a';

let chain: TestChain;
let block: Block;
let txs: Transaction[];
let pool: Transaction[];
let answer: (req: BlockTxnRequest) => Transaction[];
let served: () => Block | undefined;
let asked: BlockTxnRequest[];
let verdicts: string[];
let penalties: [string, number, string][];
let headersAskedOf: string[];
let gossip: CompactGossip;
let processor: GossipProcessor;

beforeEach(() => {
  chain = new TestChain();
  chain.matureCoin(5);
  txs = chain.coinbaseCoins.slice(0, 6).map((coin, i) => spend([coin], [payTo(i + 1, coin.output.value - 1_000n)]));
  block = chain.buildBlock({ transactions: txs, fees: 6_000n });
  pool = [...txs];
  answer = (req) => req.indexes.map((i) => block.transactions[i]!);
  served = () => block;
  [asked, verdicts, penalties, headersAskedOf] = [[], [], [], []];
  const stored = new Set<string>();
  gossip = new CompactGossip({ blockTxnTimeoutMs: 1_000, lateMs: 60_000 }, {
    chain: {
      params: regtest,
      hasBlock: (hash) => stored.has(hash),
      getEntry: (hash) => (chain.blocks.some((b) => b.hash === hash) ? ({} as ChainEntry) : undefined),
    },
    submitBlock: async (b) => {
      chain.validate(b);
      stored.add(b.hash);
      return { status: 'connected', entry: { chainWork: 1n, hashHex: b.hash, height: chain.height + 1 } as ChainEntry };
    },
    fromNetwork: () => undefined,
    lowWork: () => false,
    requestHeadersFrom: (peer) => headersAskedOf.push(peer),
    handshake: () => undefined,
    pool: () => pool,
    getBlockTxn: async (_peer, req) => {
      asked.push(req);
      return answer(req);
    },
    getBlock: async () => served(),
    republish: () => undefined,
  });
  processor = new GossipProcessor(new Map([[TOPIC, { context: 'gossip-block', handler: gossip.handle }]]), {
    peers: { isBanned: () => false, penalize: (peer, score, reason) => penalties.push([peer, score, reason]) },
    report: (_msgId, _from, acceptance) => verdicts.push(acceptance),
  });
});

async function deliver(compact: CompactBlock | Uint8Array): Promise<void> {
  const data = compact instanceof Uint8Array ? compact : encodeCompactBlock(compact);
  await processor.onMessage({ msgId: 'm', from: PEER, topic: TOPIC, data });
}

describe('compact block handler: honest cases', () => {
  it('rebuilt from the pool alone: accept, nothing asked', async () => {
    await deliver(compactBlockOf(block, 1n));
    expect([verdicts, penalties, asked]).toEqual([['accept'], [], []]);
    expect(gossip.stats).toEqual({ fromPool: 1, withBlockTxn: 0, txsRequested: 0, fullBlocks: 0 });
  });

  it('missing transactions are asked of the sender by index, then accept', async () => {
    pool = [txs[0]!, txs[2]!, txs[3]!, txs[5]!];
    await deliver(compactBlockOf(block, 1n));
    expect(asked).toEqual([{ hash: block.hash, indexes: [2, 5] }]);
    expect([verdicts, penalties]).toEqual([['accept'], []]);
    expect(gossip.stats).toEqual({ fromPool: 0, withBlockTxn: 1, txsRequested: 2, fullBlocks: 0 });
  });

  it('a short-id collision of ours (a wrong transaction rebuilt in): the full block, accept, no penalty', async () => {
    const stranger = spend([chain.coinbaseCoins[7]!], [payTo(9, 1_000n)]);
    // Stands in for txs[2] under the short id of txs[2] (a 48-bit collision), while txs[2] itself never reached us.
    const colliding = Object.defineProperty(Object.create(stranger), 'wtxidBytes', { value: txs[2]!.wtxidBytes }) as Transaction;
    pool = [...txs.filter((t) => t !== txs[2]), colliding];
    await deliver(compactBlockOf(block, 1n));
    expect([verdicts, penalties]).toEqual([['accept'], []]);
    expect(gossip.stats.fullBlocks).toBe(1);
  });

  it('a block whose parent we lack: headers asked of the sender, ignore', async () => {
    const fork = chain.clone();
    fork.add(block);
    const next = fork.buildBlock();
    await deliver(compactBlockOf(next, 1n));
    expect([verdicts, penalties, headersAskedOf]).toEqual([['ignore'], [], [PEER]]);
  });

  it('an unanswered getblocktxn falls back to the full block', async () => {
    pool = [txs[0]!];
    answer = () => {
      throw new Error('timed out');
    };
    await deliver(compactBlockOf(block, 1n));
    expect([verdicts, penalties]).toEqual([['accept'], []]);
    expect(gossip.stats.fullBlocks).toBe(1);
  });
});

describe('compact block handler: the sender is penalized only for what no honest peer sends', () => {
  it('swapped short ids (a mutated compact block): reject, cmpctblock-mismatch, 100', async () => {
    const compact = compactBlockOf(block, 1n);
    const [a, b, ...rest] = compact.shortIds;
    await deliver({ ...compact, shortIds: [b!, a!, ...rest] });
    expect([verdicts, penalties]).toEqual([['reject'], [[PEER, 100, 'gossip: cmpctblock-mismatch']]]);
  });

  it('a blocktxn answer with other transactions: reject, blocktxn-mismatch, 100', async () => {
    pool = [txs[0]!, txs[2]!, txs[3]!, txs[5]!];
    answer = () => [txs[4]!, txs[1]!];
    await deliver(compactBlockOf(block, 1n));
    expect([verdicts, penalties]).toEqual([['reject'], [[PEER, 100, 'gossip: blocktxn-mismatch']]]);
  });

  it('a header failing its proof of work: reject, high-hash, 100, before any work', async () => {
    let header = block.header;
    for (let nonce = 1; ; nonce++) {
      header = block.header.with({ nonce });
      try {
        checkBlockHeader(header, regtest);
      } catch {
        break;
      }
    }
    await deliver({ ...compactBlockOf(block, 1n), header });
    expect([verdicts, penalties, asked]).toEqual([['reject'], [[PEER, 100, 'gossip: high-hash']], []]);
  });

  it('a compact block whose sender then does not serve the block: reject, cmpctblock-unserved, 20', async () => {
    const compact = compactBlockOf(block, 1n);
    served = () => undefined;
    await deliver({ ...compact, shortIds: [...compact.shortIds].reverse() });
    expect([verdicts, penalties]).toEqual([['reject'], [[PEER, 20, 'gossip: cmpctblock-unserved']]]);
  });

  it('undecodable bytes: reject, malformed-message, 20', async () => {
    await deliver(encodeCompactBlock(compactBlockOf(block, 1n)).subarray(0, 100));
    expect([verdicts, penalties]).toEqual([['reject'], [[PEER, 20, 'gossip: malformed-message']]]);
  });

  it('a second copy of a block we have: ignore, no work', async () => {
    await deliver(compactBlockOf(block, 1n));
    await deliver(compactBlockOf(block, 2n));
    expect([verdicts, penalties]).toEqual([['accept', 'ignore'], []]);
    expect(gossip.stats.fromPool).toBe(1);
  });
});
