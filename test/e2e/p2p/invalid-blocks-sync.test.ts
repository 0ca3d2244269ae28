/**
 * Every block of the invalid-block table (test/helpers/invalid-blocks.ts),
 * fetched by sync from a misbehaving peer over real libp2p sockets. The evil
 * peer announces the block as its tip in the status handshake (one block of
 * work more than A's tip), answers A's headers request with its header, and
 * its blocks request with its bytes. Topology B — A — evil.
 *
 * PROTOCOL.md §9.3 and §9.4: a header is checked before it is stored, so a
 * header that fails (proof of work, difficulty, time, unknown parent) is
 * refused before any body is asked for; a body that fails is rejected when it
 * arrives. The sender is charged the rule's score (100 bans it); score 0
 * (`time-too-new`, `prev-blk-not-found`) is no fault. A mutated body leaves
 * its header valid, so the real block can still come; any other failure marks
 * the hash invalid. Either way A's tip, UTXO set and mempool, and B's, stay as
 * they were, A's header index grows by at most that one header, and A answers
 * JSON-RPC within a second throughout.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EvilPeer } from '../../helpers/evil-peer.js';
import { expectedVerdict, HonestPair, invalidBlockRows, penaltyText, rpcText, sentKind, WAIT_MS, waitFor, type Expected } from '../../helpers/honest-pair.js';
import type { InvalidBlockCase } from '../../helpers/invalid-blocks.js';
import { recordTrial } from '../../helpers/reliability.js';
import { RPC_LATENCY_BOUND_MS } from '../../helpers/rpc-probe.js';

const pair = new HonestPair('tally-invalid-sync');
beforeAll(() => pair.start(), 120_000);
afterEach(() => pair.stopEvils());
afterAll(() => pair.stop());
/** Every invalid block sent: none may ever reach B. */
const sent: string[] = [];

/** Waits until A has judged what `evil` served, by the outcome `expected` predicts. */
async function judged(evil: EvilPeer, expected: Expected, headerFails: boolean, claim: Parameters<EvilPeer['handshake']>[0]): Promise<void> {
  const { a } = pair;
  await evil.waitForRequests(headerFails ? 'headers' : 'blocks', 1, WAIT_MS);
  if (expected.score >= 100) {
    await pair.waitBanned(evil);
  } else if (expected.score > 0) {
    await waitFor(() => a.p2p.peerManager.score(evil.peerId) >= expected.score, `a penalty of ${expected.score}`, WAIT_MS);
  } else if (headerFails) {
    // Nothing to see on A when a header is refused without blame. A status update makes A ask
    // the peer again, and A only does so once it has finished with the first reply.
    await evil.handshake(claim);
    await evil.waitForRequests('headers', 2, WAIT_MS);
  } else {
    await waitFor(() => a.node.chain.getEntry(evil.served.blocks[0]![0]!)?.failed === true, 'A to mark the block invalid', WAIT_MS);
  }
}

describe('invalid blocks over sync', () => {
  it.each(invalidBlockRows())('%s', async (_title, c: InvalidBlockCase) => {
    const { a, b } = pair;
    const block = c.build(pair.chain);
    sent.push(block.hash);
    const expected = expectedVerdict(pair.chain, block, c);
    // Only the header is checked before the body is asked for.
    const headerFails = expected.error?.scope === 'header';
    const before = await pair.states();
    const headersBefore = pair.headerCount();
    const claim = pair.claimAbove(block.hash);

    const { value: evil, rpc } = await pair.probed(async () => {
      const evil = await pair.evilPeer({
        serve: { headers: () => [block.header], blocks: (hashes) => (hashes.includes(block.hash) ? [block.toBytes()] : []) },
        handshake: claim,
      });
      await judged(evil, expected, headerFails, claim);
      return evil;
    });

    if (expected.score >= 100) {
      expect(pair.banOf(evil)?.reason).toBe(expected.code);
      expect(pair.bannedOnDisk(evil.peerId)).toBe(true);
    } else {
      expect(a.p2p.peerManager.score(evil.peerId)).toBeGreaterThanOrEqual(expected.score);
      expect(a.p2p.peerManager.isBanned(evil.peerId)).toBe(false);
    }
    expect(evil.served.blocks.length > 0).toBe(!headerFails);
    expect(await pair.states()).toEqual(before);

    // The header is stored only when it is valid; a failing body marks it invalid unless
    // it may be a mutated copy (or never decoded), which says nothing of the header.
    const entry = a.node.chain.getEntry(block.hash);
    if (headerFails) expect(entry).toBeUndefined();
    else if (c.corruptionPossible || expected.undecodable) expect(entry).toMatchObject({ failed: false, haveData: false });
    else expect(entry?.failed).toBe(true);
    expect(pair.headerCount() - headersBefore).toBe(headerFails ? 0 : 1);

    await pair.advance();
    expect(b.node.chain.getEntry(block.hash)).toBeUndefined();
    expect(rpc.failures).toBe(0);
    expect(rpc.maxMs).toBeLessThan(RPC_LATENCY_BOUND_MS);

    const where = headerFails ? 'header refused before the body was asked for' : expected.undecodable ? 'body undecodable' : 'body rejected';
    const kept = headerFails ? 'header not stored' : c.corruptionPossible || expected.undecodable ? 'header kept valid' : 'hash marked invalid';
    recordTrial({
      area: 'Adversarial peers',
      attack: `invalid block over sync: ${c.code}, ${c.name} (${sentKind(c, expected)})`,
      times: 1,
      outcome: `${where}, ${penaltyText(expected)}, ${kept}, not forwarded, chain and mempool unchanged, ${rpcText(rpc)}`,
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
