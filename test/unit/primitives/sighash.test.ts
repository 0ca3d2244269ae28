import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { concatBytes, equalBytes, fromHex, toHex } from '../../../src/primitives/bytes.js';
import { isTallyError } from '../../../src/primitives/errors.js';
import { sha256, taggedHash } from '../../../src/primitives/hashes.js';
import {
  SIGHASH_ALL,
  SIGHASH_ANYONECANPAY,
  SIGHASH_DEFAULT,
  SIGHASH_NONE,
  SIGHASH_SINGLE,
  SighashError,
  TaprootSigHasher,
  isValidTaprootHashType,
  parseKeyPathWitness,
  taprootSigHash,
} from '../../../src/primitives/sighash.js';
import {
  schnorrSign,
  schnorrVerify,
  taprootTweakPublicKey,
  taprootTweakSecretKey,
  xOnlyPublicKey,
} from '../../../src/primitives/signature.js';
import { Transaction, type TxOutput } from '../../../src/primitives/tx.js';
import { vectorPath } from '../../helpers/vectors.js';

interface KeyPathVector {
  given: { rawUnsignedTx: string; utxosSpent: { scriptPubKey: string; amountSats: number }[] };
  intermediary: {
    hashAmounts: string;
    hashOutputs: string;
    hashPrevouts: string;
    hashScriptPubkeys: string;
    hashSequences: string;
  };
  inputSpending: {
    given: { txinIndex: number; internalPrivkey: string; merkleRoot: string | null; hashType: number };
    intermediary: {
      internalPubkey: string;
      tweak: string;
      tweakedPrivkey: string;
      sigMsg: string;
      precomputedUsed: string[];
      sigHash: string;
    };
    expected: { witness: string[] };
  }[];
}

const vectors = JSON.parse(readFileSync(vectorPath('bip341-wallet-test-vectors.json'), 'utf8')) as {
  keyPathSpending: KeyPathVector[];
};

const VALID_HASH_TYPES = [0x00, 0x01, 0x02, 0x03, 0x81, 0x82, 0x83];
const ZERO_AUX = new Uint8Array(32);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (isTallyError(err)) return err.code;
    throw err;
  }
  return undefined;
}

function loadVector(v: KeyPathVector): { tx: Transaction; spent: TxOutput[] } {
  const tx = Transaction.fromHex(v.given.rawUnsignedTx);
  const spent = v.given.utxosSpent.map((u) => ({ value: BigInt(u.amountSats), scriptPubKey: fromHex(u.scriptPubKey) }));
  return { tx, spent };
}

