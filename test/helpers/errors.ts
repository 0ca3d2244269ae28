/** Assertions on typed errors: tests compare stable codes, never message text. */
import { expect } from 'vitest';
import { TallyError } from '../../src/primitives/errors.js';

/** Runs `fn`, expects it to throw an instance of `kind`, and returns the error's code. */
export function thrownCode(fn: () => unknown, kind: abstract new (...args: never[]) => TallyError = TallyError): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(kind);
    return (err as TallyError).code;
  }
  throw new Error(`expected a ${kind.name}, nothing was thrown`);
}

/** Awaits `promise`, expects it to reject with an instance of `kind`, and returns the error's code. */
export async function rejectedCode(promise: Promise<unknown>, kind: abstract new (...args: never[]) => TallyError = TallyError): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(kind);
    return (err as TallyError).code;
  }
  throw new Error(`expected a ${kind.name}, the promise resolved`);
}
