import { describe, expect, it } from 'vitest';
import { COIN, COINBASE_MATURITY, LOCKTIME_THRESHOLD, MAX_MONEY, SEQUENCE_FINAL } from '../../../src/consensus/constants.js';
import { checkTransactionSanity, checkTxFinal, checkTxInputs, isFinalTx, moneyRange } from '../../../src/consensus/tx-checks.js';
import type { Coin } from '../../../src/consensus/coins.js';
import { nullDataScript, OP_RETURN, pushData } from '../../../src/primitives/script.js';
import { sha256d } from '../../../src/primitives/hashes.js';
import { concatBytes } from '../../../src/primitives/bytes.js';
import { NULL_TXID, NULL_VOUT, outpointKey, Transaction, type OutPoint, type TxOutput } from '../../../src/primitives/tx.js';
import { catchRuleError as ruleError, MemoryCoinView, mutateTx, payTo, spend, testKey, type OwnedCoin } from '../../helpers/chain.js';

function outpoint(n: number, vout = 0): OutPoint {
  return { txid: sha256d(Uint8Array.of(n)), vout };
}

function owned(n: number, value: bigint): OwnedCoin {
  return { prevout: outpoint(n), output: payTo(n, value), key: testKey(n) };
}

const COIN_A = owned(1, 10n * COIN);
const COIN_B = owned(2, 5n * COIN);
/** A valid signed spend of one coin: 10 coins in, 9.9999 out. */
const VALID = spend([COIN_A], [payTo(3, 10n * COIN - 10_000n)]);

function coinbaseWithScriptSig(scriptSig: Uint8Array, outputs: TxOutput[] = [payTo(0, 50n * COIN)]): Transaction {
  return new Transaction({
    version: 2,
    inputs: [{ prevout: { txid: NULL_TXID, vout: NULL_VOUT }, scriptSig, sequence: SEQUENCE_FINAL, witness: [] }],
    outputs,
    locktime: 0,
  });
}

function withOutputs(outputs: TxOutput[]): Transaction {
  return mutateTx(VALID, { outputs });
}

describe('moneyRange', () => {
  it('accepts 0 through MAX_MONEY', () => {
    expect(moneyRange(0n)).toBe(true);
    expect(moneyRange(1n)).toBe(true);
    expect(moneyRange(MAX_MONEY)).toBe(true);
  });
  it('rejects negative values and values above MAX_MONEY', () => {
    expect(moneyRange(-1n)).toBe(false);
    expect(moneyRange(MAX_MONEY + 1n)).toBe(false);
  });
});