describe('BIP341 key-path vectors', () => {
  for (const [n, v] of vectors.keyPathSpending.entries()) {
    describe(`keyPathSpending[${n}]`, () => {
      const { tx, spent } = loadVector(v);

      it('decodes and re-encodes the unsigned transaction', () => {
        expect(tx.toHex()).toBe(v.given.rawUnsignedTx);
        expect(tx.inputs.length).toBe(v.given.utxosSpent.length);
      });

      it('computes the precomputed transaction hashes', () => {
        const hasher = new TaprootSigHasher(tx, spent);
        expect(toHex(hasher.shaPrevouts)).toBe(v.intermediary.hashPrevouts);
        expect(toHex(hasher.shaAmounts)).toBe(v.intermediary.hashAmounts);
        expect(toHex(hasher.shaScriptPubKeys)).toBe(v.intermediary.hashScriptPubkeys);
        expect(toHex(hasher.shaSequences)).toBe(v.intermediary.hashSequences);
        expect(toHex(hasher.shaOutputs)).toBe(v.intermediary.hashOutputs);
      });

      const hasher = new TaprootSigHasher(tx, spent);
      for (const input of v.inputSpending) {
        const { txinIndex, hashType, internalPrivkey, merkleRoot } = input.given;
        const mid = input.intermediary;

        describe(`input ${txinIndex}, hash type 0x${hashType.toString(16)}`, () => {
          it('builds the signature message and hash', () => {
            expect(toHex(hasher.sigMsg(txinIndex, hashType))).toBe(mid.sigMsg);
            expect(toHex(hasher.hash(txinIndex, hashType))).toBe(mid.sigHash);
            expect(toHex(taprootSigHash(tx, txinIndex, spent, hashType))).toBe(mid.sigHash);
          });

          it('commits to exactly the precomputed hashes the vector lists', () => {
            const msg = toHex(hasher.sigMsg(txinIndex, hashType));
            const names = ['hashPrevouts', 'hashAmounts', 'hashScriptPubkeys', 'hashSequences', 'hashOutputs'] as const;
            for (const name of names) {
              expect(msg.includes(v.intermediary[name]), name).toBe(mid.precomputedUsed.includes(name));
            }
          });

          it('derives the output key the spent scriptPubKey commits to', () => {
            expect(toHex(xOnlyPublicKey(fromHex(internalPrivkey)))).toBe(mid.internalPubkey);
            const root = merkleRoot === null ? undefined : fromHex(merkleRoot);
            const tweakData = root === undefined ? [fromHex(mid.internalPubkey)] : [fromHex(mid.internalPubkey), root];
            expect(toHex(taggedHash('TapTweak', ...tweakData))).toBe(mid.tweak);
            expect(toHex(taprootTweakSecretKey(fromHex(internalPrivkey), root))).toBe(mid.tweakedPrivkey);
            const outputKey = spent[txinIndex]!.scriptPubKey.subarray(2, 34);
            expect(equalBytes(taprootTweakPublicKey(fromHex(mid.internalPubkey), root).outputKey, outputKey)).toBe(true);
            expect(equalBytes(xOnlyPublicKey(fromHex(mid.tweakedPrivkey)), outputKey)).toBe(true);
          });

          it('signs to the expected witness, which verifies against the output key', () => {
            const sigHash = hasher.hash(txinIndex, hashType);
            const sig = schnorrSign(sigHash, fromHex(mid.tweakedPrivkey), ZERO_AUX);
            const item = hashType === SIGHASH_DEFAULT ? sig : concatBytes(sig, Uint8Array.of(hashType));
            expect(input.expected.witness.length).toBe(1);
            expect(toHex(item)).toBe(input.expected.witness[0]);

            const parsed = parseKeyPathWitness(input.expected.witness.map(fromHex));
            expect(parsed.hashType).toBe(hashType);
            expect(parsed.annex).toBeUndefined();
            const outputKey = spent[txinIndex]!.scriptPubKey.subarray(2, 34);
            const recomputed = hasher.hash(txinIndex, parsed.hashType);
            expect(schnorrVerify(parsed.signature, recomputed, outputKey)).toBe(true);
            // The same signature must not verify for another hash type of the same input.
            const other = hashType === SIGHASH_ALL ? SIGHASH_DEFAULT : SIGHASH_ALL;
            expect(schnorrVerify(parsed.signature, hasher.hash(txinIndex, other), outputKey)).toBe(false);
          });
        });
      }
    });
  }
});

