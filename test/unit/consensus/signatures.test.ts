import { describe, expect, it } from 'vitest';
import { p2tr } from '@scure/btc-signer';
import { COIN } from '../../../src/consensus/constants.js';
import { asBlockError } from '../../../src/consensus/block-checks.js';
import { txError } from '../../../src/consensus/errors.js';
import {
  checkTxSignatures,
  collectSignatureChecks,
  findInvalidSignature,
  isScriptFailure,
  SCRIPT_FAILURE,
  type SignatureCheck,
} from '../../../src/consensus/signatures.js';
import { equalBytes } from '../../../src/primitives/bytes.js';
import { TallyError } from '../../../src/primitives/errors.js';
import { sha256d } from '../../../src/primitives/hashes.js';
import { classifyOutput, nullDataScript, taprootScript } from '../../../src/primitives/script.js';
import {
  ANNEX_TAG,
  SIGHASH_ALL,
  SIGHASH_ANYONECANPAY,
  SIGHASH_DEFAULT,
  SIGHASH_NONE,
  SIGHASH_SINGLE,
  taprootSigHash,
  TaprootSigHasher,
} from '../../../src/primitives/sighash.js';
import { outputKeyFromSecret, scriptFromSecret, signTaprootInputs } from '../../../src/primitives/sign.js';
import {
  createVerifier,
  schnorrSign,
  schnorrVerify,
  taprootTweakPublicKey,
  taprootTweakSecretKey,
  xOnlyPublicKey,
} from '../../../src/primitives/signature.js';
import { Transaction, type TxOutput } from '../../../src/primitives/tx.js';
import { catchRuleError, flipBit, mutateTx, payTo, spend, testKey, withWitness, type OwnedCoin } from '../../helpers/chain.js';

function owned(n: number, value: bigint, key = testKey(n)): OwnedCoin {
  return { prevout: { txid: sha256d(Uint8Array.of(0xc0, n)), vout: n }, output: payTo(n, value), key };
}

const A = owned(1, 10n * COIN);
const B = owned(2, 5n * COIN);
const SPENT: TxOutput[] = [A.output, B.output];
const OUTPUTS = [payTo(3, 9n * COIN), payTo(4, 5n * COIN)];
/** A valid two-input spend signed with SIGHASH_DEFAULT. */
const TX = spend([A, B], OUTPUTS);

function unsigned(coins: readonly OwnedCoin[], outputs: readonly TxOutput[]): Transaction {
  return new Transaction({
    version: 2,
    inputs: coins.map((c) => ({ prevout: c.prevout, scriptSig: new Uint8Array(0), sequence: 0xfffffffd, witness: [] })),
    outputs,
    locktime: 0,
  });
}

function expectScriptFailure(fn: () => unknown): void {
  const err = catchRuleError(fn);
  expect(err.code).toBe(SCRIPT_FAILURE);
  expect(err.scope).toBe('tx');
  expect(isScriptFailure(err)).toBe(true);
}

it('SCRIPT_FAILURE is Bitcoin Core\'s reject string', () => {
  expect(SCRIPT_FAILURE).toBe('mandatory-script-verify-flag-failed');
});

