/**
 * `--dbcache` (the chain-state cache's size, MB) and the crash suite's flush
 * hook: parsed once in src/node/options/chain.ts, from the command line or
 * tally.conf, with the node's default when absent.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../../src/node/config.js';
import { chainStateOptionsFrom, DEFAULT_DBCACHE_MB, flushTestHook } from '../../../../src/node/options/chain.js';
import { tempDir } from '../../../helpers/tmp.js';

const datadir = tempDir('tally-dbcache-options');

describe('--dbcache', () => {
  it('defaults to the node default, takes fractions, and 0 turns the cache off', () => {
    expect(chainStateOptionsFrom({})).toEqual({ dbcacheBytes: DEFAULT_DBCACHE_MB * 1_000_000 });
    expect(chainStateOptionsFrom({ dbcache: ['450'] })).toEqual({ dbcacheBytes: 450_000_000 });
    expect(chainStateOptionsFrom({ dbcache: ['0.01'] })).toEqual({ dbcacheBytes: 10_000 });
    expect(chainStateOptionsFrom({ dbcache: ['0'] })).toEqual({ dbcacheBytes: 0 });
  });

  it('refuses a negative or non-numeric size with bad-option', () => {
    for (const bad of ['-1', 'lots', '']) {
      expect(() => chainStateOptionsFrom({ dbcache: [bad] })).toThrow(expect.objectContaining({ code: 'bad-option' }));
    }
  });

  it('is a declared node option, so the command line and tally.conf both reach it', () => {
    const config = resolveConfig({ network: 'regtest', datadir, options: { dbcache: ['25'] } });
    expect(chainStateOptionsFrom(config.extra)).toEqual({ dbcacheBytes: 25_000_000 });
  });
});

describe('the flush test hook', () => {
  it('is off unless TALLY_TEST_FLUSH_PAUSE_MS is a positive number', async () => {
    expect(flushTestHook({})).toBeUndefined();
    expect(flushTestHook({ TALLY_TEST_FLUSH_PAUSE_MS: '0' })).toBeUndefined();
    expect(flushTestHook({ TALLY_TEST_FLUSH_PAUSE_MS: 'x' })).toBeUndefined();
    const hook = flushTestHook({ TALLY_TEST_FLUSH_PAUSE_MS: '5' });
    expect(hook).toBeTypeOf('function');
    await expect(hook!()).resolves.toBeUndefined();
  });
});
