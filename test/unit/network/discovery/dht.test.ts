/**
 * The DHT as Tally configures it: a protocol id and a provider key per network,
 * and the routing table that discovery reads through a guarded cast (routingTableOf),
 * which fails here first if @libp2p/kad-dht moves it. A host with no listen
 * addresses: nothing is dialed or bound.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { KadDHTComponents } from '@libp2p/kad-dht';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { sha256 } from '@noble/hashes/sha2.js';
import { createHost, type TallyLibp2p } from '../../../../src/network/libp2p.js';
import { defaultP2POptions } from '../../../../src/network/options.js';
import { regtest } from '../../../../src/consensus/params.js';
import { dhtProtocol, dhtService, networkKey, pingOverOpenConnections, routingTableOf } from '../../../../src/network/discovery/dht.js';
import { DISCOVERY_TIMINGS } from '../../../../src/network/discovery/options.js';

let host: TallyLibp2p;

beforeAll(async () => {
  const opts = { ...defaultP2POptions(regtest), listen: [] };
  host = await createHost(opts, await generateKeyPair('Ed25519'), () => false, [], undefined, dhtService('regtest', DISCOVERY_TIMINGS));
  await host.start();
});
afterAll(() => host.stop());

describe('the DHT of a network', () => {
  it('has a protocol id of its own per network, never IPFS\'s', () => {
    expect(dhtProtocol('regtest')).toBe('/tally/regtest/kad/1.0.0');
    expect(dhtProtocol('testnet')).toBe('/tally/testnet/kad/1.0.0');
    expect(dhtProtocol('testnet')).not.toBe('/ipfs/kad/1.0.0');
  });

  it('provides under a raw CIDv1 of sha256("tally/<network>/nodes")', async () => {
    const key = await networkKey('testnet');
    expect(key.version).toBe(1);
    expect(key.code).toBe(0x55);
    expect(key.multihash.code).toBe(0x12);
    expect(Buffer.from(key.multihash.digest).toString('hex')).toBe(Buffer.from(sha256(new TextEncoder().encode('tally/testnet/nodes'))).toString('hex'));
    expect((await networkKey('regtest')).equals(key)).toBe(false);
  });

  it('runs as a server under that protocol, with a routing table discovery can read', async () => {
    const dht = host.services.dht!;
    expect(dht.getMode()).toBe('server');
    expect(host.getProtocols()).toContain(dhtProtocol('regtest'));
    expect(host.getProtocols()).not.toContain('/ipfs/kad/1.0.0');
    const table = routingTableOf(dht);
    expect(table?.size).toBe(0);
    expect(await table?.find(host.peerId)).toBeUndefined();
  });

  it('refreshes its routing table at Tally\'s interval, not kad-dht\'s 5 minutes', () => {
    // The private field that setTableRefreshInterval sets: if kad-dht moves it, this fails first.
    const refresh = (host.services.dht as unknown as { routingTableRefresh?: { refreshInterval?: number } }).routingTableRefresh;
    expect(refresh?.refreshInterval).toBe(DISCOVERY_TIMINGS.tableRefreshMs);
  });

  it('lets libp2p hold a few connections beyond maxConnections, for the keeper to choose whom to evict', () => {
    expect(host.getConnections()).toEqual([]);
    const limit = (host as unknown as { components: { connectionManager: { getMaxConnections(): number } } }).components.connectionManager.getMaxConnections();
    expect(limit).toBeGreaterThan(defaultP2POptions(regtest).maxConnections);
  });
});

describe('the ping kad-dht verifies contacts with', () => {
  const fake = (connections: number, inTable: boolean) => {
    const ping = vi.fn(async () => 7);
    const components = { connectionManager: { getConnections: () => Array.from({ length: connections }) }, ping: { ping }, peerId: host.peerId } as unknown as KadDHTComponents;
    return { ping, wrapped: pingOverOpenConnections(components, async () => inTable) };
  };

  it('pings a connected peer over its connection', async () => {
    const { ping, wrapped } = fake(1, false);
    await expect(wrapped.ping.ping(host.peerId)).resolves.toBe(7);
    expect(ping).toHaveBeenCalledOnce();
  });

  it('keeps an old contact without a connection, and dials neither it nor a new one', async () => {
    const old = fake(0, true);
    await expect(old.wrapped.ping.ping(host.peerId)).resolves.toBe(0);
    const fresh = fake(0, false);
    await expect(fresh.wrapped.ping.ping(host.peerId)).rejects.toThrow(/not connected/);
    expect(old.ping).not.toHaveBeenCalled();
    expect(fresh.ping).not.toHaveBeenCalled();
  });

  it('passes every other component through', () => {
    expect(fake(0, false).wrapped.peerId).toBe(host.peerId);
  });
});
