import { describe, expect, it } from 'vitest';
import { stepFor } from '../../../../src/network/discovery/empty-table.js';
import { dhtProtocol } from '../../../../src/network/discovery/dht.js';

describe('stepFor (refilling an empty routing table)', () => {
  const kad = dhtProtocol('regtest');

  it('adds a peer that speaks the network DHT protocol', () => {
    expect(stepFor(['/ipfs/id/1.0.0', kad], kad)).toBe('add');
  });

  it('identifies again a peer whose protocols were never learnt', () => {
    expect(stepFor([], kad)).toBe('identify');
  });

  it('leaves alone a peer identified without it (--no-dht, or the other network)', () => {
    expect(stepFor(['/ipfs/id/1.0.0'], kad)).toBe('skip');
    expect(stepFor([dhtProtocol('testnet')], kad)).toBe('skip');
  });
});
