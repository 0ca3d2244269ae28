/**
 * Signing taproot key-path spends, for wallets and tests. Keys follow BIP86:
 * the output key is the internal key tweaked with an empty script tree, so the
 * same secret works with other BIP86 wallets.
 */
import { SIGHASH_DEFAULT, TaprootSigHasher } from './sighash.js';
import { schnorrSign, taprootTweakPublicKey, taprootTweakSecretKey, xOnlyPublicKey } from './signature.js';
import { taprootScript } from './script.js';
import { Transaction, type TxOutput } from './tx.js';

/** The BIP86 output key (x-only) of a secret key: what an address encodes. */
export function outputKeyFromSecret(secretKey: Uint8Array): Uint8Array {
  return taprootTweakPublicKey(xOnlyPublicKey(secretKey)).outputKey;
}

/** The taproot scriptPubKey paying to a secret key's BIP86 output key. */
export function scriptFromSecret(secretKey: Uint8Array): Uint8Array {
  return taprootScript(outputKeyFromSecret(secretKey));
}

/**
 * Returns `tx` with a key-path witness on every input.
 * @param spent the outputs the inputs spend, in input order (BIP341 commits to all of them).
 * @param secretKeys the (untweaked, BIP86) secret key of each input, in input order.
 * @param auxRand fixed BIP340 aux randomness, for reproducible test vectors; random by default.
 */
export function signTaprootInputs(
  tx: Transaction,
  spent: readonly TxOutput[],
  secretKeys: readonly Uint8Array[],
  hashType = SIGHASH_DEFAULT,
  auxRand?: Uint8Array,
): Transaction {
  const hasher = new TaprootSigHasher(tx, spent);
  const inputs = tx.inputs.map((input, i) => {
    const key = secretKeys[i];
    if (!key) throw new RangeError(`no secret key for input ${i}`);
    const sig = schnorrSign(hasher.hash(i, hashType), taprootTweakSecretKey(key), auxRand);
    const witness = hashType === SIGHASH_DEFAULT ? sig : Uint8Array.of(...sig, hashType);
    return { ...input, witness: [witness] };
  });
  return new Transaction({ version: tx.version, inputs, outputs: tx.outputs, locktime: tx.locktime });
}
