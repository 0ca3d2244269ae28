/** The pure dial and eviction choices: one outbound peer per network group, sources spread, Core's eviction order. */
import { describe, expect, it } from 'vitest';
import { chooseDials, chooseEvictions, PROTECT_BY_PING, type ConnectedPeer, type DialCandidate } from '../../../../src/network/discovery/choose.js';

const cand = (id: string, group: string, source = 'dht'): DialCandidate => ({ id, group, source });
const peer = (id: string, over: Partial<ConnectedPeer> = {}): ConnectedPeer => ({ id, direction: 'inbound', group: `g-${id}`, openedAt: 0, manual: false, ...over });

describe('chooseDials', () => {
  it('never picks a group an outbound peer holds, nor two of one group', () => {
    const picks = chooseDials([cand('a', 'ip4:1.2'), cand('b', 'ip4:1.2'), cand('c', 'ip4:5.6'), cand('d', 'ip4:9.9')], [{ group: 'ip4:5.6' }], 10);
    expect(picks.map((p) => p.id)).toEqual(['a', 'd']);
  });

  it('takes at most `want`, in the caller order when nothing else differs', () => {
    expect(chooseDials([cand('a', '1'), cand('b', '2'), cand('c', '3')], [], 2).map((p) => p.id)).toEqual(['a', 'b']);
    expect(chooseDials([cand('a', '1')], [], 0)).toEqual([]);
  });

  it('spreads picks over the sources that named the candidates', () => {
    const candidates = [cand('a1', '1', 'A'), cand('a2', '2', 'A'), cand('a3', '3', 'A'), cand('b1', '4', 'B'), cand('c1', '5', 'C')];
    expect(chooseDials(candidates, [], 3).map((p) => p.id)).toEqual(['a1', 'b1', 'c1']);
    // A source that already gave an outbound peer comes after the others.
    expect(chooseDials(candidates, [{ group: 'x', source: 'B' }, { group: 'y', source: 'C' }], 2).map((p) => p.id)).toEqual(['a1', 'a2']);
    expect(chooseDials(candidates, [{ group: 'x', source: 'A' }], 2).map((p) => p.id)).toEqual(['b1', 'c1']);
  });
});

describe('chooseEvictions', () => {
  const limits = { maxConnections: 10, maxOutbound: 4 };

  it('evicts nothing within the limits', () => {
    const peers = [...Array(6)].map((_, i) => peer(`in${i}`)).concat([...Array(4)].map((_, i) => peer(`out${i}`, { direction: 'outbound' })));
    expect(chooseEvictions(peers, limits)).toEqual([]);
  });

  it('takes inbound peers beyond maxConnections - maxOutbound from the most crowded group, youngest first', () => {
    // 7 inbound (max 6): two share a /16; the rest are alone. Old peers are protected by uptime.
    const peers = [
      peer('old1', { openedAt: 1 }), peer('old2', { openedAt: 2 }), peer('old3', { openedAt: 3 }),
      peer('same1', { group: 'ip4:1.2', openedAt: 10 }), peer('same2', { group: 'ip4:1.2', openedAt: 5 }),
      peer('new', { openedAt: 20 }), peer('newer', { openedAt: 30 }),
    ];
    expect(chooseEvictions(peers, limits)).toEqual(['same1']);
  });

  it('protects the lowest pings and the longest connected, and never a manual peer', () => {
    const fast = [...Array(PROTECT_BY_PING)].map((_, i) => peer(`fast${i}`, { pingMs: 1, openedAt: 100 + i }));
    const peers = [...fast, peer('slow', { pingMs: 500, openedAt: 50 }), peer('manual', { manual: true, openedAt: 200 }), peer('young', { openedAt: 99 })];
    // 7 inbound, room for 5: the two unprotected go, the younger first (the older was protected by uptime until then).
    expect(chooseEvictions(peers, { maxConnections: 9, maxOutbound: 4 })).toEqual(['young', 'slow']);
    // With room for 4, a protected peer must go too, but never the manual one.
    const out = chooseEvictions(peers, { maxConnections: 8, maxOutbound: 4 });
    expect(out).toHaveLength(3);
    expect(out).not.toContain('manual');
  });

  it('evicts the youngest inbound when every inbound peer is protected (Core refuses the newcomer)', () => {
    const peers = [peer('a', { pingMs: 1, openedAt: 1 }), peer('b', { pingMs: 2, openedAt: 2 })];
    expect(chooseEvictions(peers, { maxConnections: 2, maxOutbound: 1 })).toEqual(['b']);
  });

  it('keeps the total within maxConnections by evicting inbound peers', () => {
    const peers = [...Array(3)].map((_, i) => peer(`in${i}`, { openedAt: i })).concat([...Array(4)].map((_, i) => peer(`out${i}`, { direction: 'outbound' })));
    expect(chooseEvictions(peers, { maxConnections: 5, maxOutbound: 4 })).toHaveLength(2);
  });

  it('trims outbound peers beyond maxOutbound from the most crowded group, sparing manual ones', () => {
    const out = (id: string, over: Partial<ConnectedPeer> = {}) => peer(id, { direction: 'outbound', ...over });
    const peers = [
      out('boot', { manual: true, openedAt: 100 }), out('x1', { group: 'ip4:9.9', openedAt: 1 }), out('x2', { group: 'ip4:9.9', openedAt: 2 }),
      out('y', { openedAt: 50 }), out('z', { openedAt: 60 }), out('w', { openedAt: 70 }),
    ];
    expect(chooseEvictions(peers, { maxConnections: 125, maxOutbound: 4 })).toEqual(['x2', 'w']);
  });
});