describe('checkTransactionSanity', () => {
  describe('valid transactions', () => {
    it('accepts a signed taproot spend', () => {
      expect(() => checkTransactionSanity(VALID)).not.toThrow();
    });
    it('accepts zero-value outputs and outputs summing to exactly MAX_MONEY', () => {
      expect(() => checkTransactionSanity(withOutputs([payTo(1, 0n)]))).not.toThrow();
      expect(() => checkTransactionSanity(withOutputs([payTo(1, MAX_MONEY)]))).not.toThrow();
      expect(() => checkTransactionSanity(withOutputs([payTo(1, MAX_MONEY - 1n), payTo(2, 1n)]))).not.toThrow();
    });
    it('accepts OP_RETURN outputs of 0 to 80 data bytes', () => {
      for (const size of [0, 1, 75, 76, 80]) {
        const script = nullDataScript(new Uint8Array(size).fill(7));
        expect(() => checkTransactionSanity(withOutputs([payTo(1, 1n), { value: 0n, scriptPubKey: script }]))).not.toThrow();
      }
    });
    it('accepts coinbases whose scriptSig is 2 or 100 bytes', () => {
      expect(() => checkTransactionSanity(coinbaseWithScriptSig(new Uint8Array(2)))).not.toThrow();
      expect(() => checkTransactionSanity(coinbaseWithScriptSig(new Uint8Array(100)))).not.toThrow();
    });
    it('accepts two inputs spending different outputs of the same transaction', () => {
      const tx = mutateTx(VALID, {
        inputs: [VALID.inputs[0]!, { ...VALID.inputs[0]!, prevout: { ...VALID.inputs[0]!.prevout, vout: 1 } }],
      });
      expect(() => checkTransactionSanity(tx)).not.toThrow();
    });
  });

  it('bad-txns-vin-empty: no inputs', () => {
    const err = ruleError(() => checkTransactionSanity(mutateTx(VALID, { inputs: [] })));
    expect(err.code).toBe('bad-txns-vin-empty');
    expect(err.scope).toBe('tx');
    expect(err.score).toBe(100);
  });

  it('bad-txns-vout-empty: no outputs', () => {
    expect(ruleError(() => checkTransactionSanity(withOutputs([]))).code).toBe('bad-txns-vout-empty');
  });

  describe('bad-txns-oversize', () => {
    /** A spend whose base size is exactly `size` bytes, padded with a scriptSig. */
    function txOfBaseSize(size: number): Transaction {
      const probe = mutateTx(VALID, { inputs: [{ ...VALID.inputs[0]!, scriptSig: new Uint8Array(100_000) }] });
      const overhead = probe.baseSize - 100_000; // the scriptSig's length prefix stays 5 bytes
      const tx = mutateTx(VALID, { inputs: [{ ...VALID.inputs[0]!, scriptSig: new Uint8Array(size - overhead) }] });
      expect(tx.baseSize).toBe(size);
      return tx;
    }
    it('rejects a transaction whose base size is over 1,000,000 bytes (weight over 4M)', () => {
      expect(ruleError(() => checkTransactionSanity(txOfBaseSize(1_000_001))).code).toBe('bad-txns-oversize');
    });
    it('lets exactly 1,000,000 bytes through the size check (it then fails on its scriptSig)', () => {
      expect(ruleError(() => checkTransactionSanity(txOfBaseSize(1_000_000))).code).toBe('bad-txns-scriptsig-nonempty');
    });
    it('counts only the base size: a large witness is not oversize', () => {
      const tx = mutateTx(VALID, { inputs: [{ ...VALID.inputs[0]!, witness: [new Uint8Array(1_100_000)] }] });
      expect(() => checkTransactionSanity(tx)).not.toThrow();
    });
  });

  it('bad-txns-vout-negative: an output of -1', () => {
    expect(ruleError(() => checkTransactionSanity(withOutputs([payTo(1, -1n)]))).code).toBe('bad-txns-vout-negative');
    expect(ruleError(() => checkTransactionSanity(withOutputs([payTo(1, 5n), payTo(1, -MAX_MONEY)]))).code).toBe('bad-txns-vout-negative');
  });

  it('bad-txns-vout-toolarge: an output of MAX_MONEY + 1', () => {
    expect(ruleError(() => checkTransactionSanity(withOutputs([payTo(1, MAX_MONEY + 1n)]))).code).toBe('bad-txns-vout-toolarge');
  });

  it('bad-txns-txouttotal-toolarge: outputs each in range but summing past MAX_MONEY', () => {
    expect(ruleError(() => checkTransactionSanity(withOutputs([payTo(1, MAX_MONEY), payTo(2, 1n)]))).code).toBe('bad-txns-txouttotal-toolarge');
    expect(ruleError(() => checkTransactionSanity(withOutputs([payTo(1, MAX_MONEY), payTo(2, MAX_MONEY)]))).code).toBe('bad-txns-txouttotal-toolarge');
  });

  describe('bad-txns-output-script', () => {
    const cases: Array<[string, Uint8Array]> = [
      ['P2WPKH (segwit v0)', concatBytes(Uint8Array.of(0x00, 0x14), new Uint8Array(20))],
      ['P2PKH', concatBytes(Uint8Array.of(0x76, 0xa9, 0x14), new Uint8Array(20), Uint8Array.of(0x88, 0xac))],
      ['taproot with a 31-byte key', concatBytes(Uint8Array.of(0x51, 0x1f), new Uint8Array(31))],
      ['segwit v2 program', concatBytes(Uint8Array.of(0x52, 0x20), new Uint8Array(32))],
      ['an empty script', new Uint8Array(0)],
      ['OP_RETURN with 81 data bytes', nullDataScript(new Uint8Array(81))],
      ['OP_RETURN with a non-minimal push', concatBytes(Uint8Array.of(OP_RETURN, 0x4c, 0x05), new Uint8Array(5))],
      ['OP_RETURN with two pushes', concatBytes(Uint8Array.of(OP_RETURN), pushData(Uint8Array.of(1)), pushData(Uint8Array.of(2)))],
    ];
    it.each(cases)('rejects %s', (_name, scriptPubKey) => {
      expect(ruleError(() => checkTransactionSanity(withOutputs([payTo(1, 1n), { value: 0n, scriptPubKey }]))).code).toBe('bad-txns-output-script');
    });
  });

  it('bad-txns-inputs-duplicate: the same outpoint twice', () => {
    const tx = mutateTx(VALID, { inputs: [VALID.inputs[0]!, VALID.inputs[0]!] });
    expect(ruleError(() => checkTransactionSanity(tx)).code).toBe('bad-txns-inputs-duplicate');
    // Also in a coinbase-like transaction with two null inputs (not a coinbase: it has two inputs).
    const nullIn = coinbaseWithScriptSig(new Uint8Array(4)).inputs[0]!;
    expect(ruleError(() => checkTransactionSanity(mutateTx(VALID, { inputs: [nullIn, nullIn] }))).code).toBe('bad-txns-inputs-duplicate');
  });

  describe('bad-cb-length', () => {
    it('rejects a 1-byte coinbase scriptSig', () => {
      expect(ruleError(() => checkTransactionSanity(coinbaseWithScriptSig(new Uint8Array(1)))).code).toBe('bad-cb-length');
    });
    it('rejects an empty coinbase scriptSig', () => {
      expect(ruleError(() => checkTransactionSanity(coinbaseWithScriptSig(new Uint8Array(0)))).code).toBe('bad-cb-length');
    });
    it('rejects a 101-byte coinbase scriptSig', () => {
      expect(ruleError(() => checkTransactionSanity(coinbaseWithScriptSig(new Uint8Array(101)))).code).toBe('bad-cb-length');
    });
  });

  it('bad-txns-prevout-null: a non-coinbase input spending the null outpoint', () => {
    const nullIn = { ...VALID.inputs[0]!, prevout: { txid: NULL_TXID, vout: NULL_VOUT } };
    const tx = mutateTx(VALID, { inputs: [VALID.inputs[0]!, nullIn] });
    expect(tx.isCoinbase()).toBe(false);
    expect(ruleError(() => checkTransactionSanity(tx)).code).toBe('bad-txns-prevout-null');
  });

  it('bad-txns-prevout-null is not raised for a zero txid with another vout, nor vout 0xffffffff with another txid', () => {
    const a = { ...VALID.inputs[0]!, prevout: { txid: NULL_TXID, vout: 0 } };
    const b = { ...VALID.inputs[0]!, prevout: { txid: outpoint(9).txid, vout: NULL_VOUT } };
    expect(() => checkTransactionSanity(mutateTx(VALID, { inputs: [a, b] }))).not.toThrow();
  });

  it('bad-txns-scriptsig-nonempty: a taproot input with a scriptSig', () => {
    const tx = mutateTx(VALID, { inputs: [{ ...VALID.inputs[0]!, scriptSig: Uint8Array.of(0x51) }] });
    expect(ruleError(() => checkTransactionSanity(tx)).code).toBe('bad-txns-scriptsig-nonempty');
  });
});

