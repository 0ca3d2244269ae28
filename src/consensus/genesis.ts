/**
 * Genesis blocks. Each network's genesis is built by this one function from the
 * fields in its parameters; the nonce was found once (scripts/mine-genesis.ts)
 * and is fixed, and the resulting hash is pinned in the parameters and in tests.
 */
import { Block, BlockHeader } from '../primitives/block.js';
import { concatBytes } from '../primitives/bytes.js';
import { computeMerkleRoot } from '../primitives/merkle.js';
import { encodeHeightPush, nullDataScript, pushData } from '../primitives/script.js';
import { NULL_TXID, NULL_VOUT, Transaction } from '../primitives/tx.js';

export interface GenesisSpec {
  version: number;
  time: number;
  bits: number;
  nonce: number;
  /** Text in the coinbase scriptSig and its single OP_RETURN output. */
  message: string;
}

/**
 * The genesis coinbase: BIP34 height 0, the message, and one zero-value OP_RETURN
 * output. Genesis outputs never enter the UTXO set (as in Bitcoin), so nothing
 * can be spent from it.
 */
export function genesisCoinbase(message: string): Transaction {
  const text = new TextEncoder().encode(message);
  return new Transaction({
    version: 1,
    inputs: [{
      prevout: { txid: NULL_TXID, vout: NULL_VOUT },
      scriptSig: concatBytes(encodeHeightPush(0), pushData(text)),
      sequence: 0xffffffff,
      witness: [],
    }],
    outputs: [{ value: 0n, scriptPubKey: nullDataScript(text) }],
    locktime: 0,
  });
}

/** Builds the genesis block described by `spec`. */
export function buildGenesisBlock(spec: GenesisSpec): Block {
  const coinbase = genesisCoinbase(spec.message);
  const header = new BlockHeader({
    version: spec.version,
    prevHashBytes: new Uint8Array(32),
    merkleRootBytes: computeMerkleRoot([coinbase.txidBytes]).root,
    time: spec.time,
    bits: spec.bits,
    nonce: spec.nonce,
  });
  return new Block(header, [coinbase]);
}
