/** Node configuration: the tally.conf parser and the merge of command line over file over defaults. */
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { badOption, ConfigError, locateOptionError, parseConfigFile, resolveConfig, defaultDatadir } from '../../../src/node/config.js';
import { tempDir } from '../../helpers/tmp.js';
import { encodeAddress } from '../../../src/primitives/address.js';

const root = tempDir('tally-config');
let n = 0;
function datadirWith(conf?: string): string {
  const dir = join(root, `d${n++}`);
  mkdirSync(dir, { recursive: true });
  if (conf !== undefined) writeFileSync(join(dir, 'tally.conf'), conf);
  return dir;
}
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).code;
  }
  throw new Error('expected a ConfigError');
};

describe('parseConfigFile', () => {
  it('reads name=value lines, comments and repeated options', () => {
    expect(parseConfigFile('# comment\nmine=1\nbootstrap=/ip4/1.2.3.4/tcp/1\nbootstrap = /ip4/5.6.7.8/tcp/2 # second\n\n')).toEqual({
      mine: ['1'], bootstrap: ['/ip4/1.2.3.4/tcp/1', '/ip4/5.6.7.8/tcp/2'],
    });
  });

  it('rejects lines without "=" and unknown options with the line number', () => {
    expect(code(() => parseConfigFile('mine=1\nnonsense'))).toBe('bad-config');
    expect(code(() => parseConfigFile('frobnicate=1'))).toBe('bad-config');
  });

  it('refuses command-line-only options on purpose, saying so, not as unknown', () => {
    for (const name of ['reindex', 'datadir', 'p2p', 'rpc']) {
      let message = '';
      expect(code(() => {
        try {
          parseConfigFile(`# x\n${name}=1\n`, '/etc/tally.conf');
        } catch (err) {
          message = (err as Error).message;
          throw err;
        }
      })).toBe('bad-config');
      expect(message).toMatch(new RegExp(`^/etc/tally\\.conf:2: ${name} `));
      expect(message).not.toContain('unknown option');
    }
  });
});

describe('where a bad value came from', () => {
  const messageOf = (fn: () => unknown): string => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('puts the tally.conf file and line in front of a bad value read from it', () => {
    const dir = datadirWith('# paced\nblock-interval=5\nmine=maybe\n');
    const message = messageOf(() => resolveConfig({ network: 'regtest', datadir: dir, options: {} }));
    expect(message.startsWith(`${join(dir, 'tally.conf')}:3: mine:`)).toBe(true);
    // The same bad value from the command line has no file to name.
    expect(messageOf(() => resolveConfig({ network: 'regtest', datadir: datadirWith(), options: { mine: ['maybe'] } })).startsWith('mine:')).toBe(true);
  });

  it('names the line of the bad entry of a repeatable option, and none once the command line replaces the list', () => {
    const dir = datadirWith('bootstrap=/ip4/1.2.3.4/tcp/1\nbootstrap=/bad\n');
    const config = resolveConfig({ network: 'regtest', datadir: dir, options: {} });
    const located = locateOptionError(config, badOption('bootstrap', 'not a multiaddr', '/bad')) as ConfigError;
    expect(located.code).toBe('bad-option');
    expect(located.message.startsWith(`${join(dir, 'tally.conf')}:2: bootstrap:`)).toBe(true);
    const overridden = resolveConfig({ network: 'regtest', datadir: dir, options: { bootstrap: ['/bad'] } });
    expect((locateOptionError(overridden, badOption('bootstrap', 'not a multiaddr', '/bad')) as Error).message.startsWith('bootstrap:')).toBe(true);
    const other = new Error('not a config error');
    expect(locateOptionError(config, other)).toBe(other);
  });
});

describe('resolveConfig', () => {
  it('uses defaults, then the file, then the command line', () => {
    const dir = datadirWith('mine=1\nblock-interval=5\nmin-relay-fee=2\nmax-mempool=50\n');
    const fromFile = resolveConfig({ network: 'regtest', datadir: dir, options: {} });
    expect(fromFile).toMatchObject({ mine: true, blockInterval: 5, minRelayFeeRate: 2, maxMempoolMB: 50, logLevel: 'info' });
    const overridden = resolveConfig({ network: 'regtest', datadir: dir, options: { 'block-interval': ['0.5'], mine: ['false'] } });
    expect(overridden).toMatchObject({ mine: false, blockInterval: 0.5 });
    expect(resolveConfig({ network: 'testnet', options: {} }).datadir).toBe(defaultDatadir('testnet'));
  });

  it('accepts per-module log levels and refuses bad ones', () => {
    const dir = datadirWith();
    expect(resolveConfig({ network: 'regtest', datadir: dir, options: { 'log-level': ['chain=debug,p2p=warn,info'] } }).logLevel).toBe('chain=debug,p2p=warn,info');
    expect(code(() => resolveConfig({ network: 'regtest', datadir: dir, options: { 'log-level': ['loud'] } }))).toBe('bad-option');
    expect(code(() => resolveConfig({ network: 'regtest', datadir: dir, options: { 'log-level': ['chian=debug'] } }))).toBe('bad-option');
  });

  it('refuses invalid values, an unknown network, a file of another network and a foreign miner address', () => {
    const dir = datadirWith();
    expect(code(() => resolveConfig({ network: 'mainnet', datadir: dir, options: {} }))).toBe('bad-option');
    expect(code(() => resolveConfig({ network: 'regtest', datadir: dir, options: { 'block-interval': ['soon'] } }))).toBe('bad-option');
    expect(code(() => resolveConfig({ network: 'regtest', datadir: dir, options: { mine: ['maybe'] } }))).toBe('bad-option');
    expect(code(() => resolveConfig({ network: 'regtest', datadir: dir, options: { 'max-mempool': ['1'] } }))).toBe('bad-option');
    expect(code(() => resolveConfig({ network: 'regtest', datadir: datadirWith('network=testnet\n'), options: {} }))).toBe('bad-config');
    const testnetAddress = encodeAddress('tlt', new Uint8Array(32).fill(3));
    expect(code(() => resolveConfig({ network: 'regtest', datadir: dir, options: { 'miner-address': [testnetAddress] } }))).toBe('bad-option');
    const regtestAddress = encodeAddress('tlr', new Uint8Array(32).fill(3));
    expect(resolveConfig({ network: 'regtest', datadir: dir, options: { 'miner-address': [regtestAddress] } }).minerAddress).toBe(regtestAddress);
  });
});
