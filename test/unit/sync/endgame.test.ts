import { describe, expect, it } from 'vitest';
import { matchIdlePeers, pickEndgame, type EndgameInputs } from '../../../src/sync/endgame.js';
import { PeerState, type BlockRequest } from '../../../src/sync/peer-state.js';
import type { SyncPeer } from '../../../src/network/interface.js';

function peer(id: string, measured?: { latencyMs: number; bytesPerSecond: number }, stalls = 0): PeerState {
  const sync: SyncPeer = { id, status: { network: 'regtest', genesis: '00', tipHash: 'tip', height: 100, chainWork: 100n } };
  const state = new PeerState(sync);
  if (measured) Object.assign(state, measured);
  state.stalls = stalls;
  return state;
}

function request(owner: PeerState, hashes: string[], startedAt: number, twin?: BlockRequest): BlockRequest {
  return { peer: owner, hashes, startedAt, timeoutMs: 10_000, controller: new AbortController(), done: false, next: 0, received: 0, bytes: 0, answered: false, twin };
}

function inputs(over: Partial<EndgameInputs>): EndgameInputs {
  return {
    idle: [],
    open: [],
    now: 10_000,
    blockBytes: 1_000_000,
    remainingOf: (req) => req.hashes.slice(req.next),
    canServe: () => true,
    ...over,
  };
}

const FAST = { latencyMs: 10, bytesPerSecond: 10_000_000 };
const SLOW = { latencyMs: 200, bytesPerSecond: 500_000 };

describe('pickEndgame', () => {
  it('copies the lowest range a much slower peer holds, once it has run 2 s and as long as the fast peer needs for what it owes', () => {
    const fast = peer('fast', FAST);
    const slow = peer('slow', SLOW);
    const low = request(slow, ['a', 'b'], 0);
    const high = request(slow, ['c', 'd'], 0);
    const picks = pickEndgame(inputs({ idle: [fast], open: [low, high] }));
    expect(picks.map((p) => [p.peer.id, p.hashes])).toEqual([['fast', ['a', 'b']]]);
    // Never before 2 s, whatever the rates say: they may come from tiny blocks.
    expect(pickEndgame(inputs({ idle: [fast], open: [low], now: 1_999 }))).toEqual([]);
    // What it still owes, 30 MB, takes the fast peer 10 ms plus 3 s: not yet at 3 s.
    const long = request(slow, Array.from({ length: 30 }, (_, i) => `x${i}`), 0);
    expect(pickEndgame(inputs({ idle: [fast], open: [long], now: 3_000 }))).toEqual([]);
    expect(pickEndgame(inputs({ idle: [fast], open: [long], now: 3_100 }))).toHaveLength(1);
    // A holder not measured yet gets twice that: it may only be slow to start.
    const unknown = request(peer('new'), long.hashes.slice(), 0);
    expect(pickEndgame(inputs({ idle: [fast], open: [unknown], now: 6_000 }))).toEqual([]);
    expect(pickEndgame(inputs({ idle: [fast], open: [unknown], now: 6_100 }))).toHaveLength(1);
  });

  it('leaves ranges of peers of similar speed, of unmeasured idle peers, copies and their originals alone', () => {
    const fast = peer('fast', FAST);
    const almost = peer('almost', { latencyMs: 20, bytesPerSecond: 6_000_000 });
    expect(pickEndgame(inputs({ idle: [fast], open: [request(almost, ['a'], 0)] }))).toEqual([]);
    expect(pickEndgame(inputs({ idle: [peer('new')], open: [request(peer('slow', SLOW), ['a'], 0)] }))).toEqual([]);
    const original = request(peer('slow', SLOW), ['a'], 0);
    const copy = request(peer('other', FAST), ['a'], 0, original);
    original.twin = copy;
    expect(pickEndgame(inputs({ idle: [fast], open: [original, copy] }))).toEqual([]);
  });

  it('copies from a peer that stalled, or was never measured, whatever its last rate; only what it still owes; only if the idle peer has it', () => {
    const fast = peer('fast', FAST);
    const staller = request(peer('staller', FAST, 1), ['a', 'b', 'c'], 0);
    staller.next = 1;
    expect(pickEndgame(inputs({ idle: [fast], open: [staller] }))[0]!.hashes).toEqual(['b', 'c']);
    expect(pickEndgame(inputs({ idle: [fast], open: [request(peer('unknown'), ['a'], 0)] }))).toHaveLength(1);
    expect(pickEndgame(inputs({ idle: [fast], open: [staller], canServe: () => false }))).toEqual([]);
    expect(pickEndgame(inputs({ idle: [fast], open: [staller], remainingOf: () => [] }))).toEqual([]);
  });

  it('judges a holder by its request\'s own progress: one streaming fast enough is left alone, measured or not', () => {
    const fast = peer('fast', FAST);
    const streaming = request(peer('new'), ['a', 'b', 'c', 'd'], 0);
    // 12 MB in 2 s is more than half the fast peer's 10 MB/s: left alone; at 3 MB/s it is copied.
    Object.assign(streaming, { received: 2, bytes: 12_000_000, next: 2 });
    expect(pickEndgame(inputs({ idle: [fast], open: [streaming], now: 2_000 }))).toEqual([]);
    Object.assign(streaming, { bytes: 6_000_000 });
    expect(pickEndgame(inputs({ idle: [fast], open: [streaming], now: 2_000 }))).toHaveLength(1);
  });

  it('gives each idle peer its own range, never one range to two peers', () => {
    const slow = peer('slow', SLOW);
    const picks = pickEndgame(inputs({ idle: [peer('f1', FAST), peer('f2', FAST)], open: [request(slow, ['a'], 0), request(slow, ['b'], 0)] }));
    expect(picks.map((p) => [p.peer.id, p.hashes])).toEqual([['f1', ['a']], ['f2', ['b']]]);
  });
});

describe('matchIdlePeers', () => {
  it('gives each idle peer the first request it accepts, and each request to one peer at most', () => {
    const a = peer('a'), b = peer('b'), c = peer('c'), holder = peer('h');
    const r1 = request(holder, ['1'], 0), r2 = request(holder, ['2'], 0);
    // c refuses everything; a and b would both take r1 first.
    const picks = matchIdlePeers([a, b, c], [r1, r2], (p, r) => (p === c ? undefined : `${p.id}:${r.hashes[0]}`));
    expect(picks).toEqual(['a:1', 'b:2']);
  });

  it('returns nothing when there are more peers than requests left to give', () => {
    const holder = peer('h');
    const only = request(holder, ['1'], 0);
    expect(matchIdlePeers([peer('a'), peer('b')], [only], () => 'x')).toEqual(['x']);
    expect(matchIdlePeers([], [only], () => 'x')).toEqual([]);
  });
});
