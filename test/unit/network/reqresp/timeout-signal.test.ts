/**
 * timeoutSignal must fire after its time even when nothing but the combined signal refers to
 * the timer: Node 20's AbortSignal.any holds its sources weakly, so a collected timer never fires.
 */
import { describe, expect, it } from 'vitest';
import { timeoutSignal } from '../../../../src/network/reqresp/protocols.js';
import { heapAfterGc } from '../../../helpers/flood-bed.js';
import { waitUntil } from '../../../helpers/wait.js';

describe('timeoutSignal', () => {
  it('fires after its time when only the combined signal is held, across full garbage collections', async () => {
    const parent = new AbortController();
    const signal = timeoutSignal(50, parent.signal);
    await heapAfterGc();
    await heapAfterGc();
    await waitUntil(() => signal.aborted, 'the combined signal to fire', 10_000);
    expect((signal.reason as Error).name).toBe('TimeoutError');
    expect(parent.signal.aborted).toBe(false);
  });

  it('fires when the parent aborts first, with the parent\'s reason', () => {
    const parent = new AbortController();
    const signal = timeoutSignal(60_000, parent.signal);
    const reason = new Error('closed');
    parent.abort(reason);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);
  });

  it('without a parent is the plain timeout signal', async () => {
    const signal = timeoutSignal(20);
    await waitUntil(() => signal.aborted, 'the timeout to fire', 10_000);
    expect((signal.reason as Error).name).toBe('TimeoutError');
  });
});
