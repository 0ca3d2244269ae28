/**
 * Interoperability with an independent implementation: `@scure/btc-signer`.
 *
 * Addresses, transactions, BIP341 signature hashes and BIP340 signatures made
 * by one side must be accepted, byte for byte, by the other:
 * - btc-signer's BIP86 `p2tr` addresses equal Tally's for the Tally prefixes;
 * - btc-signer-signed spends of a Tally coinbase pass every Tally rule and
 *   connect in a block (SIGHASH_DEFAULT, ALL and ALL|ANYONECANPAY);
 * - Tally-signed transactions decode in btc-signer with the same ids, sizes and
 *   signature hashes, and btc-signer re-signing them with the same BIP340 aux
 *   randomness produces the very same bytes;
 * - a btc-signer transaction with a tampered signature is refused by Tally.
 *
 * btc-signer's `TransactionInput.txid` is in display (reversed) byte order,
 * the order of `Transaction.id`; Tally's `OutPoint.txid` is in internal order.
 */
import { describe, expect, it } from 'vitest';
import { Address, OutScript, p2tr, Script, SigHash, Transaction as BtcTransaction } from '@scure/btc-signer';
import { pubSchnorr, sha256x2, taprootTweakPubkey, type BTC_NETWORK } from '@scure/btc-signer/utils.js';
import { hex } from '@scure/base';
import { concatBytes, reverse, toHex } from '../../../src/primitives/bytes.js';
import { decodeAddress, encodeAddress } from '../../../src/primitives/address.js';
import { isTallyError } from '../../../src/primitives/errors.js';
import { nullDataScript } from '../../../src/primitives/script.js';
import {
  SIGHASH_ALL,
  SIGHASH_ANYONECANPAY,
  SIGHASH_DEFAULT,
  TaprootSigHasher,
  parseKeyPathWitness,
  taprootSigHash,
} from '../../../src/primitives/sighash.js';
import { outputKeyFromSecret, scriptFromSecret, signTaprootInputs } from '../../../src/primitives/sign.js';
import {
  createVerifier,
  schnorrSign,
  taprootTweakSecretKey,
  type VerifierName,
} from '../../../src/primitives/signature.js';
import { Transaction, type TxOutput } from '../../../src/primitives/tx.js';
import { checkBlockSpends } from '../../../src/consensus/block-spends.js';
import { regtest, testnet, type NetworkParams } from '../../../src/consensus/params.js';
import { SCRIPT_FAILURE, checkTxSignatures, findInvalidSignature } from '../../../src/consensus/signatures.js';
import { checkTransactionSanity, checkTxInputs } from '../../../src/consensus/tx-checks.js';
import { TestChain, payTo, spend, testKey, type OwnedCoin } from '../../helpers/chain.js';

const VERIFIERS: readonly VerifierName[] = ['noble', 'wasm'];
const AUX = new Uint8Array(32).fill(7);
const MEMO = new TextEncoder().encode('tally <-> btc-signer');

/** A btc-signer network for a Tally prefix; only `bech32` matters (base58 fields are unused by taproot). */
function btcNetwork(params: NetworkParams): BTC_NETWORK {
  return { bech32: params.addressPrefix, pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef };
}

/** The error code `fn` throws, or undefined when it does not throw. */
function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (isTallyError(err)) return err.code;
    throw err;
  }
  return undefined;
}

function expectSignatureFailure(tx: Transaction, spent: readonly TxOutput[]): void {
  for (const name of VERIFIERS) {
    expect(codeOf(() => checkTxSignatures(tx, spent, createVerifier(name))), name).toBe(SCRIPT_FAILURE);
  }
}

function expectSignaturesValid(tx: Transaction, spent: readonly TxOutput[]): void {
  for (const name of VERIFIERS) {
    expect(codeOf(() => checkTxSignatures(tx, spent, createVerifier(name))), name).toBeUndefined();
  }
}

