/**
 * Moving work between peers once everything wanted is in flight (reassign.ts):
 * synthetic peers and requests, no network.
 */
import { describe, expect, it } from 'vitest';
import { pickSteals, planReassignments, RISKY_STEAL_GAIN_MS, type ReassignView, type StealInputs } from '../../../src/sync/reassign.js';
import { STREAM_WINDOW_BYTES } from '../../../src/network/interface.js';
import { defaultConfig as yamuxDefaults } from '@chainsafe/libp2p-yamux/config';
import { PeerState, type BlockRequest } from '../../../src/sync/peer-state.js';
import type { ChainEntry } from '../../../src/chain/index.js';
import type { SyncPeer } from '../../../src/network/interface.js';

function peer(id: string, bytesPerSecond?: number): PeerState {
  const sync: SyncPeer = { id, status: { network: 'regtest', genesis: '00', tipHash: 'tip', height: 100, chainWork: 100n } };
  const state = new PeerState(sync);
  if (bytesPerSecond !== undefined) Object.assign(state, { bytesPerSecond, latencyMs: 10 });
  return state;
}

/** A peer with every block of the test chain (20). */
function peerWithChain(id: string, bytesPerSecond: number): PeerState {
  const state = peer(id, bytesPerSecond);
  state.availableHeight = () => 20;
  return state;
}

/** A request of `owner` for `hashes`, registered with it (in dispatch order). */
function request(owner: PeerState, hashes: string[], received = 0): BlockRequest {
  const req: BlockRequest = {
    peer: owner, hashes, startedAt: 0, timeoutMs: 10_000, controller: new AbortController(), done: false,
    next: received, received, bytes: received * 1_000, answered: received > 0,
  };
  owner.requests.add(req);
  return req;
}

function steals(over: Partial<StealInputs>): StealInputs {
  return { idle: [], queued: [], holderMs: () => 1_000, takerMs: () => 100, canServe: () => true, ...over };
}

describe('pickSteals', () => {
  it('moves a queued request to an idle peer that would deliver it sooner, one per idle peer', () => {
    const busy = peer('busy', 1_000);
    const [q1, q2] = [request(busy, ['a']), request(busy, ['b'])];
    const [i1, i2, i3] = [peer('i1', 1_000), peer('i2', 1_000), peer('i3', 1_000)];
    const picks = pickSteals(steals({ idle: [i1, i2, i3], queued: [q1, q2] }));
    expect(picks.map((p) => [p.peer.id, p.original.hashes])).toEqual([['i1', ['a']], ['i2', ['b']]]);
  });

  it('asks a risky request for a larger gain', () => {
    const q = request(peer('slow', 100), ['h1']);
    const taker = peer('i', 1_000);
    const gainOf = (ms: number) => steals({ idle: [taker], queued: [q], holderMs: () => 1_000 + ms, takerMs: () => 1_000 });
    expect(pickSteals(gainOf(600))).toHaveLength(1);
    expect(pickSteals({ ...gainOf(600), risky: new Set([q]) })).toEqual([]);
    expect(pickSteals({ ...gainOf(RISKY_STEAL_GAIN_MS + 1), risky: new Set([q]) })).toHaveLength(1);
  });

  it('leaves a request where it is when its holder delivers it as soon, or the idle peer lacks it', () => {
    const busy = peer('busy', 1_000);
    const q = request(busy, ['a']);
    expect(pickSteals(steals({ idle: [peer('i', 1_000)], queued: [q], takerMs: () => 1_000 }))).toEqual([]);
    expect(pickSteals(steals({ idle: [peer('i', 1_000)], queued: [q], canServe: () => false }))).toEqual([]);
    expect(pickSteals(steals({ idle: [busy], queued: [q] }))).toEqual([]);
  });
});

/** Entries named h1..hN at heights 1..N, on one chain. */
function chain(n: number): Map<string, ChainEntry> {
  const entries = new Map<string, ChainEntry>();
  for (let h = 1; h <= n; h++) entries.set(`h${h}`, { height: h, hashHex: `h${h}` } as unknown as ChainEntry);
  return entries;
}

function view(over: Partial<ReassignView> & Pick<ReassignView, 'requests' | 'idle'>, n = 20): ReassignView {
  const entries = chain(n);
  const best = entries.get(`h${n}`)!;
  return {
    peers: [],
    now: 10_000,
    best,
    getEntry: (hash) => entries.get(hash),
    blockBytes: 1_000,
    rateOf: (p) => p.bytesPerSecond ?? 1_000,
    remainingOf: (req) => req.hashes.slice(req.next),
    mayExceed: () => true,
    ...over,
  };
}

