/**
 * Every block of the invalid-block table (test/helpers/invalid-blocks.ts),
 * published by a misbehaving peer on the blocks gossip topic, over real libp2p
 * sockets. Topology B — A — evil: A validates before forwarding, so B must
 * never see the block.
 *
 * The verdicts and penalties are PROTOCOL.md §9.2 and §9.4: a consensus
 * failure with score 100 is rejected and bans the sender; a failure with
 * score 0 (`time-too-new`, `bad-txns-inputs-missingorspent`) and a block
 * whose parent is unknown (`prev-blk-not-found`, kept as a bounded orphan)
 * are ignored without blame. Either way A's tip, UTXO set and mempool, and
 * B's, stay as they were, and A answers JSON-RPC within a second throughout.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHAIN_DEFAULTS } from '../../../src/chain/options.js';
import { catchRuleError, payTo, spend, withAlteredWitness } from '../../helpers/chain.js';
import { expectedVerdict, HonestPair, invalidBlockRows, penaltyText, rpcText, sentKind, WAIT_MS, waitFor } from '../../helpers/honest-pair.js';
import type { InvalidBlockCase } from '../../helpers/invalid-blocks.js';
import { recordTrial } from '../../helpers/reliability.js';
import { RPC_LATENCY_BOUND_MS } from '../../helpers/rpc-probe.js';

const pair = new HonestPair('tally-invalid-gossip');
beforeAll(() => pair.start(), 120_000);
afterEach(() => pair.stopEvils());
afterAll(() => pair.stop());
/** Every invalid block sent: none may ever reach B. */
const sent: string[] = [];

/** Gossip messages A has validated so far, whatever the verdict. */
function validated(): number {
  const { accept, ignore, reject } = pair.a.p2p.totals().gossip;
  return accept + ignore + reject;
}

