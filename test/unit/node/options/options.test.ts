/** The option declarations: one list drives commander, tally.conf and each service's typed options. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { commanderOption, optionLists } from '../../../../src/cli/commands/node.js';
import { ConfigError, parseConfigFile, resolveConfig } from '../../../../src/node/config.js';
import { NODE_OPTION_DECLS, findOption, syncOptionsFrom, verifyPoolOptionsFrom } from '../../../../src/node/options/index.js';
import { SYNC_DEFAULTS } from '../../../../src/sync/options.js';
import { tempDir } from '../../../helpers/tmp.js';

const root = tempDir('node-options');
let n = 0;
function datadirWith(conf?: string): string {
  const dir = join(root, `d${n++}`);
  mkdirSync(dir, { recursive: true });
  if (conf !== undefined) writeFileSync(join(dir, 'tally.conf'), conf);
  return dir;
}

/** Parses `tally node` arguments with the declared flags, as the CLI does, into resolveConfig's option lists. */
function cliLists(args: string[]): Record<string, string[]> {
  const command = new Command('node').exitOverride().configureOutput({ writeErr: () => undefined });
  for (const decl of NODE_OPTION_DECLS) command.addOption(commanderOption(decl));
  command.parse(args, { from: 'user' });
  return optionLists(command.opts());
}

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).code;
  }
  throw new Error('expected a ConfigError');
};

describe('option declarations', () => {
  it('declare each name once, with a flag that spells it', () => {
    const names = NODE_OPTION_DECLS.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const d of NODE_OPTION_DECLS) expect(d.flag).toMatch(new RegExp(`--(no-)?${d.name}\\b`));
  });

  it('let tally.conf set every option not marked command-line only', () => {
    for (const d of NODE_OPTION_DECLS) {
      if (d.commandLineOnly) expect(codeOf(() => parseConfigFile(`${d.name}=1`))).toBe('bad-config');
      else expect(parseConfigFile(`${d.name}=1`)).toEqual({ [d.name]: ['1'] });
    }
  });

  it('give commander a repeatable flag for each list option', () => {
    expect(cliLists(['--listen', '/ip4/127.0.0.1/tcp/1', '--listen', '/ip4/127.0.0.1/tcp/2', '--mine'])).toEqual({
      listen: ['/ip4/127.0.0.1/tcp/1', '/ip4/127.0.0.1/tcp/2'], mine: ['true'],
    });
    expect(findOption('rpc-allow-ip')?.kind).toBe('list');
  });
});

describe('sync options', () => {
  it('are unset by default, so the sync manager keeps its defaults', () => {
    expect(resolveConfig({ network: 'regtest', datadir: datadirWith(), options: {} }).sync).toEqual({});
  });

  it('are read from the command line and from tally.conf, the command line winning', () => {
    const dir = datadirWith('sync-range-size=8\nsync-download-window=256\n');
    const config = resolveConfig({ network: 'regtest', datadir: dir, options: cliLists(['--sync-range-size', '4', '--sync-max-in-flight', '3']) });
    expect(config.sync).toEqual({ rangeSize: 4, downloadWindow: 256, maxInFlightPerPeer: 3 });
  });

  it('have one flag per sync tunable', () => {
    const opts = syncOptionsFrom(Object.fromEntries(NODE_OPTION_DECLS.filter((d) => d.name.startsWith('sync-')).map((d) => [d.name, ['7']])));
    expect(Object.keys(opts).sort()).toEqual(Object.keys(SYNC_DEFAULTS).sort());
  });

  it('refuse a bad value by name, with its tally.conf line', () => {
    expect(codeOf(() => syncOptionsFrom({ 'sync-range-size': ['0'] }))).toBe('bad-option');
    expect(codeOf(() => syncOptionsFrom({ 'sync-tick': ['1.5'] }))).toBe('bad-option');
    const dir = datadirWith('# x\nsync-range-size=lots\n');
    expect(() => resolveConfig({ network: 'regtest', datadir: dir, options: {} })).toThrow(`${join(dir, 'tally.conf')}:2: sync-range-size:`);
  });
});

describe('signature-pool options', () => {
  it('are unset by default, so the pool picks threads by core count', () => {
    expect(resolveConfig({ network: 'regtest', datadir: datadirWith(), options: {} }).verifyPool).toEqual({});
  });

  it('are read from the command line and from tally.conf', () => {
    const dir = datadirWith('verify-threads=2\nverify-backend=noble\n');
    const config = resolveConfig({ network: 'regtest', datadir: dir, options: cliLists(['--verify-batch-size', '64', '--verify-inline-below', '0']) });
    expect(config.verifyPool).toEqual({ threads: 2, backend: 'noble', batchSize: 64, inlineBelow: 0 });
  });

  it('refuse bad counts and unknown backends by name', () => {
    expect(codeOf(() => verifyPoolOptionsFrom({ 'verify-threads': ['-1'] }))).toBe('bad-option');
    expect(codeOf(() => verifyPoolOptionsFrom({ 'verify-batch-size': ['0'] }))).toBe('bad-option');
    expect(codeOf(() => verifyPoolOptionsFrom({ 'verify-backend': ['gpu'] }))).toBe('bad-option');
    expect(() => cliLists(['--verify-backend', 'gpu'])).toThrow();
  });
});

describe('wiring', () => {
  it('hands the signature-pool options to the node\'s pool', async () => {
    const { TallyNode } = await import('../../../../src/node/node.js');
    const { createLogger } = await import('../../../../src/node/logging.js');
    const config = resolveConfig({ network: 'regtest', datadir: datadirWith('verify-threads=1\nverify-batch-size=32\n'), options: {} });
    const node = new TallyNode(config, { logger: createLogger('silent', 'json') });
    expect(node.verifyPool.options).toMatchObject({ threads: 1, batchSize: 32 });
  });
});
