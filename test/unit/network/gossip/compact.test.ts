/**
 * Compact blocks (PROTOCOL.md §9.5), pure parts: the encoding round trip and
 * its strictness, rebuilding a block from a pool of transactions (missing ones,
 * a short-id collision among ours, a block whose own ids repeat), and telling
 * a collision of ours from a compact block or blocktxn answer that lied.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Block } from '../../../../src/primitives/block.js';
import type { Transaction } from '../../../../src/primitives/tx.js';
import {
  compactBlockOf, decodeBlockTxn, decodeBlockTxnRequest, decodeCompactBlock, encodeBlockTxn, encodeBlockTxnRequest, encodeCompactBlock,
  type CompactBlock,
} from '../../../../src/network/gossip/compact/message.js';
import { diagnose, fill, reconstruct } from '../../../../src/network/gossip/compact/reconstruct.js';
import { shortId, shortIdKey } from '../../../../src/network/gossip/compact/short-ids.js';
import { payTo, spend, TestChain } from '../../../helpers/chain.js';

let block: Block;
let txs: Transaction[];

beforeAll(() => {
  const chain = new TestChain();
  chain.matureCoin(5);
  txs = chain.coinbaseCoins.slice(0, 6).map((coin, i) => spend([coin], [payTo(i + 1, coin.output.value - 1_000n)]));
  block = chain.buildBlock({ transactions: txs, fees: 6_000n });
});

const malformed = expect.objectContaining({ code: 'malformed-message' });

describe('compact block encoding', () => {
  it('round-trips, with the coinbase prefilled and 6-byte ids for the rest', () => {
    const compact = compactBlockOf(block, 0xfedcba9876543210n);
    const bytes = encodeCompactBlock(compact);
    expect(bytes.length).toBe(80 + 8 + 1 + 6 * txs.length + 1 + 1 + block.transactions[0]!.totalSize);
    const back = decodeCompactBlock(bytes);
    expect(back.header.hash).toBe(block.hash);
    expect(back.nonce).toBe(0xfedcba9876543210n);
    expect(back.shortIds).toEqual(compact.shortIds);
    expect(back.prefilled.map((p) => [p.index, p.tx.wtxid])).toEqual([[0, block.transactions[0]!.wtxid]]);
    expect(encodeCompactBlock(back)).toEqual(bytes);
  });

  it('writes prefilled indexes as differences (BIP152) and reads them back', () => {
    const compact: CompactBlock = {
      ...compactBlockOf(block, 1n),
      shortIds: compactBlockOf(block, 1n).shortIds.filter((_, i) => i !== 2 && i !== 4),
      prefilled: [{ index: 0, tx: block.transactions[0]! }, { index: 3, tx: txs[2]! }, { index: 5, tx: txs[4]! }],
    };
    const back = decodeCompactBlock(encodeCompactBlock(compact));
    expect(back.prefilled.map((p) => p.index)).toEqual([0, 3, 5]);
  });

  it('refuses every truncation and trailing bytes', () => {
    const bytes = encodeCompactBlock(compactBlockOf(block, 7n));
    for (let n = 0; n < bytes.length; n++) expect(() => decodeCompactBlock(bytes.subarray(0, n))).toThrow(malformed);
    expect(() => decodeCompactBlock(Uint8Array.of(...bytes, 0))).toThrow(malformed);
  });

  it('refuses counts the bytes cannot hold, no transactions at all, and an index past the block', () => {
    const head = encodeCompactBlock(compactBlockOf(block, 7n)).subarray(0, 88);
    expect(() => decodeCompactBlock(Uint8Array.of(...head, 0xfd, 0x10, 0x27))).toThrow(malformed);
    expect(() => decodeCompactBlock(Uint8Array.of(...head, 0, 0))).toThrow(malformed);
    const coinbase = block.transactions[0]!.toBytes();
    // One short id and one prefilled transaction at index 2, in a block of two.
    expect(() => decodeCompactBlock(Uint8Array.of(...head, 1, 1, 2, 3, 4, 5, 6, 1, 2, ...coinbase))).toThrow(malformed);
  });

  it('getblocktxn and blocktxn round-trip; a request for nothing, or truncated, is malformed', () => {
    const req = { hash: block.hash, indexes: [1, 2, 5, 300] };
    expect(decodeBlockTxnRequest(encodeBlockTxnRequest(req))).toEqual(req);
    expect(() => decodeBlockTxnRequest(encodeBlockTxnRequest({ hash: block.hash, indexes: [] }))).toThrow(malformed);
    const reply = encodeBlockTxn({ hash: block.hash, txs: [txs[0]!, txs[3]!] });
    const back = decodeBlockTxn(reply);
    expect([back.hash, ...back.txs.map((t) => t.wtxid)]).toEqual([block.hash, txs[0]!.wtxid, txs[3]!.wtxid]);
    for (let n = 0; n < reply.length; n++) expect(() => decodeBlockTxn(reply.subarray(0, n))).toThrow(malformed);
  });
});

describe('reconstruction', () => {
  it('rebuilds the block from a pool holding every transaction, in any order, among others', () => {
    const compact = compactBlockOf(block, 42n);
    const others = new TestChain().fork(0);
    others.matureCoin(0);
    const stranger = spend([others.coinbaseCoins[0]!], [payTo(9, 1_000n)]);
    const partial = reconstruct(compact, [stranger, ...[...txs].reverse()]);
    expect(partial.status).toBe('partial');
    if (partial.status !== 'partial') return;
    expect(partial.missing).toEqual([]);
    expect(fill(compact, partial.txs, [], []).toBytes()).toEqual(block.toBytes());
  });

  it('lists the missing transactions, and fills them from an answer', () => {
    const compact = compactBlockOf(block, 42n);
    const partial = reconstruct(compact, [txs[0]!, txs[2]!, txs[3]!, txs[5]!]);
    if (partial.status !== 'partial') throw new Error('expected a partial block');
    expect(partial.missing).toEqual([2, 5]);
    expect(fill(compact, partial.txs, partial.missing, [txs[1]!, txs[4]!]).hash).toBe(block.hash);
    expect(fill(compact, partial.txs, partial.missing, [txs[1]!, txs[4]!]).toBytes()).toEqual(block.toBytes());
  });

  it('leaves a slot empty when two of our transactions share its short id', () => {
    const compact = compactBlockOf(block, 42n);
    // A stand-in with txs[1]'s wtxid bytes (so its short id) under another wtxid: a 48-bit collision.
    const twin = { wtxidBytes: txs[1]!.wtxidBytes, wtxid: 'twin' } as unknown as Transaction;
    const partial = reconstruct(compact, [...txs, twin]);
    if (partial.status !== 'partial') throw new Error('expected a partial block');
    expect(partial.missing).toEqual([2]);
  });

  it('gives up on a block whose own short ids repeat: only the full block will do', () => {
    const compact = compactBlockOf(block, 42n);
    const repeated = { ...compact, shortIds: [compact.shortIds[0]!, ...compact.shortIds.slice(0, -1)] };
    expect(reconstruct(repeated, txs).status).toBe('duplicate-ids');
  });
});

describe('diagnosis against the full block', () => {
  it('a faithful compact block and answer: the failure was a collision of ours', () => {
    const compact = compactBlockOf(block, 5n);
    expect(diagnose(compact, { indexes: [2, 4], txs: [txs[1]!, txs[3]!] }, block)).toBeUndefined();
  });

  it('swapped short ids, a wrong prefilled transaction or count: cmpctblock-mismatch', () => {
    const compact = compactBlockOf(block, 5n);
    const [a, b, ...rest] = compact.shortIds;
    expect(diagnose({ ...compact, shortIds: [b!, a!, ...rest] }, undefined, block)).toBe('cmpctblock-mismatch');
    expect(diagnose({ ...compact, prefilled: [{ index: 0, tx: txs[0]! }] }, undefined, block)).toBe('cmpctblock-mismatch');
    expect(diagnose({ ...compact, shortIds: compact.shortIds.slice(1) }, undefined, block)).toBe('cmpctblock-mismatch');
    const key = shortIdKey(block.header, 5n);
    expect(compact.shortIds[0]).toBe(shortId(key, txs[0]!.wtxidBytes));
  });

  it('an answer with other transactions than the block has at those indexes: blocktxn-mismatch', () => {
    const compact = compactBlockOf(block, 5n);
    expect(diagnose(compact, { indexes: [2, 4], txs: [txs[3]!, txs[1]!] }, block)).toBe('blocktxn-mismatch');
  });
});
