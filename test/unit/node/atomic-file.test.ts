import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src/node/atomic-file.js';
import { tempDir } from '../../helpers/tmp.js';

describe('writeFileAtomic', () => {
  const root = tempDir('tally-atomic');
  let n = 0;
  const freshDir = () => {
    const dir = join(root, String(n++));
    mkdirSync(dir);
    return dir;
  };

  it('writes the whole file with mode 0600 and leaves no temporary file', () => {
    const dir = freshDir();
    const path = join(dir, 'p2p.key');
    writeFileAtomic(path, Uint8Array.from([1, 2, 3]));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['p2p.key']);
  });

  it('leaves nothing behind when the write fails', () => {
    const dir = freshDir();
    const path = join(dir, 'missing-folder', 'miner.key');
    expect(() => writeFileAtomic(path, 'secret')).toThrow(/ENOENT/);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