describe.each(['noble', 'wasm'] as const)('signature checks with the %s verifier', (name) => {
  const verifier = createVerifier(name);

  it('accepts a valid signed spend', () => {
    const checks = collectSignatureChecks(TX, SPENT);
    expect(findInvalidSignature(checks, verifier)).toBe(-1);
    expect(() => checkTxSignatures(TX, SPENT, verifier)).not.toThrow();
  });

  it('accepts a 65-byte SIGHASH_ALL signature', () => {
    const tx = signTaprootInputs(unsigned([A, B], OUTPUTS), SPENT, [A.key, B.key], SIGHASH_ALL);
    expect(tx.inputs.map((i) => i.witness[0]!.length)).toEqual([65, 65]);
    expect(() => checkTxSignatures(tx, SPENT, verifier)).not.toThrow();
  });

  it.each([
    ['SIGHASH_NONE', SIGHASH_NONE],
    ['SIGHASH_SINGLE', SIGHASH_SINGLE],
    ['SIGHASH_ALL|ANYONECANPAY', SIGHASH_ALL | SIGHASH_ANYONECANPAY],
    ['SIGHASH_NONE|ANYONECANPAY', SIGHASH_NONE | SIGHASH_ANYONECANPAY],
    ['SIGHASH_SINGLE|ANYONECANPAY', SIGHASH_SINGLE | SIGHASH_ANYONECANPAY],
  ])('accepts %s', (_label, hashType) => {
    const tx = signTaprootInputs(unsigned([A, B], OUTPUTS), SPENT, [A.key, B.key], hashType);
    expect(tx.inputs[0]!.witness[0]![64]).toBe(hashType);
    expect(() => checkTxSignatures(tx, SPENT, verifier)).not.toThrow();
  });

  it('rejects a signature with one bit flipped', () => {
    for (const bit of [0, 255, 511]) {
      const tx = withWitness(TX, 1, [flipBit(TX.inputs[1]!.witness[0]!, bit)]);
      expect(findInvalidSignature(collectSignatureChecks(tx, SPENT), verifier)).toBe(1);
      expectScriptFailure(() => checkTxSignatures(tx, SPENT, verifier));
    }
  });

  it('rejects a signature by the wrong key', () => {
    const thief = owned(1, 10n * COIN, testKey(99));
    const tx = spend([thief, B], OUTPUTS);
    expect(findInvalidSignature(collectSignatureChecks(tx, SPENT), verifier)).toBe(0);
    expectScriptFailure(() => checkTxSignatures(tx, SPENT, verifier));
  });

  it('rejects a signature by the untweaked internal key (BIP86 needs the tweaked one)', () => {
    const hasher = new TaprootSigHasher(unsigned([A], [OUTPUTS[0]!]), [A.output]);
    const sig = schnorrSign(hasher.hash(0, SIGHASH_DEFAULT), A.key);
    const tx = withWitness(unsigned([A], [OUTPUTS[0]!]), 0, [sig]);
    expectScriptFailure(() => checkTxSignatures(tx, [A.output], verifier));
  });

  it('rejects when the spent output\'s amount differs from what was signed', () => {
    const spent = [{ ...A.output, value: A.output.value + 1n }, B.output];
    // BIP341 commits every input's signature to all spent amounts.
    expect(findInvalidSignature(collectSignatureChecks(TX, spent), verifier)).toBe(0);
    expectScriptFailure(() => checkTxSignatures(TX, spent, verifier));
  });

  it('rejects when the spent output\'s script differs from what was signed', () => {
    const spent = [A.output, { ...B.output, scriptPubKey: scriptFromSecret(testKey(7)) }];
    expectScriptFailure(() => checkTxSignatures(TX, spent, verifier));
  });

  it('rejects a signature copied from another transaction', () => {
    const other = spend([A, B], [payTo(5, 14n * COIN)]);
    const tx = withWitness(TX, 0, other.inputs[0]!.witness);
    expect(findInvalidSignature(collectSignatureChecks(tx, SPENT), verifier)).toBe(0);
  });

  it('rejects a signature moved to another input', () => {
    const tx = mutateTx(TX, { inputs: [{ ...TX.inputs[0]!, witness: TX.inputs[1]!.witness }, { ...TX.inputs[1]!, witness: TX.inputs[0]!.witness }] });
    expect(findInvalidSignature(collectSignatureChecks(tx, SPENT), verifier)).toBe(0);
  });

  it('accepts a key-path spend with an annex the signature commits to, and rejects one it does not', () => {
    const base = unsigned([A], [OUTPUTS[0]!]);
    const annex = Uint8Array.of(ANNEX_TAG, 1, 2, 3);
    const message = new TaprootSigHasher(base, [A.output]).hash(0, SIGHASH_DEFAULT, annex);
    const sig = schnorrSign(message, taprootTweakSecretKey(A.key));
    const good = withWitness(base, 0, [sig, annex]);
    expect(() => checkTxSignatures(good, [A.output], verifier)).not.toThrow();
    const signedWithout = signTaprootInputs(base, [A.output], [A.key]);
    const bad = withWitness(base, 0, [signedWithout.inputs[0]!.witness[0]!, annex]);
    expectScriptFailure(() => checkTxSignatures(bad, [A.output], verifier));
  });
});