describe('checkTxInputs', () => {
  function viewWith(entries: Array<[OwnedCoin, Partial<Coin>]>): MemoryCoinView {
    const view = new MemoryCoinView();
    for (const [c, extra] of entries) {
      view.coins.set(outpointKey(c.prevout), { value: c.output.value, scriptPubKey: c.output.scriptPubKey, height: 1, coinbase: false, ...extra });
    }
    return view;
  }

  it('returns the spent coins in input order and the fee', () => {
    const tx = spend([COIN_B, COIN_A], [payTo(3, 14n * COIN)]);
    const view = viewWith([[COIN_A, { height: 7 }], [COIN_B, { height: 8 }]]);
    const { spent, fee } = checkTxInputs(tx, view, 200, COINBASE_MATURITY);
    expect(spent.map((c) => c.value)).toEqual([5n * COIN, 10n * COIN]);
    expect(spent.map((c) => c.height)).toEqual([8, 7]);
    expect(fee).toBe(1n * COIN);
  });

  it('allows a zero fee', () => {
    const tx = spend([COIN_A], [payTo(3, 10n * COIN)]);
    expect(checkTxInputs(tx, viewWith([[COIN_A, {}]]), 200, COINBASE_MATURITY).fee).toBe(0n);
  });

  it('bad-txns-inputs-missingorspent with score 0 (the parent may still arrive)', () => {
    const err = ruleError(() => checkTxInputs(VALID, new MemoryCoinView(), 200, COINBASE_MATURITY));
    expect(err.code).toBe('bad-txns-inputs-missingorspent');
    expect(err.score).toBe(0);
    expect(err.scope).toBe('tx');
  });

  it('bad-txns-inputs-missingorspent when only the second input is missing', () => {
    const tx = spend([COIN_A, COIN_B], [payTo(3, COIN)]);
    expect(ruleError(() => checkTxInputs(tx, viewWith([[COIN_A, {}]]), 200, COINBASE_MATURITY)).code).toBe('bad-txns-inputs-missingorspent');
  });

  describe('coinbase maturity', () => {
    it('bad-txns-premature-spend-of-coinbase at depth 99', () => {
      const view = viewWith([[COIN_A, { height: 1, coinbase: true }]]);
      const err = ruleError(() => checkTxInputs(VALID, view, 1 + COINBASE_MATURITY - 1, COINBASE_MATURITY));
      expect(err.code).toBe('bad-txns-premature-spend-of-coinbase');
      expect(err.score).toBe(100);
    });
    it('bad-txns-premature-spend-of-coinbase at depth 0 (same block)', () => {
      const view = viewWith([[COIN_A, { height: 50, coinbase: true }]]);
      expect(ruleError(() => checkTxInputs(VALID, view, 50, COINBASE_MATURITY)).code).toBe('bad-txns-premature-spend-of-coinbase');
    });
    it('accepts a coinbase output at depth 100', () => {
      const view = viewWith([[COIN_A, { height: 1, coinbase: true }]]);
      expect(checkTxInputs(VALID, view, 1 + COINBASE_MATURITY, COINBASE_MATURITY).fee).toBe(10_000n);
    });
    it('does not apply maturity to non-coinbase outputs', () => {
      const view = viewWith([[COIN_A, { height: 50, coinbase: false }]]);
      expect(checkTxInputs(VALID, view, 50, COINBASE_MATURITY).fee).toBe(10_000n);
    });
    it('uses the maturity passed in', () => {
      const view = viewWith([[COIN_A, { height: 10, coinbase: true }]]);
      expect(ruleError(() => checkTxInputs(VALID, view, 14, 5)).code).toBe('bad-txns-premature-spend-of-coinbase');
      expect(checkTxInputs(VALID, view, 15, 5).spent).toHaveLength(1);
    });
  });

  describe('bad-txns-inputvalues-outofrange', () => {
    it('rejects a coin worth more than MAX_MONEY', () => {
      const view = viewWith([[COIN_A, { value: MAX_MONEY + 1n }]]);
      expect(ruleError(() => checkTxInputs(VALID, view, 200, COINBASE_MATURITY)).code).toBe('bad-txns-inputvalues-outofrange');
    });
    it('rejects a negative coin value', () => {
      const view = viewWith([[COIN_A, { value: -1n }]]);
      expect(ruleError(() => checkTxInputs(VALID, view, 200, COINBASE_MATURITY)).code).toBe('bad-txns-inputvalues-outofrange');
    });
    it('rejects a negative coin even when the running total stays in range', () => {
      const tx = spend([COIN_A, COIN_B], [payTo(3, COIN)]);
      const view = viewWith([[COIN_A, { value: 5n * COIN }], [COIN_B, { value: -1n }]]);
      expect(ruleError(() => checkTxInputs(tx, view, 200, COINBASE_MATURITY)).code).toBe('bad-txns-inputvalues-outofrange');
    });
    it('rejects inputs each in range but summing past MAX_MONEY', () => {
      const tx = spend([COIN_A, COIN_B], [payTo(3, COIN)]);
      const view = viewWith([[COIN_A, { value: MAX_MONEY }], [COIN_B, { value: 1n }]]);
      expect(ruleError(() => checkTxInputs(tx, view, 200, COINBASE_MATURITY)).code).toBe('bad-txns-inputvalues-outofrange');
    });
    it('accepts inputs summing to exactly MAX_MONEY', () => {
      const tx = spend([COIN_A, COIN_B], [payTo(3, COIN)]);
      const view = viewWith([[COIN_A, { value: MAX_MONEY - 1n }], [COIN_B, { value: 1n }]]);
      expect(checkTxInputs(tx, view, 200, COINBASE_MATURITY).fee).toBe(MAX_MONEY - COIN);
    });
  });

  it('bad-txns-in-belowout: outputs worth one satoshi more than the inputs', () => {
    const tx = spend([COIN_A], [payTo(3, 10n * COIN + 1n)]);
    expect(ruleError(() => checkTxInputs(tx, viewWith([[COIN_A, {}]]), 200, COINBASE_MATURITY)).code).toBe('bad-txns-in-belowout');
  });

  it('bad-txns-fee-outofrange: only reachable with outputs that checkTransactionSanity would refuse', () => {
    const tx = withOutputs([payTo(3, -1n)]);
    const view = viewWith([[COIN_A, { value: MAX_MONEY }]]);
    expect(ruleError(() => checkTxInputs(tx, view, 200, COINBASE_MATURITY)).code).toBe('bad-txns-fee-outofrange');
  });
});