interface BtcSpend {
  btcTx: BtcTransaction;
  raw: Uint8Array;
  /** The key-path signature btc-signer produced (with its hash-type byte, if any). */
  tapKeySig: Uint8Array;
  fee: bigint;
  recipient: string;
}

const PAYMENT = 30n * 100_000_000n;
const FEE = 12_345n;

/**
 * Has btc-signer spend `coin` (a BIP86 key-path output of `coin.key`) to the
 * Tally address of testKey(1), plus an OP_RETURN memo, and the rest as fee.
 */
function btcSignerSpend(coin: OwnedCoin, params: NetworkParams, hashType: number, auxRand?: Uint8Array): BtcSpend {
  const network = btcNetwork(params);
  // OP_RETURN is an "unknown" output type to btc-signer, refused unless allowed.
  const btcTx = new BtcTransaction({ version: 2, lockTime: 0, allowUnknownOutputs: true });
  btcTx.addInput({
    txid: reverse(coin.prevout.txid), // display order
    index: coin.prevout.vout,
    sequence: 0xfffffffd,
    witnessUtxo: { script: coin.output.scriptPubKey, amount: coin.output.value },
    tapInternalKey: pubSchnorr(coin.key),
    ...(hashType === SIGHASH_DEFAULT ? {} : { sighashType: hashType }),
  });
  const recipient = encodeAddress(params.addressPrefix, outputKeyFromSecret(testKey(1)));
  btcTx.addOutputAddress(recipient, PAYMENT, network);
  btcTx.addOutput({ script: Script.encode(['RETURN', MEMO]), amount: 0n });
  btcTx.addOutput({ script: p2tr(pubSchnorr(coin.key), undefined, network).script, amount: coin.output.value - PAYMENT - FEE });
  expect(btcTx.sign(coin.key, [hashType], auxRand)).toBe(1);
  const tapKeySig = btcTx.getInput(0).tapKeySig!;
  btcTx.finalize();
  return { btcTx, raw: btcTx.extract(), tapKeySig, fee: FEE, recipient };
}

/** Index of `needle` in `haystack`, or -1. */
function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

describe('btc-signer interop: addresses', () => {
  for (const params of [regtest, testnet]) {
    it(`BIP86 p2tr addresses agree for prefix ${params.addressPrefix}`, () => {
      const network = btcNetwork(params);
      for (let n = 0; n < 8; n++) {
        const sk = testKey(n * 7919 + 1);
        const outputKey = outputKeyFromSecret(sk);
        const pay = p2tr(pubSchnorr(sk), undefined, network);

        expect(pay.address).toBe(encodeAddress(params.addressPrefix, outputKey));
        expect(pay.address.startsWith(`${params.addressPrefix}1p`)).toBe(true);
        expect(toHex(pay.tweakedPubkey)).toBe(toHex(outputKey));
        expect(toHex(pay.script)).toBe(toHex(scriptFromSecret(sk)));
        expect(toHex(decodeAddress(params.addressPrefix, pay.address))).toBe(toHex(outputKey));
        // And btc-signer decodes Tally's address to the same output key.
        const decoded = Address(network).decode(encodeAddress(params.addressPrefix, outputKey));
        expect(decoded).toEqual({ type: 'tr', pubkey: outputKey });
      }
    });
  }

  it('addresses of one network are refused by the other, on both sides', () => {
    const addr = p2tr(pubSchnorr(testKey(3)), undefined, btcNetwork(regtest)).address;
    expect(codeOf(() => decodeAddress(testnet.addressPrefix, addr))).toBe('wrong-hrp');
    expect(() => Address(btcNetwork(testnet)).decode(addr)).toThrow();
  });
});

