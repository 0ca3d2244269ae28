import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckStream } from '../../../src/chain/check-stream.js';
import type { BatchVerifier } from '../../../src/chain/types.js';
import { VerifyPool } from '../../../src/chain/verify-pool.js';
import type { SignatureCheck } from '../../../src/consensus/signatures.js';
import { schnorrSign, xOnlyPublicKey } from '../../../src/primitives/signature.js';
import { flipBit, testKey } from '../../helpers/chain.js';

/** Signing with noble is slow: a few distinct signatures, repeated. */
let valid: SignatureCheck[] = [];

beforeAll(() => {
  const distinct = Array.from({ length: 10 }, (_, i) => {
    const secretKey = testKey(i);
    const message = new Uint8Array(32).fill(i + 1);
    return { signature: schnorrSign(message, secretKey, new Uint8Array(32)), message, publicKey: xOnlyPublicKey(secretKey) };
  });
  valid = Array.from({ length: 100 }, (_, i) => ({ inputIndex: i, ...distinct[i % distinct.length]! }));
});

function corrupt(checks: readonly SignatureCheck[], index: number): SignatureCheck[] {
  return checks.map((c, i) => (i === index ? { ...c, signature: flipBit(c.signature, 7) } : c));
}

/** A verifier that records each call's length and answers as `answer` says, when `release` is called. */
function recording(answer: (checks: readonly SignatureCheck[]) => number | Error = () => -1) {
  const calls: SignatureCheck[][] = [];
  const pending: (() => void)[] = [];
  const verifier: BatchVerifier = {
    verify: (checks) => {
      calls.push([...checks]);
      return new Promise<number>((resolve, reject) => {
        pending.push(() => {
          const a = answer(checks);
          if (a instanceof Error) reject(a);
          else resolve(a);
        });
      });
    },
  };
  return { verifier, calls, release: (i: number) => pending[i]!() };
}

/** Feeds `checks` to `stream` as checkBlockSpends would, `per` at a time. */
function feed(stream: CheckStream, checks: readonly SignatureCheck[], per: number): void {
  for (let n = per; n <= checks.length; n += per) stream.onChecks(checks.slice(0, n));
}

describe('CheckStream', () => {
  it('hands out a chunk once that many checks were added, the rest at finish', async () => {
    const { verifier, calls, release } = recording();
    const stream = new CheckStream(verifier, 30);
    feed(stream, valid, 10);
    expect(calls.map((c) => c.length)).toEqual([30, 30, 30]);
    const verdict = stream.finish(valid);
    expect(calls.map((c) => c.length)).toEqual([30, 30, 30, 10]);
    expect(calls.flat()).toEqual(valid);
    for (let i = 0; i < 4; i++) release(i);
    await expect(verdict).resolves.toBe(-1);
  });

  it('copies each chunk: checks added later do not reach a call already made', () => {
    const { verifier, calls } = recording();
    const stream = new CheckStream(verifier, 5);
    const growing = valid.slice(0, 5);
    stream.onChecks(growing);
    growing.push(valid[5]!);
    expect(calls[0]).toHaveLength(5);
  });

  it('answers the index in the whole list of a failure in a later chunk, without waiting for the others', async () => {
    const { verifier, release } = recording((checks) => checks.findIndex((c) => c.inputIndex === 47));
    const stream = new CheckStream(verifier, 20);
    feed(stream, valid, 10);
    const verdict = stream.finish(valid);
    release(2); // the chunk of checks 40-59
    await expect(verdict).resolves.toBe(47);
  });

  it('answers -1 only once every chunk passed', async () => {
    const { verifier, release } = recording();
    const stream = new CheckStream(verifier, 50);
    feed(stream, valid, 50);
    const verdict = stream.finish(valid);
    let settled = false;
    void verdict.then(() => (settled = true));
    release(0);
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(false);
    release(1);
    await expect(verdict).resolves.toBe(-1);
  });

  it('sends one call at finish when the checks never made a chunk, and one for none at all', async () => {
    const few = recording();
    const stream = new CheckStream(few.verifier, 512);
    feed(stream, valid, 10);
    expect(few.calls).toHaveLength(0);
    const verdict = stream.finish(valid);
    expect(few.calls.map((c) => c.length)).toEqual([100]);
    few.release(0);
    await expect(verdict).resolves.toBe(-1);

    const none = recording();
    const empty = new CheckStream(none.verifier).finish([]);
    none.release(0);
    await expect(empty).resolves.toBe(-1);
  });

  it('rejects with a chunk rejection', async () => {
    const { verifier, release } = recording(() => new Error('pool stopped'));
    const stream = new CheckStream(verifier, 50);
    feed(stream, valid, 50);
    const verdict = stream.finish(valid);
    release(1);
    await expect(verdict).rejects.toThrow('pool stopped');
  });

  it('abandon leaves no unhandled rejection behind', async () => {
    const { verifier, release } = recording(() => new Error('pool stopped'));
    const stream = new CheckStream(verifier, 10);
    feed(stream, valid.slice(0, 30), 10);
    stream.abandon();
    for (let i = 0; i < 3; i++) release(i);
    // An unhandled rejection would fail the run.
    await new Promise((resolve) => setImmediate(resolve));
  });

  describe('on a real verify pool', () => {
    const pool = new VerifyPool({ threads: 2, inlineBelow: 0 });
    beforeAll(() => pool.start());
    afterAll(() => pool.stop());

    it('passes valid checks sent in chunks', async () => {
      const stream = new CheckStream(pool, 16);
      feed(stream, valid, 8);
      await expect(stream.finish(valid)).resolves.toBe(-1);
    });

    it('finds an invalid check in a middle chunk at its index in the whole list', async () => {
      const bad = corrupt(valid, 70);
      const stream = new CheckStream(pool, 16);
      feed(stream, bad, 8);
      await expect(stream.finish(bad)).resolves.toBe(70);
    });
  });
});