describe('isFinalTx / checkTxFinal', () => {
  const HEIGHT = 1000;
  const MTP = LOCKTIME_THRESHOLD + 1_000_000;
  const locked = (locktime: number, sequence = 0xfffffffd): Transaction =>
    mutateTx(VALID, { locktime, inputs: VALID.inputs.map((i) => ({ ...i, sequence })) });

  it('locktime 0 is always final', () => {
    expect(isFinalTx(locked(0), 0, 0)).toBe(true);
    expect(() => checkTxFinal(locked(0), 0, 0)).not.toThrow();
  });

  describe('height locktime (below 500,000,000)', () => {
    it('is final when the locktime is below the block height', () => {
      expect(isFinalTx(locked(HEIGHT - 1), HEIGHT, MTP)).toBe(true);
      expect(() => checkTxFinal(locked(HEIGHT - 1), HEIGHT, MTP)).not.toThrow();
    });
    it('is not final when the locktime equals or exceeds the block height', () => {
      expect(isFinalTx(locked(HEIGHT), HEIGHT, MTP)).toBe(false);
      expect(isFinalTx(locked(HEIGHT + 1), HEIGHT, MTP)).toBe(false);
      const err = ruleError(() => checkTxFinal(locked(HEIGHT), HEIGHT, MTP));
      expect(err.code).toBe('bad-txns-nonfinal');
      expect(err.scope).toBe('tx');
    });
    it('ignores the median time past', () => {
      expect(isFinalTx(locked(HEIGHT), HEIGHT, Number.MAX_SAFE_INTEGER)).toBe(false);
    });
    it('treats 499,999,999 as a height', () => {
      expect(isFinalTx(locked(LOCKTIME_THRESHOLD - 1), LOCKTIME_THRESHOLD, 0)).toBe(true);
      expect(isFinalTx(locked(LOCKTIME_THRESHOLD - 1), LOCKTIME_THRESHOLD - 1, Number.MAX_SAFE_INTEGER)).toBe(false);
    });
  });

  describe('time locktime (500,000,000 and above), against the median time past', () => {
    it('is final when the locktime is below the median time past', () => {
      expect(isFinalTx(locked(MTP - 1), HEIGHT, MTP)).toBe(true);
    });
    it('is not final when the locktime equals or exceeds the median time past', () => {
      expect(isFinalTx(locked(MTP), HEIGHT, MTP)).toBe(false);
      expect(ruleError(() => checkTxFinal(locked(MTP + 1), HEIGHT, MTP)).code).toBe('bad-txns-nonfinal');
    });
    it('treats 500,000,000 as a time and ignores the height', () => {
      expect(isFinalTx(locked(LOCKTIME_THRESHOLD), Number.MAX_SAFE_INTEGER, LOCKTIME_THRESHOLD)).toBe(false);
      expect(isFinalTx(locked(LOCKTIME_THRESHOLD), 0, LOCKTIME_THRESHOLD + 1)).toBe(true);
    });
  });

  describe('final sequences', () => {
    it('makes an unexpired locktime final when every input has sequence 0xffffffff', () => {
      expect(isFinalTx(locked(HEIGHT + 5, SEQUENCE_FINAL), HEIGHT, MTP)).toBe(true);
      expect(isFinalTx(locked(MTP + 5, SEQUENCE_FINAL), HEIGHT, MTP)).toBe(true);
      expect(() => checkTxFinal(locked(HEIGHT + 5, SEQUENCE_FINAL), HEIGHT, MTP)).not.toThrow();
    });
    it('does not when only some inputs have a final sequence', () => {
      const tx = mutateTx(VALID, {
        locktime: HEIGHT + 5,
        inputs: [{ ...VALID.inputs[0]!, sequence: SEQUENCE_FINAL }, { ...VALID.inputs[0]!, prevout: outpoint(7), sequence: SEQUENCE_FINAL - 1 }],
      });
      expect(isFinalTx(tx, HEIGHT, MTP)).toBe(false);
      expect(ruleError(() => checkTxFinal(tx, HEIGHT, MTP)).code).toBe('bad-txns-nonfinal');
    });
  });
});
