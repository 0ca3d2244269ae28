/**
 * BIP141 witness commitment. The txid merkle root in the header does not cover
 * witnesses, so the coinbase carries an OP_RETURN output committing to the merkle
 * root of wtxids (the coinbase's wtxid counted as zero) and a 32-byte reserved
 * value held in the coinbase's witness. Together they make the header commit to
 * every byte of the block.
 */
import { concatBytes, equalBytes } from './bytes.js';
import { sha256d } from './hashes.js';
import { computeMerkleRoot } from './merkle.js';
import type { Transaction } from './tx.js';

/** `OP_RETURN OP_PUSHBYTES_36 0xaa21a9ed`: the commitment output's script prefix. */
export const WITNESS_COMMITMENT_HEADER = Uint8Array.of(0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed);
/** Script length of a commitment output (header + 32-byte commitment). */
export const WITNESS_COMMITMENT_SCRIPT_SIZE = 38;

/** Merkle root of the block's wtxids with the coinbase's replaced by zeros. */
export function witnessMerkleRoot(transactions: readonly Transaction[]): Uint8Array {
  const leaves = transactions.map((tx, i) => (i === 0 ? new Uint8Array(32) : tx.wtxidBytes));
  return computeMerkleRoot(leaves).root;
}

/** `sha256d(witnessRoot || reservedValue)`. */
export function witnessCommitment(witnessRoot: Uint8Array, reservedValue: Uint8Array): Uint8Array {
  return sha256d(concatBytes(witnessRoot, reservedValue));
}

/** The commitment output script for a commitment hash. */
export function witnessCommitmentScript(commitment: Uint8Array): Uint8Array {
  return concatBytes(WITNESS_COMMITMENT_HEADER, commitment);
}

/** Index of the coinbase output holding the commitment (the last matching one, as in BIP141), or -1. */
export function findWitnessCommitmentIndex(coinbase: Transaction): number {
  for (let i = coinbase.outputs.length - 1; i >= 0; i--) {
    const script = coinbase.outputs[i]!.scriptPubKey;
    if (script.length >= WITNESS_COMMITMENT_SCRIPT_SIZE && equalBytes(script.subarray(0, 6), WITNESS_COMMITMENT_HEADER)) {
      return i;
    }
  }
  return -1;
}
