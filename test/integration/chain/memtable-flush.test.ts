/**
 * On a real LevelDB: a batch larger than the write buffer stays in the memtable
 * (native memory) until something writes it out, and MemtableFlusher's empty-range
 * compaction does, leaving every record readable.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Level } from 'level';
import { MemtableFlusher, memtableFlusherFor } from '../../../src/chain/memtable-flush.js';
import { levelMemoryFor } from '../../../src/chain/level-options.js';
import { tempDir } from '../../helpers/tmp.js';

const root = tempDir('tally-memtable');
let db: Level<Uint8Array, Uint8Array> | undefined;
afterEach(async () => db?.close());

/** LevelDB's own estimate of its memtables and block cache, bytes. */
const nativeBytes = (level: Level<Uint8Array, Uint8Array>) => Number((level as unknown as { getProperty(p: string): string }).getProperty('leveldb.approximate-memory-usage'));

/** A state flush as the chain writes one: coin records (prefix 'c') of `count` × 100 bytes. */
function coinBatch(count: number): { type: 'put'; key: Uint8Array; value: Uint8Array }[] {
  return Array.from({ length: count }, (_, i) => ({ type: 'put' as const, key: Uint8Array.of(0x63, i >> 16, (i >> 8) & 255, i & 255), value: new Uint8Array(100).fill(i & 255) }));
}

describe('MemtableFlusher on LevelDB', () => {
  it('frees the memtable a large batch left behind', async () => {
    const memory = levelMemoryFor(4_000_000);
    db = new Level<Uint8Array, Uint8Array>(join(root, 'db'), { keyEncoding: 'view', valueEncoding: 'view', ...memory });
    await db.open();
    const batch = coinBatch(40_000); // about 4 MB, four times the write buffer
    await db.batch(batch);
    const before = nativeBytes(db);
    expect(before).toBeGreaterThan(3 * memory.writeBufferSize);

    const flusher: MemtableFlusher = memtableFlusherFor(db, memory.writeBufferSize)!;
    flusher.wrote(batch.length * 104);
    await flusher.idle();
    expect(nativeBytes(db)).toBeLessThan(before / 3);

    const got = await db.getMany([batch[0]!.key, batch[39_999]!.key]);
    expect(got.map((v) => v?.[0])).toEqual([0, 39_999 & 255]);
  });
});
