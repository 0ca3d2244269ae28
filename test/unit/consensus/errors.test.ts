import { describe, expect, it } from 'vitest';
import { blockError, headerError, RuleError, txError } from '../../../src/consensus/errors.js';
import { isTallyError, TallyError } from '../../../src/primitives/errors.js';

describe('RuleError', () => {
  it('carries code, scope, score 100 and no corruption by default', () => {
    const err = new RuleError('block', 'bad-cb-amount', 'too much');
    expect(err).toBeInstanceOf(TallyError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('RuleError');
    expect(err.code).toBe('bad-cb-amount');
    expect(err.scope).toBe('block');
    expect(err.score).toBe(100);
    expect(err.corruptionPossible).toBe(false);
    expect(err.message).toBe('too much');
    expect(isTallyError(err, 'bad-cb-amount')).toBe(true);
  });

  it('takes a score and corruptionPossible', () => {
    const err = new RuleError('block', 'bad-txnmrklroot', 'x', { score: 10, corruptionPossible: true });
    expect(err.score).toBe(10);
    expect(err.corruptionPossible).toBe(true);
  });
});

describe('txError / blockError / headerError', () => {
  it('set the scope', () => {
    expect(txError('bad-txns-vin-empty', 'x').scope).toBe('tx');
    expect(blockError('bad-cb-missing', 'x').scope).toBe('block');
    expect(headerError('high-hash', 'x').scope).toBe('header');
  });

  it('default to score 100 and accept a lower one', () => {
    expect(txError('bad-txns-vin-empty', 'x').score).toBe(100);
    expect(txError('bad-txns-vin-empty', 'x', 0).score).toBe(0);
    expect(headerError('high-hash', 'x').score).toBe(100);
    expect(headerError('time-too-new', 'x', 0).score).toBe(0);
    expect(blockError('bad-cb-missing', 'x').score).toBe(100);
    expect(blockError('bad-cb-missing', 'x', { score: 0 }).score).toBe(0);
  });

  it('only blockError can mark corruption possible', () => {
    expect(blockError('bad-witness-merkle-match', 'x', { corruptionPossible: true }).corruptionPossible).toBe(true);
    expect(txError('bad-txns-vin-empty', 'x').corruptionPossible).toBe(false);
    expect(headerError('high-hash', 'x').corruptionPossible).toBe(false);
  });
});