describe('malformed witnesses fail while collecting, before any verification', () => {
  const verifier = createVerifier('noble');
  const sig65 = signTaprootInputs(unsigned([A, B], OUTPUTS), SPENT, [A.key, B.key], SIGHASH_ALL).inputs[0]!.witness[0]!;

  const cases: Array<[string, () => [Transaction, TxOutput[]]]> = [
    ['an invalid hash type byte (0x04)', () => [withWitness(TX, 0, [Uint8Array.of(...sig65.subarray(0, 64), 0x04)]), SPENT]],
    ['an invalid hash type byte (0x84)', () => [withWitness(TX, 0, [Uint8Array.of(...sig65.subarray(0, 64), 0x84)]), SPENT]],
    ['an explicit SIGHASH_DEFAULT byte (65 bytes ending 0x00)', () => [withWitness(TX, 0, [Uint8Array.of(...sig65.subarray(0, 64), 0x00)]), SPENT]],
    ['a 63-byte signature', () => [withWitness(TX, 0, [TX.inputs[0]!.witness[0]!.subarray(0, 63)]), SPENT]],
    ['a 66-byte signature', () => [withWitness(TX, 0, [Uint8Array.of(...sig65, 0x01)]), SPENT]],
    ['an empty witness', () => [withWitness(TX, 1, []), SPENT]],
    ['a 2-item witness (a script-path spend)', () => [withWitness(TX, 0, [TX.inputs[0]!.witness[0]!, Uint8Array.of(0x51)]), SPENT]],
    ['a 3-item witness with an annex (a script-path spend)', () => [withWitness(TX, 0, [TX.inputs[0]!.witness[0]!, Uint8Array.of(0x51), Uint8Array.of(ANNEX_TAG)]), SPENT]],
    ['spending an OP_RETURN output', () => [TX, [A.output, { value: B.output.value, scriptPubKey: nullDataScript(Uint8Array.of(1)) }]]],
    ['spending a segwit v0 output', () => [TX, [{ value: A.output.value, scriptPubKey: Uint8Array.of(0x00, 0x14, ...new Uint8Array(20)) }, B.output]]],
    ['SIGHASH_SINGLE on an input without a matching output', () => {
      const single = signTaprootInputs(unsigned([A, B], [OUTPUTS[0]!]), SPENT, [A.key, A.key], SIGHASH_DEFAULT);
      const sig = Uint8Array.of(...single.inputs[1]!.witness[0]!, SIGHASH_SINGLE);
      return [withWitness(single, 1, [sig]), SPENT];
    }],
  ];

  it.each(cases)('%s', (_name, make) => {
    const [tx, spent] = make();
    expectScriptFailure(() => collectSignatureChecks(tx, spent));
    expectScriptFailure(() => checkTxSignatures(tx, spent, verifier));
  });
});

describe('collectSignatureChecks', () => {
  it('gives one check per input with the BIP341 message, signature and output key', () => {
    const checks = collectSignatureChecks(TX, SPENT);
    expect(checks).toHaveLength(2);
    checks.forEach((check, i) => {
      expect(check.inputIndex).toBe(i);
      expect(check.signature).toEqual(TX.inputs[i]!.witness[0]);
      expect(check.message).toEqual(taprootSigHash(TX, i, SPENT, SIGHASH_DEFAULT));
      expect(check.publicKey).toEqual(outputKeyFromSecret([A, B][i]!.key));
    });
  });

  it('strips the hash type byte from a 65-byte signature and hashes with that type', () => {
    const tx = signTaprootInputs(unsigned([A], [OUTPUTS[0]!]), [A.output], [A.key], SIGHASH_NONE | SIGHASH_ANYONECANPAY);
    const [check] = collectSignatureChecks(tx, [A.output]);
    expect(check!.signature).toEqual(tx.inputs[0]!.witness[0]!.subarray(0, 64));
    expect(check!.message).toEqual(taprootSigHash(tx, 0, [A.output], SIGHASH_NONE | SIGHASH_ANYONECANPAY));
  });

  it('does not verify anything: a garbage 64-byte signature is collected', () => {
    const tx = withWitness(TX, 0, [new Uint8Array(64)]);
    expect(collectSignatureChecks(tx, SPENT)[0]!.signature).toEqual(new Uint8Array(64));
  });
});

