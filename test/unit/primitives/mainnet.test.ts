/**
 * The primitives against real Bitcoin data: mainnet blocks 1..255 (the whole of
 * `mainnet-blocks-1-256.bz2`, which starts after genesis) and headers 1..11 decode, re-encode byte for byte, hash, chain and meet their proof of work.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { checkProofOfWork, verifyHeaderHash } from '../../../src/consensus/pow.js';
import { Block, BlockHeader, HEADER_SIZE } from '../../../src/primitives/block.js';
import { concatBytes, equalBytes, hashToHex, toHex } from '../../../src/primitives/bytes.js';
import { EncodingError } from '../../../src/primitives/errors.js';
import { merkleRoot } from '../../../src/primitives/merkle.js';
import { GENESIS_HASH, MAINNET_BLOCK_COUNT, loadMainnetBlocks, loadMainnetHeaders } from '../../helpers/bitcoin-blocks.js';
import { thrownCode } from '../../helpers/errors.js';

/** Bitcoin mainnet's proof-of-work limit: the target of bits 0x1d00ffff. */
const MAINNET_POW_LIMIT = (1n << 224n) - 1n;

const encodingErrorCode = (fn: () => unknown): string => thrownCode(fn, EncodingError);

describe('mainnet blocks 1..255', () => {
  let raw: Uint8Array[];
  let blocks: Block[];

  beforeAll(() => {
    raw = loadMainnetBlocks();
    blocks = raw.map((bytes) => Block.fromBytes(bytes));
  });

  it('loads the 255 blocks of the file, heights 1..255', () => {
    expect(raw).toHaveLength(MAINNET_BLOCK_COUNT);
    expect(blocks).toHaveLength(MAINNET_BLOCK_COUNT);
  });

  it('every block re-encodes byte for byte', () => {
    for (let i = 0; i < blocks.length; i++) {
      const block = blocks[i]!;
      expect(equalBytes(block.toBytes(), raw[i]!), `block ${i + 1}`).toBe(true);
      expect(block.size).toBe(raw[i]!.length);
      // Pre-segwit blocks: no witness data, so stripped size = size and weight = 4 x size.
      expect(block.strippedSize).toBe(raw[i]!.length);
      expect(block.weight).toBe(4 * raw[i]!.length);
      expect(equalBytes(block.header.toBytes(), raw[i]!.subarray(0, HEADER_SIZE))).toBe(true);
    }
  });

  it("a decoded block's header owns its hashes and each transaction its bytes, never the block's", () => {
    const block = blocks[169]!; // height 170: two transactions
    const input = raw[169]!;
    expect(block.header.prevHashBytes.buffer.byteLength).toBe(32);
    expect(block.header.merkleRootBytes.buffer.byteLength).toBe(32);
    const [coinbase, spend] = block.transactions;
    expect(coinbase!.outputs[0]!.scriptPubKey.buffer).toBe(coinbase!.toBytes().buffer);
    expect(spend!.inputs[0]!.scriptSig.buffer).toBe(spend!.toBytes().buffer);
    expect(spend!.toBytes().buffer).not.toBe(coinbase!.toBytes().buffer);
    expect(spend!.toBytes().buffer).not.toBe(input.buffer);
    expect(spend!.toBytes().buffer.byteLength).toBe(spend!.totalSize);
  });

  it('every merkle root matches its header, unmutated, and merkleRoot(txids) agrees', () => {
    for (let i = 0; i < blocks.length; i++) {
      const block = blocks[i]!;
      const { root, mutated } = block.computeMerkleRoot();
      expect(hashToHex(root), `block ${i + 1}`).toBe(block.header.merkleRoot);
      expect(mutated, `block ${i + 1}`).toBe(false);
      expect(merkleRoot(block.transactions.map((tx) => tx.txid))).toBe(block.header.merkleRoot);
    }
  });

  it('every block hash satisfies its bits', () => {
    for (let i = 0; i < blocks.length; i++) {
      const { header } = blocks[i]!;
      expect(header.bits).toBe(0x1d00ffff);
      expect(checkProofOfWork(header.hash, header.bits), `block ${i + 1}`).toBe(true);
      expect(checkProofOfWork(header.hash, header.bits, MAINNET_POW_LIMIT)).toBe(true);
      expect(verifyHeaderHash(header.hashBytes, header.bits, MAINNET_POW_LIMIT)).toBe(true);
    }
  });

  it('a tampered nonce breaks the proof of work', () => {
    const header = blocks[0]!.header.with({ nonce: (blocks[0]!.header.nonce + 1) >>> 0 });
    expect(checkProofOfWork(header.hash, header.bits)).toBe(false);
    expect(verifyHeaderHash(header.hashBytes, header.bits, MAINNET_POW_LIMIT)).toBe(false);
  });

  it('blocks chain from genesis: each prevHash is the previous block hash', () => {
    expect(blocks[0]!.header.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < blocks.length; i++) {
      expect(blocks[i]!.header.prevHash, `block ${i + 1}`).toBe(blocks[i - 1]!.hash);
      expect(equalBytes(blocks[i]!.header.prevHashBytes, blocks[i - 1]!.hashBytes)).toBe(true);
    }
  });

  it('has known block hashes', () => {
    expect(blocks[0]!.hash).toBe('00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048');
    expect(blocks[169]!.hash).toBe('00000000d1145790a8694403d4063f323d499e655c83426834d4ce2f8dd4a2ee');
  });

  it("block 1's coinbase has the known txid and is a coinbase", () => {
    const block1 = blocks[0]!;
    expect(block1.transactions).toHaveLength(1);
    const coinbase = block1.transactions[0]!;
    expect(coinbase.isCoinbase()).toBe(true);
    expect(coinbase.hasWitness).toBe(false);
    expect(coinbase.txid).toBe('0e3e2357e806b6cdb1f70b54c3a3a17b6714ee1f0e68bebb44a74b1efd512098');
    expect(coinbase.wtxid).toBe(coinbase.txid);
    expect(block1.header.merkleRoot).toBe(coinbase.txid);
    expect(coinbase.outputs[0]!.value).toBe(50n * 100_000_000n);
  });

  it('block 170 carries the first non-coinbase transaction', () => {
    const firstMulti = blocks.findIndex((b) => b.transactions.length > 1);
    expect(firstMulti + 1).toBe(170);
    const block170 = blocks[169]!;
    expect(block170.transactions).toHaveLength(2);
    const [coinbase, spend] = block170.transactions as [Block['transactions'][0], Block['transactions'][0]];
    expect(coinbase.isCoinbase()).toBe(true);
    expect(spend.isCoinbase()).toBe(false);
    expect(spend.txid).toBe('f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16');
    // It spends block 9's coinbase (Satoshi to Hal Finney): 10 BTC out, 40 BTC change.
    expect(hashToHex(spend.inputs[0]!.prevout.txid)).toBe(blocks[8]!.transactions[0]!.txid);
    expect(spend.inputs[0]!.prevout.vout).toBe(0);
    expect(spend.outputs.map((o) => o.value)).toEqual([10n * 100_000_000n, 40n * 100_000_000n]);
    expect(merkleRoot([coinbase.txid, spend.txid])).toBe(block170.header.merkleRoot);
  });

  it('every block starts with exactly one coinbase', () => {
    for (const block of blocks) {
      expect(block.transactions[0]!.isCoinbase()).toBe(true);
      for (const tx of block.transactions.slice(1)) expect(tx.isCoinbase()).toBe(false);
    }
  });
});

