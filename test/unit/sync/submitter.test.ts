import { describe, expect, it } from 'vitest';
import { blockError } from '../../../src/consensus/errors.js';
import type { SyncPeer } from '../../../src/network/interface.js';
import type { Block } from '../../../src/primitives/block.js';
import type { SyncContext } from '../../../src/sync/context.js';
import { PeerState } from '../../../src/sync/peer-state.js';
import { ReceivedBlocks } from '../../../src/sync/received.js';
import { BlockSubmitter } from '../../../src/sync/submitter.js';
import { silentLogger } from '../../../src/util/logger.js';

function peer(id: string): PeerState {
  const sync: SyncPeer = { id, status: { network: 'regtest', genesis: '00', tipHash: 'tip', height: 100, chainWork: 100n } };
  return new PeerState(sync);
}

const block = (hash: string) => ({ hash, size: 100 }) as unknown as Block;

/** A sync context whose node answers each block from `verdicts` (a status, or an error to throw). */
function harness(verdicts: Record<string, 'side' | 'connected' | Error>) {
  const submitted: string[][] = [];
  const punished: [string, number, string][] = [];
  const tasks: Promise<unknown>[] = [];
  let group: string[] | undefined;
  const ctx = {
    node: {
      submitBlock: async (b: Block) => {
        // Calls made in one turn form one group, as the chain batches them.
        if (!group) { group = []; submitted.push(group); queueMicrotask(() => { group = undefined; }); }
        group.push(b.hash);
        const verdict = verdicts[b.hash]!;
        if (verdict instanceof Error) throw verdict;
        return { status: verdict };
      },
    },
    log: silentLogger,
    punish: (peerId: string, score: number, reason: string) => punished.push([peerId, score, reason]),
    schedule: () => undefined,
    track: (task: Promise<unknown>) => tasks.push(task),
    isRunning: () => true,
  } as unknown as SyncContext;
  const pending = new ReceivedBlocks({ maxQueuedBlocks: 100, maxQueuedBytes: 1e6 });
  const settle = async () => { for (let i = 0; i < 10 && tasks.length > 0; i++) await Promise.all(tasks.splice(0)); };
  return { ctx, pending, submitted, punished, settle };
}

describe('BlockSubmitter', () => {
  it('hands blocks received together to the node together, in order, and clears them from pending', async () => {
    const h = harness({ a: 'connected', b: 'connected', c: 'connected' });
    const submitter = new BlockSubmitter(h.ctx, h.pending, 16);
    const from = peer('p1');
    for (const hash of ['a', 'b', 'c']) {
      h.pending.add(hash, 100);
      submitter.push(from, block(hash));
    }
    await h.settle();
    expect(h.submitted.flat()).toEqual(['a', 'b', 'c']);
    expect(h.pending.size).toBe(0);
    expect(h.punished).toEqual([]);
  });

  it("charges the sender an invalid block's penalty, and skips the blocks of a banned peer", async () => {
    const h = harness({ bad: blockError('bad-txnmrklroot', 'merkle root mismatch'), later: 'connected' });
    const submitter = new BlockSubmitter(h.ctx, h.pending, 16);
    const liar = peer('liar');
    h.pending.add('bad', 100);
    submitter.push(liar, block('bad'));
    await h.settle();
    expect(h.punished.map(([id, , reason]) => [id, reason])).toEqual([['liar', 'bad-txnmrklroot']]);
    expect(h.punished[0]![1]).toBeGreaterThan(0);
    liar.banned = true;
    h.pending.add('later', 100);
    submitter.push(liar, block('later'));
    await h.settle();
    expect(h.submitted.flat()).toEqual(['bad']);
    expect(h.pending.has('later')).toBe(false);
  });
});
