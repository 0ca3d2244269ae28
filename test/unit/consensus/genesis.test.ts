import { describe, expect, it } from 'vitest';
import { checkBlockHeader, checkBlockSanity } from '../../../src/consensus/block-checks.js';
import { buildGenesisBlock, genesisCoinbase } from '../../../src/consensus/genesis.js';
import { getGenesisBlock, networks, regtest, testnet } from '../../../src/consensus/params.js';
import { checkProofOfWork } from '../../../src/consensus/pow.js';
import { checkTransactionSanity } from '../../../src/consensus/tx-checks.js';
import { Block } from '../../../src/primitives/block.js';
import { computeMerkleRoot } from '../../../src/primitives/merkle.js';
import { classifyOutput, encodeHeightPush, OP_0 } from '../../../src/primitives/script.js';
import { startsWith } from '../../../src/primitives/bytes.js';

describe.each(Object.values(networks))('$name genesis block', (params) => {
  const genesis = getGenesisBlock(params);

  it('hashes to params.genesisHash', () => {
    expect(genesis.hash).toBe(params.genesisHash);
    expect(Block.fromBytes(genesis.toBytes()).hash).toBe(params.genesisHash);
  });

  it('satisfies its proof of work under the network\'s limit', () => {
    expect(() => checkBlockHeader(genesis.header, params)).not.toThrow();
    expect(checkProofOfWork(genesis.hash, genesis.header.bits, params.powLimit)).toBe(true);
  });

  it('has the header fields of its spec and no parent', () => {
    const { version, time, bits, nonce } = params.genesis;
    expect(genesis.header).toMatchObject({ version, time, bits, nonce });
    expect(genesis.header.prevHashBytes).toEqual(new Uint8Array(32));
  });

  it('has a merkle root over its single coinbase', () => {
    expect(genesis.transactions).toHaveLength(1);
    const { root, mutated } = computeMerkleRoot(genesis.transactions.map((tx) => tx.txidBytes));
    expect(root).toEqual(genesis.header.merkleRootBytes);
    expect(mutated).toBe(false);
    // With one transaction the root is the coinbase txid itself.
    expect(genesis.header.merkleRoot).toBe(genesis.transactions[0]!.txid);
  });

  it('has a coinbase that passes checkTransactionSanity, and passes checkBlockSanity', () => {
    const coinbase = genesis.transactions[0]!;
    expect(coinbase.isCoinbase()).toBe(true);
    expect(() => checkTransactionSanity(coinbase)).not.toThrow();
    expect(() => checkBlockSanity(genesis, params)).not.toThrow();
  });

  it('commits to height 0 and its message, paying nothing spendable', () => {
    const coinbase = genesis.transactions[0]!;
    const scriptSig = coinbase.inputs[0]!.scriptSig;
    expect(scriptSig[0]).toBe(OP_0);
    expect(startsWith(scriptSig, encodeHeightPush(0))).toBe(true);
    expect(new TextDecoder().decode(scriptSig.subarray(2))).toBe(params.genesis.message);
    expect(coinbase.outputs).toHaveLength(1);
    expect(coinbase.outputs[0]!.value).toBe(0n);
    const out = classifyOutput(coinbase.outputs[0]!.scriptPubKey);
    expect(out.type).toBe('nulldata');
    expect(out.type === 'nulldata' && new TextDecoder().decode(out.data)).toBe(params.genesis.message);
  });

  it('is what buildGenesisBlock makes from the spec, and getGenesisBlock caches it', () => {
    expect(buildGenesisBlock(params.genesis).toHex()).toBe(genesis.toHex());
    expect(getGenesisBlock(params)).toBe(genesis);
  });
});

describe('genesisCoinbase', () => {
  it('depends on the message', () => {
    expect(genesisCoinbase('a').txid).not.toBe(genesisCoinbase('b').txid);
    expect(genesisCoinbase('a').txid).toBe(genesisCoinbase('a').txid);
  });
});

describe('buildGenesisBlock', () => {
  it('changes hash with any field of the spec', () => {
    const base = buildGenesisBlock(regtest.genesis).hash;
    expect(buildGenesisBlock({ ...regtest.genesis, nonce: 1 }).hash).not.toBe(base);
    expect(buildGenesisBlock({ ...regtest.genesis, time: regtest.genesis.time + 1 }).hash).not.toBe(base);
    expect(buildGenesisBlock({ ...regtest.genesis, message: 'other' }).hash).not.toBe(base);
  });

  it('needs the pinned testnet nonce to meet the testnet target', () => {
    const wrongNonce = buildGenesisBlock({ ...testnet.genesis, nonce: testnet.genesis.nonce + 1 });
    expect(checkProofOfWork(wrongNonce.hash, wrongNonce.header.bits, testnet.powLimit)).toBe(false);
  });
});