describe('findInvalidSignature', () => {
  const verifier = createVerifier('wasm');
  const good = collectSignatureChecks(TX, SPENT);
  const broken = (c: SignatureCheck): SignatureCheck => ({ ...c, signature: flipBit(c.signature, 3) });

  it('returns -1 for no checks', () => {
    expect(findInvalidSignature([], verifier)).toBe(-1);
  });
  it('returns the index of the first failing check', () => {
    expect(findInvalidSignature([good[0]!, broken(good[1]!)], verifier)).toBe(1);
    expect(findInvalidSignature([broken(good[0]!), broken(good[1]!)], verifier)).toBe(0);
    expect(findInvalidSignature([good[0]!, good[1]!, good[0]!, broken(good[0]!)], verifier)).toBe(3);
  });
  it('fails a check whose key is not on the curve instead of throwing', () => {
    const offCurve = { ...good[0]!, publicKey: new Uint8Array(32).fill(0xff) };
    expect(findInvalidSignature([offCurve], verifier)).toBe(0);
    expect(findInvalidSignature([offCurve], createVerifier('noble'))).toBe(0);
  });
});

describe('isScriptFailure', () => {
  it('is true for script failures, also once reported as a block failure', () => {
    const err = catchRuleError(() => checkTxSignatures(withWitness(TX, 0, []), SPENT, createVerifier('noble')));
    expect(isScriptFailure(err)).toBe(true);
    expect(isScriptFailure(asBlockError(err, TX.txid))).toBe(true);
    expect(isScriptFailure(new TallyError(SCRIPT_FAILURE, 'x'))).toBe(true);
  });
  it('is false for other failures', () => {
    expect(isScriptFailure(txError('bad-txns-inputs-missingorspent', 'x', 0))).toBe(false);
    expect(isScriptFailure(new Error(SCRIPT_FAILURE))).toBe(false);
    expect(isScriptFailure(undefined)).toBe(false);
    expect(isScriptFailure(SCRIPT_FAILURE)).toBe(false);
  });
});

