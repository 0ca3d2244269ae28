/**
 * Spend authorization. Every input spends a taproot output by its key path:
 * one BIP340 signature in the witness over the BIP341 signature hash.
 * Checks are first *collected* (cheap, on the main thread) and then *verified*
 * (expensive, possibly on worker threads), like Bitcoin Core's check queue.
 */
import { SighashError, TaprootSigHasher, parseKeyPathWitness } from '../primitives/sighash.js';
import { classifyOutput } from '../primitives/script.js';
import type { SignatureVerifier } from '../primitives/signature.js';
import type { Transaction, TxOutput } from '../primitives/tx.js';
import { isTallyError } from '../primitives/errors.js';
import { txError } from './errors.js';

/** One signature to verify: everything a worker needs, as plain bytes. */
export interface SignatureCheck {
  readonly inputIndex: number;
  readonly signature: Uint8Array;
  /** The 32-byte BIP341 signature hash. */
  readonly message: Uint8Array;
  /** The x-only output key of the spent taproot output. */
  readonly publicKey: Uint8Array;
}

/** Reject code for a failed spend, Bitcoin Core's string for script failures. */
export const SCRIPT_FAILURE = 'mandatory-script-verify-flag-failed' as const;

/**
 * Builds the signature checks of a non-coinbase transaction.
 * @param spent the outputs spent, in input order.
 * @throws RuleError mandatory-script-verify-flag-failed when a witness is malformed
 *   or a spent output is not taproot.
 */
export function collectSignatureChecks(tx: Transaction, spent: readonly TxOutput[]): SignatureCheck[] {
  const hasher = new TaprootSigHasher(tx, spent);
  return tx.inputs.map((input, inputIndex) => {
    const coin = classifyOutput(spent[inputIndex]!.scriptPubKey);
    if (coin.type !== 'taproot') {
      throw txError(SCRIPT_FAILURE, `input ${inputIndex} spends an output that is not taproot`);
    }
    try {
      const { signature, hashType, annex } = parseKeyPathWitness(input.witness);
      const message = hasher.hash(inputIndex, hashType, annex);
      return { inputIndex, signature, message, publicKey: coin.key };
    } catch (err) {
      if (err instanceof SighashError) throw txError(SCRIPT_FAILURE, `input ${inputIndex}: ${err.code}: ${err.message}`);
      throw err;
    }
  });
}

/** Index of the first check that fails, or -1 when all pass. */
export function findInvalidSignature(checks: readonly SignatureCheck[], verifier: SignatureVerifier): number {
  for (let i = 0; i < checks.length; i++) {
    const c = checks[i]!;
    if (!verifier.verifySchnorr(c.signature, c.message, c.publicKey)) return i;
  }
  return -1;
}

/**
 * Verifies every input's signature of `tx`.
 * @throws RuleError mandatory-script-verify-flag-failed
 */
export function checkTxSignatures(tx: Transaction, spent: readonly TxOutput[], verifier: SignatureVerifier): void {
  const checks = collectSignatureChecks(tx, spent);
  const bad = findInvalidSignature(checks, verifier);
  if (bad >= 0) throw txError(SCRIPT_FAILURE, `input ${checks[bad]!.inputIndex}: invalid Schnorr signature`);
}

/** True when `err` is a signature or witness failure (as opposed to a missing input, say). */
export function isScriptFailure(err: unknown): boolean {
  return isTallyError(err, SCRIPT_FAILURE);
}
