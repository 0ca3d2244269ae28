/** The gossip topic table (src/network/gossip/processor.ts): dispatch, verdicts and penalties, unknown topics. */
import { describe, expect, it } from 'vitest';
import { GossipProcessor, type GossipTopic } from '../../../../src/network/gossip/processor.js';
import type { Acceptance, Verdict } from '../../../../src/network/penalty.js';
import { P2PError } from '../../../../src/network/errors.js';

function setup(table: [string, GossipTopic][], banned: string[] = []) {
  const reports: [string, string, Acceptance][] = [];
  const penalties: [string, number, string][] = [];
  const processor = new GossipProcessor(new Map(table), {
    peers: { isBanned: (p) => banned.includes(p), penalize: (p, s, r) => penalties.push([p, s, r]) },
    report: (msgId, from, acceptance) => reports.push([msgId, from, acceptance]),
  });
  return { processor, reports, penalties };
}

const accept = async (): Promise<Verdict> => ({ acceptance: 'accept', penalty: 0 });
const data = new Uint8Array([1]);

describe('GossipProcessor', () => {
  it('hands each topic to its own handler and reports its verdict', async () => {
    const seen: string[] = [];
    const { processor, reports } = setup([
      ['blocks', { context: 'gossip-block', handler: async () => (seen.push('blocks'), accept()) }],
      ['txs', { context: 'gossip-tx', handler: async () => (seen.push('txs'), accept()) }],
    ]);
    expect(processor.topics()).toEqual(['blocks', 'txs']);
    await processor.onMessage({ msgId: 'm1', from: 'p', topic: 'txs', data });
    await processor.onMessage({ msgId: 'm2', from: 'p', topic: 'blocks', data });
    expect(seen).toEqual(['txs', 'blocks']);
    expect(reports).toEqual([['m1', 'p', 'accept'], ['m2', 'p', 'accept']]);
  });

  it('rejects a message on an unknown topic instead of handing it to another handler', async () => {
    let called = false;
    const { processor, reports, penalties } = setup([['txs', { context: 'gossip-tx', handler: async () => ((called = true), accept()) }]]);
    await processor.onMessage({ msgId: 'm', from: 'p', topic: 'other', data });
    expect(called).toBe(false);
    expect(reports).toEqual([['m', 'p', 'reject']]);
    expect(penalties).toEqual([['p', 20, 'gossip: malformed-message']]);
  });

  it('judges a failing handler in its topic context through the penalty function', async () => {
    const { processor, reports, penalties } = setup([
      ['blocks', { context: 'gossip-block', handler: async () => { throw new P2PError('malformed-message', 'junk'); } }],
    ]);
    await processor.onMessage({ msgId: 'm', from: 'p', topic: 'blocks', data });
    expect(reports).toEqual([['m', 'p', 'reject']]);
    expect(penalties).toEqual([['p', 20, 'gossip: malformed-message']]);
  });

  it('rejects without a penalty what a banned peer sends, and reports nothing for a held verdict', async () => {
    const { processor, reports, penalties } = setup([['txs', { context: 'gossip-tx', handler: async () => undefined }]], ['bad']);
    await processor.onMessage({ msgId: 'm1', from: 'bad', topic: 'txs', data });
    await processor.onMessage({ msgId: 'm2', from: 'ok', topic: 'txs', data });
    expect(reports).toEqual([['m1', 'bad', 'reject']]);
    expect(penalties).toEqual([]);
  });
});
