/** Network groups (Core's netgroups): /16 for public IPv4, /32 for public IPv6, each address its own on local ranges. */
import { describe, expect, it } from 'vitest';
import { ipv6Words, isLocalAddress, isLoopbackAddress, netGroup } from '../../../../src/network/discovery/netgroup.js';

describe('netGroup', () => {
  it('puts public IPv4 addresses of one /16 in one group, whatever the port', () => {
    expect(netGroup('/ip4/203.0.113.5/tcp/28444')).toBe('ip4:203.0');
    expect(netGroup('/ip4/203.0.200.9/tcp/1/p2p/12D3KooWNeHzxChwmcAhdvkAxVgzcQDwpHEpQ9tB4MUh4KejgkbE')).toBe('ip4:203.0');
    expect(netGroup('/ip4/203.1.113.5/tcp/28444')).not.toBe(netGroup('/ip4/203.0.113.5/tcp/28444'));
    expect(netGroup('/ip4/8.8.8.8/tcp/1')).toBe('ip4:8.8');
  });

  it('gives each loopback and private address (ip and port) its own group', () => {
    const local = [
      '/ip4/127.0.0.1/tcp/1000', '/ip4/127.0.0.1/tcp/1001', '/ip4/10.0.0.1/tcp/1', '/ip4/10.0.0.2/tcp/1',
      '/ip4/192.168.1.1/tcp/5', '/ip4/172.16.0.1/tcp/5', '/ip4/172.31.255.1/tcp/5', '/ip4/169.254.1.1/tcp/5', '/ip4/100.64.0.1/tcp/5',
    ];
    expect(new Set(local.map(netGroup)).size).toBe(local.length);
    for (const a of local) expect(isLocalAddress(a), a).toBe(true);
    expect(netGroup('/ip4/127.0.0.1/tcp/1000')).toBe('local:127.0.0.1:1000');
    // Just outside the private ranges: public, grouped by /16.
    expect(netGroup('/ip4/172.32.0.1/tcp/5')).toBe('ip4:172.32');
    expect(netGroup('/ip4/100.128.0.1/tcp/5')).toBe('ip4:100.128');
  });

  it('puts public IPv6 addresses of one /32 in one group, however they are written', () => {
    expect(netGroup('/ip6/2001:db8:1::1/tcp/1')).toBe('ip6:2001:db8');
    expect(netGroup('/ip6/2001:0db8:ffff:0:0:0:0:2/tcp/2')).toBe('ip6:2001:db8');
    expect(netGroup('/ip6/2001:db9::1/tcp/1')).toBe('ip6:2001:db9');
  });

  it('treats IPv6 loopback, link-local and unique-local addresses as local, each its own group', () => {
    for (const a of ['/ip6/::1/tcp/1', '/ip6/fe80::1/tcp/1', '/ip6/fd00::1/tcp/1', '/ip6/fc12:3456::9/tcp/1']) {
      expect(isLocalAddress(a), a).toBe(true);
    }
    expect(netGroup('/ip6/::1/tcp/1')).not.toBe(netGroup('/ip6/::1/tcp/2'));
  });

  it('groups an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(netGroup('/ip6/::ffff:203.0.113.5/tcp/1')).toBe('ip4:203.0');
    expect(netGroup('/ip6/::ffff:10.1.2.3/tcp/7')).toBe('local:10.1.2.3:7');
  });

  it('groups DNS names by name and anything else by the address itself', () => {
    expect(netGroup('/dns4/node.example/tcp/1')).toBe('dns:node.example');
    expect(netGroup('/ip4/1.2.3/tcp/1')).toBe('other:/ip4/1.2.3/tcp/1');
    expect(netGroup('/ip4/1.2.3.4/udp/1/quic-v1')).toBe('other:/ip4/1.2.3.4/udp/1/quic-v1');
  });
});

describe('address helpers', () => {
  it('expands IPv6 addresses and refuses malformed ones', () => {
    expect(ipv6Words('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Words('2001:db8::')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0]);
    expect(ipv6Words('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(ipv6Words('1::2::3')).toBeUndefined();
    expect(ipv6Words('1:2:3')).toBeUndefined();
    expect(ipv6Words('12345::')).toBeUndefined();
  });

  it('knows loopback addresses', () => {
    expect(isLoopbackAddress('/ip4/127.0.0.1/tcp/1')).toBe(true);
    expect(isLoopbackAddress('/ip6/::1/tcp/1')).toBe(true);
    expect(isLoopbackAddress('/ip4/10.0.0.1/tcp/1')).toBe(false);
    expect(isLoopbackAddress('/dns4/localhost/tcp/1')).toBe(false);
  });
});
