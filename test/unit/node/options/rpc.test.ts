/** RPC options from the command line and tally.conf: the rate-limit options and their defaults. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_USAGE, runCli } from '../../../../src/cli/program.js';
import { ConfigError, resolveConfig } from '../../../../src/node/config.js';
import { rpcOptionsFromConfig } from '../../../../src/node/options/rpc.js';
import { DEFAULT_RATE_BURST, DEFAULT_RATE_LIMIT } from '../../../../src/rpc/options.js';
import { tempDir } from '../../../helpers/tmp.js';

const root = tempDir('rpc-config');
let n = 0;
function options(cli: Record<string, string[]>, conf?: string) {
  const datadir = join(root, `d${n++}`);
  mkdirSync(datadir, { recursive: true });
  if (conf !== undefined) writeFileSync(join(datadir, 'tally.conf'), conf);
  return rpcOptionsFromConfig(resolveConfig({ network: 'regtest', datadir, options: cli }));
}

describe('rpcOptionsFromConfig', () => {
  it('binds loopback, with the rate limit on for other addresses and a pause after bad credentials, by default', () => {
    expect(options({})).toMatchObject({ bind: '127.0.0.1', rateLimit: DEFAULT_RATE_LIMIT, rateBurst: DEFAULT_RATE_BURST, rateLimitLoopback: false, authFailureDelayMs: 250 });
  });

  it('reads rpc-rate-limit, rpc-rate-burst and rpc-rate-limit-loopback from the command line or tally.conf', () => {
    expect(options({ 'rpc-rate-limit': ['5'], 'rpc-rate-burst': ['20'], 'rpc-rate-limit-loopback': ['true'] })).toMatchObject({ rateLimit: 5, rateBurst: 20, rateLimitLoopback: true });
    expect(options({}, 'rpc-rate-limit=0.5\nrpc-rate-burst=3\nrpc-rate-limit-loopback=1\n')).toMatchObject({ rateLimit: 0.5, rateBurst: 3, rateLimitLoopback: true });
    expect(options({ 'rpc-rate-limit': ['0'] }).rateLimit).toBe(0);
    expect(options({ 'rpc-rate-limit-loopback': ['off'] }).rateLimitLoopback).toBe(false);
  });

  it('refuses values that are not limits', () => {
    const bad: Record<string, string[]>[] = [
      { 'rpc-rate-limit': ['-1'] }, { 'rpc-rate-limit': ['lots'] }, { 'rpc-rate-limit': [''] }, { 'rpc-rate-limit': ['Infinity'] },
      { 'rpc-rate-burst': ['0'] }, { 'rpc-rate-burst': ['2.5'] }, { 'rpc-rate-limit-loopback': ['maybe'] },
    ];
    for (const cli of bad) {
      let err: unknown;
      try {
        options(cli);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(cli)).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).code).toBe('bad-option');
    }
  });
});

describe('tally node', () => {
  it('passes --rpc-rate-limit and --rpc-rate-burst through to the RPC options (a bad value is refused by name before anything starts)', async () => {
    for (const [flag, value] of [['--rpc-rate-limit', 'lots'], ['--rpc-rate-burst', '0']] as const) {
      let err = '';
      const code = await runCli(['node', 'tally', 'node', '--datadir', join(root, `cli${n++}`), '--no-p2p', flag, value], { out: () => undefined, err: (t) => { err += t; } });
      expect(code, err).toBe(EXIT_USAGE);
      expect(err).toContain(flag.slice(2));
    }
  });
});
