/** A server that cannot listen: one coded line naming the service, the address and the option. */
import { describe, expect, it } from 'vitest';
import { hostPort, ListenError, listenError, netListenError } from '../../../src/node/listen-error.js';
import { p2pListenError } from '../../../src/network/listen-failure.js';

const rpc = { service: 'JSON-RPC', address: '127.0.0.1:28443', option: '--rpc-port' };

describe('listenError', () => {
  it('gives port-in-use for EADDRINUSE and listen-failed for other refusals, naming address and option', () => {
    const cases: [string | undefined, string][] = [['EADDRINUSE', 'port-in-use'], ['EACCES', 'listen-failed'], ['EADDRNOTAVAIL', 'listen-failed'], [undefined, 'listen-failed']];
    for (const [errno, code] of cases) {
      const err = listenError(rpc, errno, 'something odd');
      expect(err).toBeInstanceOf(ListenError);
      expect(err.code, errno).toBe(code);
      expect(err.message).toContain('127.0.0.1:28443');
      expect(err.message).toContain('--rpc-port');
      expect(err.message).not.toContain('\n');
    }
  });

  it('reads the code of a node:net error, and writes IPv6 hosts in brackets', () => {
    expect(netListenError(rpc, Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' })).code).toBe('port-in-use');
    expect(hostPort('::1', 28443)).toBe('[::1]:28443');
    expect(hostPort('127.0.0.1', 28443)).toBe('127.0.0.1:28443');
  });
});

describe('p2pListenError', () => {
  /** libp2p 3's error, as transport-manager.js words it. */
  function libp2pError(lines: string[]): Error {
    const err = new Error(`Some configured addresses failed to be listened on, you may need to remove one or more listen addresses from your configuration or set \`transportManager.faultTolerance\` to NO_FATAL:\n${lines.map((l) => `\n  ${l}\n`).join('')}`);
    err.name = 'UnsupportedListenAddressesError';
    return err;
  }

  it('names the busy address of the ones libp2p lists', () => {
    const err = p2pListenError(['/ip4/0.0.0.0/tcp/1', '/ip4/0.0.0.0/tcp/2'], libp2pError([
      '/ip4/0.0.0.0/tcp/1: Error: listen EACCES: permission denied 0.0.0.0:1',
      '/ip4/0.0.0.0/tcp/2: Error: listen EADDRINUSE: address already in use 0.0.0.0:2\n      at Server.setupListenHandle',
    ])) as ListenError;
    expect(err).toBeInstanceOf(ListenError);
    expect(err.code).toBe('port-in-use');
    expect(err.message).toContain('/ip4/0.0.0.0/tcp/2');
    expect(err.message).toContain('--listen');
    expect(err.message).not.toContain('faultTolerance');
  });

  it('falls back to the configured addresses when libp2p names none, and passes other errors on', () => {
    const bare = new Error('no valid addresses were provided for transports [@libp2p/tcp]');
    bare.name = 'NoValidAddressesError';
    const err = p2pListenError(['/ip4/0.0.0.0/udp/1'], bare) as ListenError;
    expect(err.code).toBe('listen-failed');
    expect(err.message).toContain('/ip4/0.0.0.0/udp/1');
    const other = new Error('peer key unreadable');
    expect(p2pListenError([], other)).toBe(other);
  });
});
