import { describe, expect, it } from 'vitest';
import { stepFor } from '../../../../src/network/discovery/empty-table.js';
import { dhtProtocol } from '../../../../src/network/discovery/dht.js';

describe('stepFor (refilling an empty routing table)', () => {
  const kad = dhtProtocol('regtest');

  it('adds a peer that speaks the network DHT protocol', () => {
    expect(stepFor(['/ipfs/id/1.0.0', kad], true, kad)).toBe('add');
    // Known from a stream opened with it, identify lost: still the DHT's.
    expect(stepFor([kad], false, kad)).toBe('add');
  });

  it('identifies again a peer never identified, even with protocols learnt from its streams', () => {
    expect(stepFor([], false, kad)).toBe('identify');
    expect(stepFor(['/tally/status/1'], false, kad)).toBe('identify');
  });

  it('leaves alone a peer identified without it (--no-dht, or the other network)', () => {
    expect(stepFor(['/ipfs/id/1.0.0'], true, kad)).toBe('skip');
    expect(stepFor([dhtProtocol('testnet')], true, kad)).toBe('skip');
  });
});
