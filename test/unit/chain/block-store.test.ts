import { describe, expect, it } from 'vitest';
import { BlockStore } from '../../../src/chain/block-store.js';
import type { ChainDB } from '../../../src/chain/chaindb.js';
import type { ChainEntry } from '../../../src/chain/entry.js';
import { regtest } from '../../../src/consensus/params.js';
import type { Block } from '../../../src/primitives/block.js';
import { TestChain } from '../../helpers/chain.js';

/** A database that must not be read: every get() below is answered from the cache or fails. */
const noDb = new Proxy({}, { get: () => () => { throw new Error('read from the database'); } }) as unknown as ChainDB;

const entryOf = (block: Block) => ({ hashHex: block.hash }) as unknown as ChainEntry;

function blocks(n: number): Block[] {
  const chain = new TestChain();
  chain.mine(n);
  return chain.blocks.slice(1);
}

describe('BlockStore cache', () => {
  it('keeps blocks up to its count', async () => {
    const [a, b, c] = blocks(3);
    const store = new BlockStore(noDb, regtest, 2, 1_000_000);
    for (const block of [a!, b!, c!]) store.remember(block);
    expect(await store.get(entryOf(c!))).toBe(c);
    expect(await store.get(entryOf(b!))).toBe(b);
    await expect(store.get(entryOf(a!))).rejects.toThrow();
  });

  it('evicts the oldest blocks beyond its byte budget, but always keeps the newest', async () => {
    const [a, b, c] = blocks(3);
    const store = new BlockStore(noDb, regtest, 64, a!.size + b!.size);
    for (const block of [a!, b!, c!]) store.remember(block);
    await expect(store.get(entryOf(a!))).rejects.toThrow();
    expect(await store.get(entryOf(b!))).toBe(b);
    expect(await store.get(entryOf(c!))).toBe(c);
    const tiny = new BlockStore(noDb, regtest, 64, 1);
    tiny.remember(a!);
    tiny.remember(b!);
    expect(await tiny.get(entryOf(b!))).toBe(b);
    await expect(tiny.get(entryOf(a!))).rejects.toThrow();
  });

  it('counts a block remembered twice once', async () => {
    const [a, b] = blocks(2);
    const store = new BlockStore(noDb, regtest, 64, a!.size + b!.size);
    store.remember(a!);
    store.remember(a!);
    store.remember(b!);
    expect(await store.get(entryOf(a!))).toBe(a);
    expect(await store.get(entryOf(b!))).toBe(b);
  });
});