describe('taprootSigHash', () => {
  const { tx, spent } = loadVector(vectors.keyPathSpending[0]!);
  const hasher = new TaprootSigHasher(tx, spent);
  const rebuild = (fields: Partial<ConstructorParameters<typeof Transaction>[0]>): Transaction =>
    new Transaction({ version: tx.version, inputs: tx.inputs, outputs: tx.outputs, locktime: tx.locktime, ...fields });

  it('knows the BIP341 hash types', () => {
    for (let t = -1; t <= 0x100; t++) expect(isValidTaprootHashType(t), `0x${t.toString(16)}`).toBe(VALID_HASH_TYPES.includes(t));
    expect(isValidTaprootHashType(1.5)).toBe(false);
    expect(isValidTaprootHashType(Number.NaN)).toBe(false);
  });

  it('agrees with TaprootSigHasher for every input and hash type', () => {
    for (let i = 0; i < tx.inputs.length; i++) {
      for (const t of VALID_HASH_TYPES) {
        if ((t & 3) === SIGHASH_SINGLE && i >= tx.outputs.length) continue;
        expect(equalBytes(taprootSigHash(tx, i, spent, t), hasher.hash(i, t))).toBe(true);
      }
    }
  });

  it('rejects hash types BIP341 does not define with bad-sighash-type', () => {
    for (const t of [0x04, 0x7f, 0x80, 0x84, 0xff, 0x100, -1, 1.5]) {
      expect(codeOf(() => taprootSigHash(tx, 0, spent, t)), `0x${t.toString(16)}`).toBe('bad-sighash-type');
    }
  });

  it('rejects SIGHASH_SINGLE on an input without a matching output', () => {
    expect(tx.outputs.length).toBe(2);
    for (const t of [SIGHASH_SINGLE, SIGHASH_SINGLE | SIGHASH_ANYONECANPAY]) {
      expect(() => hasher.hash(1, t)).not.toThrow();
      expect(codeOf(() => hasher.hash(2, t))).toBe('sighash-single-no-output');
      expect(codeOf(() => taprootSigHash(tx, 8, spent, t))).toBe('sighash-single-no-output');
    }
    try {
      hasher.hash(2, SIGHASH_SINGLE);
    } catch (err) {
      expect(err).toBeInstanceOf(SighashError);
    }
  });

  it('rejects an input index outside the transaction', () => {
    for (const i of [-1, tx.inputs.length, 1.5]) {
      expect(codeOf(() => hasher.hash(i, SIGHASH_DEFAULT))).toBe('bad-input-index');
    }
  });

  it('requires one spent output per input', () => {
    expect(codeOf(() => new TaprootSigHasher(tx, spent.slice(1)))).toBe('spent-outputs-mismatch');
    expect(codeOf(() => taprootSigHash(tx, 0, [...spent, spent[0]!], SIGHASH_DEFAULT))).toBe('spent-outputs-mismatch');
  });

  it('commits to the annex and rejects one without the 0x50 tag', () => {
    const annex = Uint8Array.of(0x50, 0x01, 0x02);
    const plain = hasher.sigMsg(0, SIGHASH_DEFAULT);
    const withAnnex = hasher.sigMsg(0, SIGHASH_DEFAULT, annex);
    // spend_type sits after epoch, hash type, version, locktime and the five 32-byte hashes.
    const spendTypeAt = 1 + 1 + 4 + 4 + 5 * 32;
    expect(plain[spendTypeAt]).toBe(0);
    expect(withAnnex[spendTypeAt]).toBe(1);
    expect(withAnnex.length).toBe(plain.length + 32);
    expect(equalBytes(withAnnex.subarray(-32), sha256(Uint8Array.of(3, ...annex)))).toBe(true);
    expect(equalBytes(hasher.hash(0, SIGHASH_DEFAULT, annex), hasher.hash(0, SIGHASH_DEFAULT, Uint8Array.of(0x50, 0x01)))).toBe(false);
    expect(codeOf(() => hasher.hash(0, SIGHASH_DEFAULT, Uint8Array.of(0x51)))).toBe('bad-annex');
    expect(codeOf(() => hasher.hash(0, SIGHASH_DEFAULT, new Uint8Array(0)))).toBe('bad-annex');
  });

  it('commits to outputs only as the hash type says', () => {
    const changed = rebuild({ outputs: [tx.outputs[0]!, { ...tx.outputs[1]!, value: tx.outputs[1]!.value - 1n }] });
    const same = (t: number, i: number): boolean => equalBytes(taprootSigHash(changed, i, spent, t), hasher.hash(i, t));
    expect(same(SIGHASH_DEFAULT, 0)).toBe(false);
    expect(same(SIGHASH_ALL, 0)).toBe(false);
    expect(same(SIGHASH_NONE, 0)).toBe(true);
    expect(same(SIGHASH_SINGLE, 0)).toBe(true);
    expect(same(SIGHASH_SINGLE, 1)).toBe(false);
  });

  it('commits to other inputs and spent outputs only without ANYONECANPAY', () => {
    const inputs = tx.inputs.map((input, i) => (i === 5 ? { ...input, sequence: input.sequence ^ 1 } : input));
    const changed = rebuild({ inputs });
    const changedSpent = spent.map((o, i) => (i === 1 ? { ...o, value: o.value + 1n } : o));
    for (const t of [SIGHASH_ALL, SIGHASH_NONE, SIGHASH_SINGLE]) {
      expect(equalBytes(taprootSigHash(changed, 0, spent, t), hasher.hash(0, t))).toBe(false);
      expect(equalBytes(taprootSigHash(tx, 0, changedSpent, t), hasher.hash(0, t))).toBe(false);
      const acp = t | SIGHASH_ANYONECANPAY;
      expect(equalBytes(taprootSigHash(changed, 0, spent, acp), hasher.hash(0, acp))).toBe(true);
      expect(equalBytes(taprootSigHash(tx, 0, changedSpent, acp), hasher.hash(0, acp))).toBe(true);
      expect(equalBytes(taprootSigHash(tx, 1, changedSpent, acp), hasher.hash(1, acp))).toBe(false);
    }
  });
});

