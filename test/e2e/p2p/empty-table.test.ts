/**
 * A node whose DHT routing table stayed empty (identify on its only connection
 * timed out, or kad-dht's table update did) refills it from its open
 * connections (src/network/discovery/empty-table.ts): real nodes on 127.0.0.1,
 * the failure made by taking the peer out of the table and forgetting what
 * identify told, as a lost identify leaves it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { TestNetwork, waitUntil, type StartOptions, type TestNode } from '../../helpers/network.js';
import { tempDir } from '../../helpers/tmp.js';
import { dhtProtocol, routingTableOf } from '../../../src/network/discovery/dht.js';
import { refillEmptyTable } from '../../../src/network/discovery/empty-table.js';
import { silentLogger } from '../../../src/util/logger.js';

const root = tempDir('tally-p2p-empty-table');
const withDht = (opts: StartOptions = {}): StartOptions => ({ ...opts, p2p: { dht: true, minOutbound: 1, maxOutbound: 2, ...opts.p2p } });

function tableOf(n: TestNode) {
  return routingTableOf(n.p2p.libp2p.services.dht!)!;
}

/** Takes `peer` out of `n`'s routing table (kad-dht's table has remove; Tally's view of it does not need it). */
async function dropFromTable(n: TestNode, peer: PeerId): Promise<void> {
  await (tableOf(n) as unknown as { remove(p: PeerId): Promise<void> }).remove(peer);
}

describe('an empty DHT routing table', () => {
  const net = new TestNetwork(root);
  afterAll(() => net.stopAll());

  it('is refilled by identifying again a connected peer whose identify was lost, or by adding one known to speak the DHT', async () => {
    const a = await net.start(withDht({ name: 'table-a' }));
    const b = await net.start(withDht({ name: 'table-b', bootstrap: [a.address] }));
    const aId = peerIdFromString(a.p2p.peerId);
    await waitUntil(async () => (await tableOf(b).find(aId)) !== undefined, 'B to take A into its routing table', 15_000, 100);

    // As a lost identify leaves it: connected, not in the table, no agent version, and only the
    // protocols of the streams opened with it (the status handshake's), as libp2p records those.
    const streamOnly = (await b.p2p.libp2p.peerStore.get(aId)).protocols.filter((p) => p.includes('/status/'));
    expect(streamOnly.length).toBe(1);
    await b.p2p.libp2p.peerStore.patch(aId, { protocols: streamOnly, metadata: {} });
    await dropFromTable(b, aId);
    expect(tableOf(b).size).toBe(0);
    const identified = await refillEmptyTable(b.p2p.libp2p, tableOf(b), dhtProtocol('regtest'), silentLogger);
    expect(identified).toEqual({ added: 0, identified: 1 });
    expect((await b.p2p.libp2p.peerStore.get(aId)).protocols).toContain(dhtProtocol('regtest'));
    await waitUntil(async () => (await tableOf(b).find(aId)) !== undefined, 'identify to put A back into the table', 15_000, 100);

    // As a lost table update leaves it: protocols known, not in the table.
    await dropFromTable(b, aId);
    expect(tableOf(b).size).toBe(0);
    expect(await refillEmptyTable(b.p2p.libp2p, tableOf(b), dhtProtocol('regtest'), silentLogger)).toEqual({ added: 1, identified: 0 });
    expect(await tableOf(b).find(aId)).toBeDefined();

    // A table that holds a peer is left alone.
    expect(await refillEmptyTable(b.p2p.libp2p, tableOf(b), dhtProtocol('regtest'), silentLogger)).toEqual({ added: 0, identified: 0 });
  }, 40_000);
});
