/**
 * A reply's steps share one signal and one timer: the signal fires when the earliest step
 * still running passes its own deadline, never for a step that ended, and no timer is left
 * once the reply is disposed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { P2PError } from '../../../../src/network/errors.js';
import { ReplyDeadlines } from '../../../../src/network/reqresp/reply-deadlines.js';

describe('ReplyDeadlines', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const now = () => performance.now();

  it('fires request-timeout when a step runs past its time', () => {
    const d = new ReplyDeadlines(1_000, now);
    d.begin();
    vi.advanceTimersByTime(999);
    expect(d.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(d.signal.aborted).toBe(true);
    expect((d.signal.reason as P2PError).code).toBe('request-timeout');
  });

  it('measures each step from its own start, the overlapping ones included', () => {
    const d = new ReplyDeadlines(1_000, now);
    const endFirst = d.begin();
    vi.advanceTimersByTime(600);
    d.begin(); // read ahead while the first is still going out
    vi.advanceTimersByTime(300);
    endFirst();
    vi.advanceTimersByTime(650); // the first would have passed its deadline; the second has 50 ms left
    expect(d.signal.aborted).toBe(false);
    vi.advanceTimersByTime(50);
    expect(d.signal.aborted).toBe(true);
  });

  it('never fires for steps that ended, and leaves no timer once disposed', () => {
    const d = new ReplyDeadlines(1_000, now);
    for (let i = 0; i < 5; i++) {
      const end = d.begin();
      vi.advanceTimersByTime(900);
      end();
      end(); // a second call does nothing
    }
    const open = d.begin();
    d.dispose();
    open();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(d.signal.aborted).toBe(false);
  });

  it('abort ends the reply at once with the reason given', () => {
    const d = new ReplyDeadlines(1_000, now);
    d.begin();
    const reason = new P2PError('peer-unavailable', 'the request stream closed');
    d.abort(reason);
    expect(d.signal.reason).toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
    d.abort(new P2PError('request-timeout', 'later'));
    expect(d.signal.reason).toBe(reason);
  });
});