describe('btc-signer interop: btc-signer signs, Tally validates', () => {
  const cases: [string, number][] = [
    ['SIGHASH_DEFAULT', SIGHASH_DEFAULT],
    ['SIGHASH_ALL', SIGHASH_ALL],
    ['SIGHASH_ALL|ANYONECANPAY', SIGHASH_ALL | SIGHASH_ANYONECANPAY],
  ];

  it('btc-signer and Tally number the hash types alike', () => {
    expect([SigHash.DEFAULT, SigHash.ALL, SigHash.ALL_ANYONECANPAY]).toEqual(cases.map(([, t]) => t));
  });

  for (const [label, hashType] of cases) {
    it(`${label}: decodes identically, passes every rule, connects in a block`, () => {
      const chain = new TestChain(regtest);
      const coin = chain.matureCoin(0);
      const { btcTx, raw, tapKeySig, fee, recipient } = btcSignerSpend(coin, regtest, hashType);

      // Witness shape: 64 bytes for DEFAULT, else 65 with the hash type appended.
      expect(tapKeySig.length).toBe(hashType === SIGHASH_DEFAULT ? 64 : 65);
      if (hashType !== SIGHASH_DEFAULT) expect(tapKeySig[64]).toBe(hashType);

      const tx = Transaction.fromBytes(raw);
      expect(toHex(tx.toBytes())).toBe(toHex(raw));
      expect(tx.txid).toBe(btcTx.id);
      expect(toHex(tx.txidBytes)).toBe(btcTx.hash); // btc-signer's `hash` is the txid in internal order
      // btc-signer exposes no wtxid; it is sha256d of the full encoding, which btc-signer also gives.
      expect(toHex(btcTx.toBytes(true, true))).toBe(toHex(raw));
      expect(tx.wtxid).toBe(hex.encode(reverse(sha256x2(raw))));
      expect(tx.wtxid).not.toBe(tx.txid);
      expect(tx.weight).toBe(btcTx.weight);
      expect(tx.vsize).toBe(btcTx.vsize);
      expect(btcTx.fee).toBe(fee);

      // Fields as Tally sees them.
      expect(tx.version).toBe(2);
      expect(tx.locktime).toBe(0);
      expect(toHex(tx.inputs[0]!.prevout.txid)).toBe(toHex(coin.prevout.txid));
      expect(tx.inputs[0]!.prevout.vout).toBe(coin.prevout.vout);
      expect(tx.inputs[0]!.witness.map(toHex)).toEqual([toHex(tapKeySig)]);
      expect(parseKeyPathWitness(tx.inputs[0]!.witness).hashType).toBe(hashType);
      expect(tx.outputs[0]).toEqual({ value: PAYMENT, scriptPubKey: payTo(1, PAYMENT).scriptPubKey });
      expect(toHex(tx.outputs[1]!.scriptPubKey)).toBe(toHex(nullDataScript(MEMO)));
      expect(tx.outputs[1]!.value).toBe(0n);
      expect(toHex(tx.outputs[2]!.scriptPubKey)).toBe(toHex(coin.output.scriptPubKey));
      expect(decodeAddress(regtest.addressPrefix, recipient)).toEqual(outputKeyFromSecret(testKey(1)));

      // Consensus rules.
      expect(codeOf(() => checkTransactionSanity(tx))).toBeUndefined();
      const inputs = checkTxInputs(tx, chain.view, chain.height + 1, chain.params.coinbaseMaturity);
      expect(inputs.fee).toBe(fee);
      const spent: TxOutput[] = inputs.spent.map((c) => ({ value: c.value, scriptPubKey: c.scriptPubKey }));
      expectSignaturesValid(tx, spent);

      // Both sides compute the same BIP341 signature hash.
      const btcSighash = btcTx.preimageWitnessV1(0, [coin.output.scriptPubKey], hashType, [coin.output.value]);
      expect(toHex(taprootSigHash(tx, 0, spent, hashType))).toBe(toHex(btcSighash));

      // A block with it connects, moving the coins.
      const height = chain.height;
      chain.add(chain.buildBlock({ transactions: [tx], fees: fee }));
      expect(chain.height).toBe(height + 1);
      expect(chain.view.getCoin(coin.prevout)).toBeUndefined();
      expect(chain.view.getCoin({ txid: tx.txidBytes, vout: 0 })?.value).toBe(PAYMENT);
      expect(chain.view.getCoin({ txid: tx.txidBytes, vout: 1 })).toBeUndefined(); // OP_RETURN
      expect(chain.view.getCoin({ txid: tx.txidBytes, vout: 2 })?.value).toBe(coin.output.value - PAYMENT - fee);
    });

    it(`${label}: Tally signing the same transaction with the same aux randomness gives the same bytes`, () => {
      const chain = new TestChain(regtest);
      const coin = chain.matureCoin(0);
      const { raw } = btcSignerSpend(coin, regtest, hashType, AUX);
      const decoded = Transaction.fromBytes(raw);
      const unsigned = new Transaction({
        ...decoded,
        inputs: decoded.inputs.map((i) => ({ ...i, witness: [] })),
      });
      const signed = signTaprootInputs(unsigned, [coin.output], [coin.key], hashType, AUX);
      expect(signed.toHex()).toBe(toHex(raw));
    });
  }

  it('ANYONECANPAY lets Tally add an input under a btc-signer signature; DEFAULT does not', () => {
    const chain = new TestChain(regtest);
    const first = chain.matureCoin(0);
    const second = chain.matureCoin(1);

    /** Adds `second` as input 1, signed by Tally with SIGHASH_DEFAULT; input 0 keeps btc-signer's witness. */
    const withSecondInput = (raw: Uint8Array): Transaction => {
      const tx = Transaction.fromBytes(raw);
      const unsigned = new Transaction({
        ...tx,
        inputs: [...tx.inputs, { prevout: second.prevout, scriptSig: new Uint8Array(0), sequence: 0xffffffff, witness: [] }],
      });
      const hasher = new TaprootSigHasher(unsigned, [first.output, second.output]);
      const sig = schnorrSign(hasher.hash(1, SIGHASH_DEFAULT), taprootTweakSecretKey(second.key), AUX);
      return new Transaction({
        ...unsigned,
        inputs: unsigned.inputs.map((input, i) => (i === 1 ? { ...input, witness: [sig] } : input)),
      });
    };

    const acp = withSecondInput(btcSignerSpend(first, regtest, SIGHASH_ALL | SIGHASH_ANYONECANPAY).raw);
    expect(codeOf(() => checkTransactionSanity(acp))).toBeUndefined();
    const { spent, fee } = checkTxInputs(acp, chain.view, chain.height + 1, chain.params.coinbaseMaturity);
    expect(fee).toBe(FEE + second.output.value);
    expectSignaturesValid(acp, spent);
    chain.add(chain.buildBlock({ transactions: [acp], fees: fee }));

    const all = withSecondInput(btcSignerSpend(first, regtest, SIGHASH_DEFAULT).raw);
    expectSignatureFailure(all, [first.output, second.output]);
  });
});

