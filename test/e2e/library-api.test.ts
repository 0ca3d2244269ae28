/**
 * The public library API, imported the way a wallet imports it: by package
 * name, which Node resolves through package.json "exports" to dist/index.js.
 * `npm test` builds dist first.
 */
import { describe, expect, it } from 'vitest';
import {
  Block, BlockHeader, Transaction, asertTarget, bitsToTarget, checkProofOfWork, decodeAddress, encodeAddress,
  merkleRoot, networks, schnorrVerify, targetToBits, AddressError,
} from 'tally';
import { readFileSync } from 'node:fs';
import { loadMainnetBlocks } from '../helpers/bitcoin-blocks.js';
import { vectorPath } from '../helpers/vectors.js';

const BITCOIN_GENESIS = '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f';

describe('library API from dist/index.js', () => {
  it('decodes real Bitcoin blocks and headers', () => {
    const bytes = loadMainnetBlocks()[169]!; // block 170: the first with a non-coinbase transaction
    const block = Block.fromBytes(bytes);
    expect(block.transactions).toHaveLength(2);
    expect(block.transactions[1]!.txid).toBe('f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16');
    expect(merkleRoot(block.transactions.map((tx) => tx.txid))).toBe(block.header.merkleRoot);
    expect(checkProofOfWork(block.hash, block.header.bits)).toBe(true);

    const line = readFileSync(vectorPath('bitcoin', 'mainnet-headers-1-11.txt'), 'utf8').split('\n')[0]!.trim();
    const header = BlockHeader.fromBytes(Uint8Array.from(Buffer.from(line, 'hex')));
    expect(header.prevHash).toBe(BITCOIN_GENESIS);
    expect(header.hash).toBe('00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048');
    expect([header.time, header.bits, header.nonce]).toEqual([1231469665, 0x1d00ffff, 2573394689]);
  });

  it('round-trips a transaction through hex', () => {
    const block = Block.fromBytes(loadMainnetBlocks()[169]!);
    const tx = Transaction.fromHex(block.transactions[1]!.toHex());
    expect(tx.toHex()).toBe(block.transactions[1]!.toHex());
    expect(tx.wtxid).toBe(tx.txid);
  });

  it('exposes proof-of-work, ASERT, addresses, signatures and networks', () => {
    expect(bitsToTarget(0x1d00ffff)).toBe(0xffffn << 208n);
    expect(targetToBits(0xffffn << 208n)).toBe(0x1d00ffff);
    const powLimit = bitsToTarget(0x1d00ffff);
    expect(asertTarget({ anchorBits: 0x1d00ffff, timeDiff: 1200, heightDiff: 1, targetSpacing: 600, halfLife: 172800, powLimit })).toBe(0x1d00ffff);
    const key = new Uint8Array(32).fill(7);
    const address = encodeAddress(networks.testnet.addressPrefix, key);
    expect(decodeAddress('tlt', address)).toEqual(key);
    expect(() => decodeAddress('tlr', address)).toThrow(AddressError);
    expect(schnorrVerify(new Uint8Array(64), new Uint8Array(32), key)).toBe(false);
    expect(Object.keys(networks).sort()).toEqual(['regtest', 'testnet']);
    expect(networks.testnet.genesisHash).toMatch(/^0000/);
  });
});