describe('parseKeyPathWitness', () => {
  const sig64 = new Uint8Array(64).fill(0xaa);
  const withType = (t: number): Uint8Array => concatBytes(sig64, Uint8Array.of(t));

  it('reads a 64-byte signature as SIGHASH_DEFAULT', () => {
    const parsed = parseKeyPathWitness([sig64]);
    expect(toHex(parsed.signature)).toBe(toHex(sig64));
    expect(parsed.hashType).toBe(SIGHASH_DEFAULT);
    expect(parsed.annex).toBeUndefined();
  });

  it('reads the hash type from the 65th byte', () => {
    for (const t of VALID_HASH_TYPES.filter((x) => x !== SIGHASH_DEFAULT)) {
      const parsed = parseKeyPathWitness([withType(t)]);
      expect(parsed.hashType).toBe(t);
      expect(toHex(parsed.signature)).toBe(toHex(sig64));
    }
  });

  it('rejects an explicit 0x00 hash type byte and undefined hash types', () => {
    for (const t of [0x00, 0x04, 0x80, 0x84, 0xff]) {
      expect(codeOf(() => parseKeyPathWitness([withType(t)])), `0x${t.toString(16)}`).toBe('bad-sighash-type');
    }
  });

  it('rejects signatures of other sizes', () => {
    for (const n of [0, 1, 63, 66, 72]) {
      expect(codeOf(() => parseKeyPathWitness([new Uint8Array(n)])), `${n} bytes`).toBe('bad-signature-size');
    }
  });

  it('rejects an empty witness', () => {
    expect(codeOf(() => parseKeyPathWitness([]))).toBe('empty-witness');
  });

  it('removes an annex from the end of a witness with two or more items', () => {
    const annex = Uint8Array.of(0x50, 0xde, 0xad);
    const parsed = parseKeyPathWitness([withType(SIGHASH_SINGLE), annex]);
    expect(parsed.hashType).toBe(SIGHASH_SINGLE);
    expect(toHex(parsed.annex!)).toBe(toHex(annex));
    expect(toHex(parseKeyPathWitness([sig64, Uint8Array.of(0x50)]).annex!)).toBe('50');
  });

  it('does not treat a lone item starting with 0x50 as an annex', () => {
    const sig = new Uint8Array(64).fill(0x50);
    const parsed = parseKeyPathWitness([sig]);
    expect(parsed.annex).toBeUndefined();
    expect(toHex(parsed.signature)).toBe(toHex(sig));
  });

  it('rejects script-path spends', () => {
    const script = Uint8Array.of(0x51);
    const control = new Uint8Array(33).fill(0xc0);
    expect(codeOf(() => parseKeyPathWitness([sig64, script, control]))).toBe('script-path-unsupported');
    expect(codeOf(() => parseKeyPathWitness([sig64, Uint8Array.of(0x51)]))).toBe('script-path-unsupported');
    expect(codeOf(() => parseKeyPathWitness([sig64, script, control, Uint8Array.of(0x50)]))).toBe('script-path-unsupported');
    // An item starting with 0x50 is an annex only in last position.
    expect(codeOf(() => parseKeyPathWitness([Uint8Array.of(0x50), sig64]))).toBe('script-path-unsupported');
  });

  it('throws SighashError, a TallyError', () => {
    try {
      parseKeyPathWitness([]);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SighashError);
      expect(isTallyError(err, 'empty-witness')).toBe(true);
    }
  });
});