describe('btc-signer interop: Tally signs, btc-signer decodes', () => {
  const network = btcNetwork(regtest);

  function tallyTransaction(chain: TestChain): { unsigned: Transaction; coins: OwnedCoin[] } {
    const coins = [chain.matureCoin(0), chain.matureCoin(1)];
    const unsigned = new Transaction({
      version: 2,
      inputs: coins.map((c, i) => ({ prevout: c.prevout, scriptSig: new Uint8Array(0), sequence: 0xfffffffd - i, witness: [] })),
      outputs: [payTo(1, PAYMENT), { value: 0n, scriptPubKey: nullDataScript(MEMO) }, payTo(2, 2n * PAYMENT)],
      locktime: chain.height,
    });
    return { unsigned, coins };
  }

  function checkDecodes(tx: Transaction, coins: readonly OwnedCoin[], hashType: number): BtcTransaction {
    const btcTx = BtcTransaction.fromRaw(tx.toBytes(), { allowUnknownOutputs: true });
    expect(btcTx.isFinal).toBe(true);
    expect(btcTx.id).toBe(tx.txid);
    expect(btcTx.hash).toBe(toHex(tx.txidBytes));
    expect(toHex(btcTx.toBytes(true, true))).toBe(tx.toHex());
    expect(btcTx.weight).toBe(tx.weight);
    expect(btcTx.vsize).toBe(tx.vsize);
    expect(btcTx.version).toBe(tx.version);
    expect(btcTx.lockTime).toBe(tx.locktime);
    expect(btcTx.inputsLength).toBe(tx.inputs.length);
    expect(btcTx.outputsLength).toBe(tx.outputs.length);
    tx.inputs.forEach((input, i) => {
      const got = btcTx.getInput(i);
      expect(toHex(got.txid!)).toBe(toHex(reverse(input.prevout.txid)));
      expect(got.index).toBe(input.prevout.vout);
      expect(got.sequence).toBe(input.sequence);
      expect(got.finalScriptWitness!.map(toHex)).toEqual(input.witness.map(toHex));
    });
    tx.outputs.forEach((output, i) => {
      const got = btcTx.getOutput(i);
      expect(got.amount).toBe(output.value);
      expect(toHex(got.script!)).toBe(toHex(output.scriptPubKey));
    });
    expect(btcTx.getOutputAddress(0, network)).toBe(encodeAddress(regtest.addressPrefix, outputKeyFromSecret(testKey(1))));
    expect(OutScript.decode(tx.outputs[1]!.scriptPubKey).type).toBe('unknown');

    // btc-signer's BIP341 signature hash of each input equals Tally's, and the
    // signature in the witness verifies against it under btc-signer's own BIP86 output key.
    const spent = coins.map((c) => c.output);
    const hasher = new TaprootSigHasher(tx, spent);
    tx.inputs.forEach((input, i) => {
      const message = btcTx.preimageWitnessV1(i, spent.map((o) => o.scriptPubKey), hashType, spent.map((o) => o.value));
      expect(toHex(message)).toBe(toHex(hasher.hash(i, hashType)));
      const [outputKey] = taprootTweakPubkey(pubSchnorr(coins[i]!.key), new Uint8Array(0));
      const { signature, hashType: witnessType } = parseKeyPathWitness(input.witness);
      expect(witnessType).toBe(hashType);
      for (const name of VERIFIERS) expect(createVerifier(name).verifySchnorr(signature, message, outputKey), name).toBe(true);
    });
    return btcTx;
  }

  it('a transaction from the test helpers (spend, random aux) decodes with the same txid', () => {
    const chain = new TestChain(regtest);
    const coin = chain.matureCoin(0);
    const tx = spend([coin], [payTo(1, PAYMENT), { value: 0n, scriptPubKey: nullDataScript(MEMO) }, payTo(2, coin.output.value - PAYMENT - FEE)]);
    checkDecodes(tx, [coin], SIGHASH_DEFAULT);
    // Without allowUnknownOutputs, btc-signer refuses the OP_RETURN output (it cannot classify it).
    expect(() => BtcTransaction.fromRaw(tx.toBytes())).toThrow();
  });

  for (const hashType of [SIGHASH_DEFAULT, SIGHASH_ALL, SIGHASH_ALL | SIGHASH_ANYONECANPAY]) {
    it(`hash type 0x${hashType.toString(16)}: btc-signer re-signing with the same aux gives Tally's exact bytes`, () => {
      const chain = new TestChain(regtest);
      const { unsigned, coins } = tallyTransaction(chain);
      const tx = signTaprootInputs(unsigned, coins.map((c) => c.output), coins.map((c) => c.key), hashType, AUX);
      checkDecodes(tx, coins, hashType);
      expectSignaturesValid(tx, coins.map((c) => c.output));

      const btcTx = new BtcTransaction({ version: tx.version, lockTime: tx.locktime, allowUnknownOutputs: true });
      tx.inputs.forEach((input, i) =>
        btcTx.addInput({
          txid: hex.encode(reverse(input.prevout.txid)), // hex txids are display order, like `id`
          index: input.prevout.vout,
          sequence: input.sequence,
          witnessUtxo: { script: coins[i]!.output.scriptPubKey, amount: coins[i]!.output.value },
          tapInternalKey: pubSchnorr(coins[i]!.key),
          ...(hashType === SIGHASH_DEFAULT ? {} : { sighashType: hashType }),
        }),
      );
      for (const output of tx.outputs) btcTx.addOutput({ script: output.scriptPubKey, amount: output.value });
      for (const c of coins) btcTx.sign(c.key, [hashType], AUX);
      btcTx.finalize();
      expect(hex.encode(btcTx.extract())).toBe(tx.toHex());
    });
  }
});