describe('planReassignments', () => {
  it('takes over a request its peer has not started serving (nothing received, two older ones still out), before copying anything', () => {
    const loaded = peer('loaded', 1_000);
    const serving = request(loaded, ['h1', 'h2'], 1);
    // The next one may have started already: its peer writes ahead of its link.
    const next = request(loaded, ['h3']);
    const queued = request(loaded, ['h4', 'h5', 'h6', 'h7']);
    const idle = peerWithChain('idle', 1_000);
    const plan = planReassignments(view({ requests: new Set([serving, next, queued]), idle: [idle] }));
    expect(plan.steals.map((s) => [s.peer.id, s.original.hashes])).toEqual([['idle', ['h4', 'h5', 'h6', 'h7']]]);
    expect(plan.copies).toEqual([]);
    // Without the one ahead of it, it might have started: left alone.
    loaded.requests.delete(next);
    expect(planReassignments(view({ requests: new Set([serving, queued]), idle: [idle] })).steals).toEqual([]);
  });

  it('also takes over the request right after the one being served while that one still owes three blocks', () => {
    const loaded = peer('loaded', 1_000);
    const serving = request(loaded, ['h1', 'h2', 'h3', 'h4'], 1);
    const queued = request(loaded, ['h5', 'h6']);
    const idle = peerWithChain('idle', 1_000);
    const plan = planReassignments(view({ requests: new Set([serving, queued]), idle: [idle] }));
    expect(plan.steals.map((s) => s.original)).toEqual([queued]);
  });

  it('leaves the request right after the one being served while that one may have written it out: large blocks', () => {
    const loaded = peer('loaded', 2_000_000);
    const serving = request(loaded, ['h1', 'h2', 'h3', 'h4'], 1);
    const queued = request(loaded, ['h5', 'h6']);
    const idle = peerWithChain('idle', 2_000_000);
    const mb = { requests: new Set([serving, queued]), idle: [idle], blockBytes: 1_000_000 };
    // Three 1 MB blocks owed, one of them arriving: the two left fit the reply's window, so the next may be on the link.
    expect(planReassignments(view(mb)).steals).toEqual([]);
    // Four owed: three besides the one arriving are more than the window, so the next cannot have started.
    loaded.requests.clear();
    const longer = request(loaded, ['h1', 'h2', 'h3', 'h4', 'h5'], 1);
    const after = request(loaded, ['h6', 'h7']);
    expect(planReassignments(view({ ...mb, requests: new Set([longer, after]) })).steals.map((s) => s.original)).toEqual([after]);
  });

  it('takes over the request right after one whose reply has not begun to arrive, once that one owes more than a first window', () => {
    // A peer that accepted two requests and sends nothing: the first may have at most yamux's first window on its way.
    const silent = peer('silent', 500_000);
    const first = request(silent, ['h1', 'h2', 'h3']);
    const second = request(silent, ['h4', 'h5']);
    const idle = peerWithChain('idle', 500_000);
    const plan = planReassignments(view({ requests: new Set([first, second]), idle: [idle], blockBytes: 100_000 }));
    expect(plan.steals.map((s) => s.original)).toEqual([second]);
    // Once the first reply has begun to arrive, its window may have grown: the second may be on its way.
    first.answered = true;
    expect(planReassignments(view({ requests: new Set([first, second]), idle: [idle], blockBytes: 100_000 })).steals).toEqual([]);
  });

  it('takes over a request its peer may have begun to write out only for a gain as large as an endgame copy waits for', () => {
    // 100 kB blocks at 500 kB/s: the one being served (16 blocks) fits its window, so the next may be on its way.
    const loaded = peer('loaded', 500_000);
    const serving = request(loaded, Array.from({ length: 16 }, (_, i) => `h${i + 1}`), 1);
    const next = request(loaded, ['h17', 'h18', 'h19', 'h20']);
    const idle = peerWithChain('idle', 500_000);
    // It waits 15 + 4 blocks (3.8 s) where the idle peer needs 4 (0.8 s): 3 s sooner.
    const plan = planReassignments(view({ requests: new Set([serving, next]), idle: [idle], blockBytes: 100_000 }));
    expect(plan.steals.map((s) => s.original)).toEqual([next]);
    // With three blocks left on the one being served it would gain 0.6 s: enough for a request that
    // cannot have started, too little for what may be lost.
    serving.next = 13;
    expect(planReassignments(view({ requests: new Set([serving, next]), idle: [idle], blockBytes: 100_000 })).steals).toEqual([]);
  });

  it('takes over a third request of large blocks: the one before it has not begun to arrive, so it cannot be written out whole', () => {
    const loaded = peer('loaded', 2_000_000);
    const serving = request(loaded, ['h1', 'h2'], 1);
    const next = request(loaded, ['h3']);
    const queued = request(loaded, ['h4', 'h5']);
    const idle = peerWithChain('idle', 2_000_000);
    const plan = planReassignments(view({ requests: new Set([serving, next, queued]), idle: [idle], blockBytes: 1_000_000 }));
    expect(plan.steals.map((s) => s.original)).toEqual([queued]);
  });

  it('assumes the initial stream window yamux grants', () => {
    expect(STREAM_WINDOW_BYTES.initial).toBe(yamuxDefaults.streamOptions.initialStreamWindowSize);
  });

  it('never takes over the request its peer is serving: that one may only be copied, by a much faster peer', () => {
    const slow = peer('slow', 1_000);
    const serving = request(slow, ['h1', 'h2']);
    const fast = peer('fast', 100_000);
    fast.availableHeight = () => 20;
    const plan = planReassignments(view({ requests: new Set([serving]), idle: [fast] }));
    expect(plan.steals).toEqual([]);
    expect(plan.copies.map((c) => [c.peer.id, c.original.peer.id])).toEqual([['fast', 'slow']]);
  });
});