describe('sign.ts', () => {
  describe('outputKeyFromSecret', () => {
    it('is the BIP86 tweak of the x-only public key', () => {
      const sk = testKey(5);
      const key = outputKeyFromSecret(sk);
      expect(key).toHaveLength(32);
      expect(key).toEqual(taprootTweakPublicKey(xOnlyPublicKey(sk)).outputKey);
      expect(equalBytes(key, xOnlyPublicKey(sk))).toBe(false);
    });
    it('matches @scure/btc-signer\'s BIP86 p2tr', () => {
      for (const n of [0, 1, 2, 1000]) {
        const sk = testKey(n);
        expect(outputKeyFromSecret(sk)).toEqual(Uint8Array.from(p2tr(xOnlyPublicKey(sk)).tweakedPubkey));
      }
    });
    it('is the key that verifies signatures by the tweaked secret key', () => {
      const msg = sha256d(Uint8Array.of(1));
      expect(schnorrVerify(schnorrSign(msg, taprootTweakSecretKey(testKey(3))), msg, outputKeyFromSecret(testKey(3)))).toBe(true);
    });
  });

  describe('scriptFromSecret', () => {
    it('is OP_1 <32-byte output key>, a taproot output', () => {
      const sk = testKey(6);
      const script = scriptFromSecret(sk);
      expect(script).toEqual(taprootScript(outputKeyFromSecret(sk)));
      expect(script.subarray(0, 2)).toEqual(Uint8Array.of(0x51, 0x20));
      expect(classifyOutput(script)).toEqual({ type: 'taproot', key: outputKeyFromSecret(sk) });
      expect(script).toEqual(Uint8Array.from(p2tr(xOnlyPublicKey(sk)).script));
    });
    it('differs between keys', () => {
      expect(equalBytes(scriptFromSecret(testKey(1)), scriptFromSecret(testKey(2)))).toBe(false);
    });
  });

  describe('signTaprootInputs', () => {
    const base = unsigned([A, B], OUTPUTS);

    it('puts one 64-byte signature in each witness by default and keeps everything else', () => {
      const tx = signTaprootInputs(base, SPENT, [A.key, B.key]);
      expect(tx.inputs.map((i) => i.witness.map((w) => w.length))).toEqual([[64], [64]]);
      expect(tx.txid).toBe(base.txid);
      expect(tx.outputs).toBe(base.outputs);
      expect(tx.locktime).toBe(base.locktime);
      expect(tx.version).toBe(base.version);
      expect(base.hasWitness).toBe(false);
    });

    it('appends an explicit hash type byte', () => {
      const tx = signTaprootInputs(base, SPENT, [A.key, B.key], SIGHASH_ALL | SIGHASH_ANYONECANPAY);
      expect(tx.inputs.map((i) => i.witness[0]!.length)).toEqual([65, 65]);
      expect(tx.inputs.map((i) => i.witness[0]![64])).toEqual([0x81, 0x81]);
    });

    it('is deterministic for a fixed auxRand and random without one', () => {
      const aux = new Uint8Array(32).fill(9);
      const a = signTaprootInputs(base, SPENT, [A.key, B.key], SIGHASH_DEFAULT, aux);
      const b = signTaprootInputs(base, SPENT, [A.key, B.key], SIGHASH_DEFAULT, aux);
      expect(a.wtxid).toBe(b.wtxid);
      const c = signTaprootInputs(base, SPENT, [A.key, B.key]);
      const d = signTaprootInputs(base, SPENT, [A.key, B.key]);
      expect(c.wtxid).not.toBe(d.wtxid);
      expect(c.txid).toBe(d.txid);
    });

    it('throws a RangeError when a key is missing', () => {
      expect(() => signTaprootInputs(base, SPENT, [A.key])).toThrow(RangeError);
    });

    it('SIGHASH_ALL|ANYONECANPAY: a signature stays valid when another input is added', () => {
      const alone = signTaprootInputs(unsigned([A], OUTPUTS), [A.output], [A.key], SIGHASH_ALL | SIGHASH_ANYONECANPAY);
      const joined = signTaprootInputs(base, SPENT, [A.key, B.key], SIGHASH_ALL | SIGHASH_ANYONECANPAY);
      const combined = withWitness(joined, 0, alone.inputs[0]!.witness);
      expect(() => checkTxSignatures(combined, SPENT, createVerifier('wasm'))).not.toThrow();
      // Without ANYONECANPAY the same transplant fails: the signature committed to the single input.
      const aloneAll = signTaprootInputs(unsigned([A], OUTPUTS), [A.output], [A.key], SIGHASH_ALL);
      const joinedAll = signTaprootInputs(base, SPENT, [A.key, B.key], SIGHASH_ALL);
      expect(findInvalidSignature(collectSignatureChecks(withWitness(joinedAll, 0, aloneAll.inputs[0]!.witness), SPENT), createVerifier('wasm'))).toBe(0);
    });

    it('SIGHASH_ALL|ANYONECANPAY still commits to the outputs', () => {
      const signed = signTaprootInputs(base, SPENT, [A.key, B.key], SIGHASH_ALL | SIGHASH_ANYONECANPAY);
      const changed = mutateTx(signed, { outputs: [OUTPUTS[0]!, payTo(9, 5n * COIN)] });
      expect(findInvalidSignature(collectSignatureChecks(changed, SPENT), createVerifier('wasm'))).toBe(0);
    });

    it('SIGHASH_NONE: outputs may change after signing; SIGHASH_DEFAULT: they may not', () => {
      const none = signTaprootInputs(base, SPENT, [A.key, B.key], SIGHASH_NONE);
      const redirected = mutateTx(none, { outputs: [payTo(9, 14n * COIN)] });
      expect(() => checkTxSignatures(redirected, SPENT, createVerifier('wasm'))).not.toThrow();
      expectScriptFailure(() => checkTxSignatures(mutateTx(TX, { outputs: [payTo(9, 14n * COIN)] }), SPENT, createVerifier('wasm')));
    });

    it('SIGHASH_SINGLE: only the output at the input\'s index is committed to', () => {
      const single = signTaprootInputs(base, SPENT, [A.key, B.key], SIGHASH_SINGLE);
      const otherChanged = mutateTx(single, { outputs: [OUTPUTS[0]!, payTo(9, 5n * COIN)] });
      // Input 0 signed output 0 only; input 1 signed output 1, which changed.
      expect(findInvalidSignature(collectSignatureChecks(otherChanged, SPENT), createVerifier('wasm'))).toBe(1);
      expect(findInvalidSignature(collectSignatureChecks(otherChanged, SPENT).slice(0, 1), createVerifier('wasm'))).toBe(-1);
    });
  });
});