describe('invalid blocks over gossip', () => {
  it.each(invalidBlockRows())('%s', async (_title, c: InvalidBlockCase) => {
    const { a, b } = pair;
    const block = c.build(pair.chain);
    sent.push(block.hash);
    const expected = expectedVerdict(pair.chain, block, c);
    const evil = await pair.evilPeer();
    const before = await pair.states();
    const aGossip = a.p2p.totals().gossip;
    const bGossip = b.p2p.totals().gossip;
    const seen = validated();

    const { rpc } = await pair.probed(async () => {
      expect(await evil.gossipBlock(block.toBytes())).toBe(1);
      await waitFor(() => validated() > seen, 'A to validate the gossiped block', WAIT_MS);
      if (expected.score >= 100) await pair.waitBanned(evil);
    });

    const aNow = a.p2p.totals().gossip;
    if (expected.score >= 100) {
      expect(aNow.reject).toBe(aGossip.reject + 1);
      expect(pair.banOf(evil)?.reason).toBe(`gossip: ${expected.code}`);
      expect(pair.bannedOnDisk(evil.peerId)).toBe(true);
    } else if (expected.score > 0) {
      expect(aNow.reject).toBe(aGossip.reject + 1);
      expect(a.p2p.peerManager.score(evil.peerId)).toBe(expected.score);
      expect(a.p2p.peerManager.isBanned(evil.peerId)).toBe(false);
    } else {
      // Score 0: the block may become valid later (a clock behind, a parent not yet seen).
      expect(aNow.ignore).toBe(aGossip.ignore + 1);
      expect(a.p2p.peerManager.score(evil.peerId)).toBe(0);
      expect(pair.disconnected(evil)).toBe(false);
    }
    expect(aNow.accept).toBe(aGossip.accept);
    expect(await pair.states()).toEqual(before);

    // A mutated copy says nothing of its header: A must not remember that hash as invalid.
    const entry = a.node.chain.getEntry(block.hash);
    if (c.corruptionPossible || expected.undecodable) expect(entry).toBeUndefined();
    else if (expected.error?.scope === 'block') expect(entry?.failed).toBe(true);
    else expect(entry === undefined || entry.failed).toBe(true);
    expect(a.node.chain.orphanCount).toBeLessThanOrEqual(CHAIN_DEFAULTS.maxOrphans);

    // Not forwarded: B, which hears A's gossip in order, gets the next honest block and nothing before it.
    await pair.advance();
    expect(b.node.chain.getEntry(block.hash)).toBeUndefined();
    expect(b.p2p.totals().gossip).toEqual({ ...bGossip, accept: bGossip.accept + 1 });
    expect(rpc.failures).toBe(0);
    expect(rpc.maxMs).toBeLessThan(RPC_LATENCY_BOUND_MS);

    const verdict = expected.undecodable ? 'undecodable, rejected' : expected.score > 0 ? 'rejected' : 'ignored';
    recordTrial({
      area: 'Adversarial peers',
      attack: `invalid block over gossip: ${c.code}, ${c.name} (${sentKind(c, expected)})`,
      times: 1,
      outcome: `${verdict}, ${penaltyText(expected)}, not forwarded, chain and mempool unchanged, ${rpcText(rpc)}`,
    });
  });

  it('a mutated copy under a valid header bans its sender but does not stop the real block', async () => {
    const { a, b, chain } = pair;
    const evil = await pair.evilPeer();
    const coin = chain.coinbaseCoins[5]!;
    const tx = spend([coin], [payTo(1, coin.output.value - 1000n)]);
    const valid = chain.buildBlock({ transactions: [tx] });
    const mutated = withAlteredWitness(valid);
    expect(mutated.hash).toBe(valid.hash);
    expect(catchRuleError(() => chain.validate(mutated)).code).toBe('bad-witness-merkle-match');
    const before = await pair.states();

    const { rpc } = await pair.probed(async () => {
      await evil.gossipBlock(mutated.toBytes());
      await pair.waitBanned(evil, 'the sender of the mutated block');
      expect(pair.banOf(evil)?.reason).toBe('gossip: bad-witness-merkle-match');
      expect(await pair.states()).toEqual(before);
      expect(a.node.chain.getEntry(valid.hash)).toBeUndefined();

      // The real block, from honest B, still connects on A: its gossip message id is the hash
      // of all its bytes, not the header's, so the mutated copy did not make it look seen.
      chain.add(valid);
      expect((await b.node.submitBlock(valid)).status).toBe('connected');
      await waitFor(() => a.node.chain.tip.hashHex === valid.hash, 'A to connect the real block', WAIT_MS);
    });
    expect(b.node.chain.tip.hashHex).toBe(valid.hash);

    // The ban holds against a new connection: A's gater or A itself drops it (the dialer
    // may see its dial succeed first, as it finishes its side of the upgrade before A checks).
    await evil.connect(a.address, { retry: false }).catch(() => undefined);
    await waitFor(() => pair.disconnected(evil), 'A to drop the banned peer again', WAIT_MS);
    expect(a.p2p.peers().map((p) => p.id)).not.toContain(evil.peerId);
    expect(rpc.failures).toBe(0);
    expect(rpc.maxMs).toBeLessThan(RPC_LATENCY_BOUND_MS);
    recordTrial({
      area: 'Adversarial peers',
      attack: 'mutated copy of a valid block (witness altered, same header) over gossip before the real one',
      times: 1,
      outcome: `rejected, sender banned (100), header not condemned, real block then connected from an honest peer, ${rpcText(rpc)}`,
    });
  });

  it('afterwards A and B are in step, B never saw any of the invalid blocks, and A kept B as its only peer', async () => {
    const { a, b } = pair;
    await pair.advance();
    expect(await pair.state(b)).toEqual(await pair.state(a));
    for (const hash of sent) expect(b.node.chain.getEntry(hash)).toBeUndefined();
    await waitFor(() => a.p2p.peers().length === 1, 'the last evil peer to be gone');
    expect(a.p2p.peers().map((p) => p.id)).toEqual([b.p2p.peerId]);
    expect(a.p2p.peerManager.score(b.p2p.peerId)).toBe(0);
  });
});
