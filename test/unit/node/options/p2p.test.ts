/** P2P options from the node's configuration: every address parsed at start, by option name. */
import { describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, resolveConfig } from '../../../../src/node/config.js';
import { p2pOptionsFromConfig, peerAddressWarnings } from '../../../../src/node/options/p2p.js';
import { tempDir } from '../../../helpers/tmp.js';

const root = tempDir('tally-p2p-config');
let n = 0;
const PEER_ID = '12D3KooWNeHzxChwmcAhdvkAxVgzcQDwpHEpQ9tB4MUh4KejgkbE';

function options(cli: Record<string, string[]>) {
  const datadir = join(root, `d${n++}`);
  mkdirSync(datadir, { recursive: true });
  return p2pOptionsFromConfig(resolveConfig({ network: 'regtest', datadir, options: cli }));
}

function refused(cli: Record<string, string[]>): ConfigError {
  try {
    options(cli);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(cli)} to be refused`);
}

describe('p2pOptionsFromConfig', () => {
  it('takes good addresses of every kind', () => {
    const opts = options({
      listen: ['/ip4/127.0.0.1/tcp/0', '/ip6/::/tcp/28444'], announce: ['/dns4/node.example/tcp/28444'],
      bootstrap: [`/ip4/127.0.0.1/tcp/1/p2p/${PEER_ID}`, '/ip4/127.0.0.1/tcp/2'], connect: [],
    });
    expect(opts.listen).toEqual(['/ip4/127.0.0.1/tcp/0', '/ip6/::/tcp/28444']);
    expect(opts.bootstrap).toHaveLength(2);
  });

  it('refuses a bad address with the option that holds it and the address', () => {
    const cases: [string, string][] = [
      ['listen', '/ip4/127.0.0.1/tcp/99999'], ['listen', 'localhost:28444'], ['announce', '/ip4/1.2.3/tcp/1'],
      ['bootstrap', '/ip4/127.0.0.1/tcp/1/p2p/nonsense'], ['connect', '/ip4/127.0.0.1/tcp/70000/p2p/' + PEER_ID],
    ];
    for (const [option, addr] of cases) {
      const err = refused({ [option]: [addr] });
      expect(err.code, addr).toBe('bad-option');
      expect(err.option, addr).toBe(option);
      expect(err.value, addr).toBe(addr);
      expect(err.message.startsWith(`${option}: `), err.message).toBe(true);
    }
  });

  it('refuses a bad peer count', () => {
    expect(refused({ 'max-peers': ['0'] }).option).toBe('max-peers');
  });

  it('has DHT discovery on with Core-like limits by default, and reads the switches and limits', () => {
    expect(options({})).toMatchObject({ dht: true, maxConnections: 125, minOutbound: 8, maxOutbound: 16 });
    expect(options({ dht: ['false'], maxconnections: ['40'], 'min-outbound': ['3'], 'max-outbound': ['5'] }))
      .toMatchObject({ dht: false, maxConnections: 40, minOutbound: 3, maxOutbound: 5 });
    // --max-peers is the former name of --maxconnections, which wins when both are given.
    expect(options({ 'max-peers': ['30'] }).maxConnections).toBe(30);
    expect(options({ 'max-peers': ['30'], maxconnections: ['50'] }).maxConnections).toBe(50);
    // A min-outbound above the default max raises the max with it.
    expect(options({ 'min-outbound': ['20'] })).toMatchObject({ minOutbound: 20, maxOutbound: 20 });
  });

  it('refuses bad limits with the option that holds them', () => {
    expect(refused({ maxconnections: ['0'] }).option).toBe('maxconnections');
    expect(refused({ 'min-outbound': ['-1'] }).option).toBe('min-outbound');
    expect(refused({ 'max-outbound': ['2.5'] }).option).toBe('max-outbound');
    expect(refused({ 'min-outbound': ['6'], 'max-outbound': ['5'] }).option).toBe('min-outbound');
    expect(refused({ dht: ['maybe'] }).option).toBe('dht');
  });
});

describe('peerAddressWarnings', () => {
  it('warns about each bootstrap or connect address without /p2p/<peer id>, and only those', () => {
    const warnings = peerAddressWarnings({
      bootstrap: [`/ip4/127.0.0.1/tcp/1/p2p/${PEER_ID}`, '/ip4/127.0.0.1/tcp/2'],
      connect: ['/dns4/peer.example/tcp/28333'],
    });
    expect(warnings.map((w) => [w.option, w.addr])).toEqual([['bootstrap', '/ip4/127.0.0.1/tcp/2'], ['connect', '/dns4/peer.example/tcp/28333']]);
    expect(peerAddressWarnings({ bootstrap: [], connect: [`/ip4/127.0.0.1/tcp/1/p2p/${PEER_ID}`] })).toEqual([]);
  });
});
