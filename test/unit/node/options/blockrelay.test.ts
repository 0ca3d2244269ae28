/** `--blockrelay` (PROTOCOL.md §9.5): compact by default, full on request, anything else refused at start by name. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../../../src/node/config.js';
import { p2pOptionsFromConfig } from '../../../../src/node/options/p2p.js';
import { tempDir } from '../../../helpers/tmp.js';

const root = tempDir('tally-blockrelay-config');
let n = 0;

function options(cli: Record<string, string[]>, conf?: string) {
  const datadir = join(root, `d${n++}`);
  mkdirSync(datadir, { recursive: true });
  if (conf !== undefined) writeFileSync(join(datadir, 'tally.conf'), conf);
  return p2pOptionsFromConfig(resolveConfig({ network: 'regtest', datadir, options: cli }));
}

describe('--blockrelay', () => {
  it('is compact unless told otherwise', () => {
    expect(options({}).blockRelay).toBe('compact');
  });

  it('takes full and compact, on the command line and in tally.conf', () => {
    expect(options({ blockrelay: ['full'] }).blockRelay).toBe('full');
    expect(options({ blockrelay: ['full', 'compact'] }).blockRelay).toBe('compact');
    expect(options({}, 'blockrelay=full\n').blockRelay).toBe('full');
  });

  it('refuses any other mode, naming the option', () => {
    let error: unknown;
    try {
      options({ blockrelay: ['headers'] });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'bad-option' });
    expect((error as Error).message).toContain('blockrelay');
  });
});
