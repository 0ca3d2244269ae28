/** The peer store (src/network/peers/peer-store.ts): handshakes, scores, bans and cool-downs on injected clocks. */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src/util/logger.js';
import type { PeerStatus } from '../../../../src/network/interface.js';
import { Handshake, WRONG_NETWORK_COOLDOWN_SECONDS } from '../../../../src/network/peers/handshake.js';
import { PeerStore } from '../../../../src/network/peers/peer-store.js';

const status: PeerStatus = { network: 'regtest', genesis: 'g', tipHash: 't', height: 1, chainWork: 2n };

function store(opts: { requestsPerSecond?: number } = {}) {
  const time = { now: 1_000, ms: 0 };
  const banned: string[] = [];
  const peers = new PeerStore(
    { banSeconds: 60, requestsPerSecond: opts.requestsPerSecond ?? 10 },
    { logger: silentLogger, clock: () => time.now, nowMs: () => time.ms, onBan: (p) => banned.push(p) },
  );
  return { peers, time, banned };
}

describe('PeerStore', () => {
  it('keeps the first direction and connection time across handshakes', () => {
    const { peers, time } = store();
    expect(peers.recordHandshake('a', status, 'outbound')).toBe(true);
    time.now += 5;
    expect(peers.recordHandshake('a', { ...status, height: 2 }, 'inbound')).toBe(false);
    expect(peers.handshake('a')).toEqual({ status: { ...status, height: 2 }, direction: 'outbound', connectedAt: 1_000 });
    expect(peers.dropHandshake('a')).toBe(true);
    expect(peers.isHandshaked('a')).toBe(false);
  });

  it('bans at the threshold until the ban expires on the node clock', () => {
    const { peers, time, banned } = store();
    expect(peers.penalize('a', 99, 'x')).toBe(false);
    expect(peers.penalize('a', 1, 'x')).toBe(true);
    expect(banned).toEqual(['a']);
    expect(peers.denied('a')).toBe(true);
    time.now += 61;
    expect(peers.isBanned('a')).toBe(false);
  });

  it('limits requests on the injected monotonic clock', () => {
    const { peers, time } = store({ requestsPerSecond: 1 });
    expect(peers.allowRequest('a')).toBe(true);
    expect(peers.allowRequest('a')).toBe(true);
    expect(peers.allowRequest('a')).toBe(false);
    expect(peers.score('a')).toBe(1);
    time.ms += 1_000;
    expect(peers.allowRequest('a')).toBe(true);
  });

  it('cools down a peer of another network, and only for a while', async () => {
    const { peers, time } = store();
    const dropped: string[] = [];
    const handshake = new Handshake({
      store: peers, network: { name: 'regtest', genesisHash: 'g' }, logger: silentLogger, ourStatus: () => status,
      request: async () => ({ ...status, network: 'testnet' }), disconnect: async (p) => void dropped.push(p), onUpdated: () => undefined,
    });
    await handshake.request('b');
    expect(dropped).toEqual(['b']);
    expect(peers.isHandshaked('b')).toBe(false);
    expect(peers.denied('b')).toBe(true);
    time.now += WRONG_NETWORK_COOLDOWN_SECONDS;
    expect(peers.coolingDown('b')).toBe(false);
    expect(handshake.record('c', status, 'inbound')).toBe(true);
    expect(peers.isHandshaked('c')).toBe(true);
  });
});