describe('mainnet headers 1..11', () => {
  const headers = loadMainnetHeaders();

  it('has 11 headers of 80 bytes', () => {
    expect(headers).toHaveLength(11);
    for (const hex of headers) expect(hex).toHaveLength(2 * HEADER_SIZE);
  });

  it('each header decodes, re-encodes, chains from genesis and meets its proof of work', () => {
    let prev = GENESIS_HASH;
    for (let i = 0; i < headers.length; i++) {
      const header = BlockHeader.fromHex(headers[i]!);
      expect(header.toHex(), `header ${i + 1}`).toBe(headers[i]!.toLowerCase());
      expect(header.prevHash, `header ${i + 1}`).toBe(prev);
      expect(checkProofOfWork(header.hash, header.bits, MAINNET_POW_LIMIT)).toBe(true);
      expect(verifyHeaderHash(header.hashBytes, header.bits, MAINNET_POW_LIMIT)).toBe(true);
      prev = header.hash;
    }
  });

  it('agrees with the headers of the block file', () => {
    const blocks = loadMainnetBlocks();
    for (let i = 0; i < headers.length; i++) {
      expect(toHex(blocks[i]!.subarray(0, HEADER_SIZE))).toBe(headers[i]!.toLowerCase());
    }
  });
});

describe('malformed block data', () => {
  it('BlockHeader.fromBytes refuses anything but 80 bytes', () => {
    const header = loadMainnetBlocks()[0]!.subarray(0, HEADER_SIZE);
    expect(encodingErrorCode(() => BlockHeader.fromBytes(header.subarray(0, 79)))).toBe('bad-header-length');
    expect(encodingErrorCode(() => BlockHeader.fromBytes(concatBytes(header, Uint8Array.of(0))))).toBe('bad-header-length');
    expect(encodingErrorCode(() => BlockHeader.fromBytes(new Uint8Array(0)))).toBe('bad-header-length');
  });

  it('a truncated block throws read-out-of-bounds', () => {
    for (const bytes of [loadMainnetBlocks()[0]!, loadMainnetBlocks()[169]!]) {
      expect(encodingErrorCode(() => Block.fromBytes(bytes.subarray(0, bytes.length - 1)))).toBe('read-out-of-bounds');
      expect(encodingErrorCode(() => Block.fromBytes(bytes.subarray(0, 100)))).toBe('read-out-of-bounds');
      expect(encodingErrorCode(() => Block.fromBytes(bytes.subarray(0, 79)))).toBe('read-out-of-bounds');
    }
  });

  it('trailing bytes after a block throw trailing-bytes', () => {
    const bytes = loadMainnetBlocks()[0]!;
    expect(encodingErrorCode(() => Block.fromBytes(concatBytes(bytes, Uint8Array.of(0))))).toBe('trailing-bytes');
  });
});