describe('btc-signer interop: tampering', () => {
  it('a flipped signature byte is refused with mandatory-script-verify-flag-failed', () => {
    const chain = new TestChain(regtest);
    const coin = chain.matureCoin(0);
    const { raw, tapKeySig } = btcSignerSpend(coin, regtest, SIGHASH_DEFAULT);
    const at = indexOfBytes(raw, tapKeySig);
    expect(at).toBeGreaterThan(0);
    expect(raw[at - 1]).toBe(64); // the witness item's length prefix

    for (const offset of [0, 31, 32, 63]) {
      const bad = raw.slice();
      bad[at + offset] ^= 0x01;
      const tx = Transaction.fromBytes(bad);
      const good = Transaction.fromBytes(raw);
      expect(tx.txid).toBe(good.txid); // the witness is outside the txid...
      expect(tx.wtxid).not.toBe(good.wtxid); // ...but inside the wtxid
      expect(codeOf(() => checkTransactionSanity(tx))).toBeUndefined();
      const { spent } = checkTxInputs(tx, chain.view, chain.height + 1, chain.params.coinbaseMaturity);
      expectSignatureFailure(tx, spent);

      // The block carrying it fails on that signature, and the chain does not move.
      const block = chain.buildBlock({ transactions: [tx], fees: FEE });
      const spends = checkBlockSpends(block, chain.view, chain.height + 1, chain.params);
      for (const name of VERIFIERS) expect(findInvalidSignature(spends.signatureChecks, createVerifier(name))).toBe(0);
      const height = chain.height;
      expect(() => chain.add(block)).toThrow();
      expect(chain.height).toBe(height);
    }
  });

  it('a changed hash-type byte, a stripped one, or a tampered output are refused too', () => {
    const chain = new TestChain(regtest);
    const coin = chain.matureCoin(0);
    const { raw, tapKeySig } = btcSignerSpend(coin, regtest, SIGHASH_ALL);
    const at = indexOfBytes(raw, tapKeySig);
    const spent = [coin.output];

    // 0x01 -> 0x81: a valid hash type, but not the one that was signed.
    const acp = raw.slice();
    acp[at + 64] = SIGHASH_ALL | SIGHASH_ANYONECANPAY;
    expectSignatureFailure(Transaction.fromBytes(acp), spent);
    // 0x01 -> 0x00 and 0x04: hash types a 65-byte signature may not carry.
    for (const byte of [0x00, 0x04]) {
      const bad = raw.slice();
      bad[at + 64] = byte;
      expectSignatureFailure(Transaction.fromBytes(bad), spent);
    }

    // Dropping the hash-type byte makes it a SIGHASH_DEFAULT signature, a different message.
    const tx = Transaction.fromBytes(raw);
    const stripped = new Transaction({ ...tx, inputs: [{ ...tx.inputs[0]!, witness: [tapKeySig.subarray(0, 64)] }] });
    expectSignatureFailure(stripped, spent);

    // One satoshi moved from the payment to the fee, under the same signature.
    const paid = new Transaction({
      ...tx,
      outputs: tx.outputs.map((o, i) => (i === 0 ? { ...o, value: o.value - 1n } : o)),
    });
    expect(paid.txid).not.toBe(tx.txid);
    expectSignatureFailure(paid, spent);
    // And an untampered copy still passes, so the failures above are the tampering's.
    expectSignaturesValid(Transaction.fromBytes(concatBytes(raw)), spent);
  });
});
