/** The held gossip verdicts on orphan transactions (src/network/gossip/orphan-relay.ts), with fake timers. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OrphanRelay } from '../../../src/network/gossip/orphan-relay.js';

let reports: [string, string, string][];
let relay: OrphanRelay;

beforeEach(() => {
  vi.useFakeTimers();
  reports = [];
  relay = new OrphanRelay({ holdMs: 3000, max: 2 }, { report: (msgId, from, acceptance) => reports.push([msgId, from, acceptance]) });
});
afterEach(() => vi.useRealTimers());

describe('OrphanRelay', () => {
  it('accepts a held orphan when it is resolved in time (after the current task)', () => {
    relay.hold('w1', 'm1', 'peer');
    expect(reports).toEqual([]);
    expect(relay.resolved('w1')).toEqual({ kind: 'forwarded' });
    expect(reports).toEqual([]);
    vi.runAllTimers();
    expect(reports).toEqual([['m1', 'peer', 'accept']]);
    expect(relay.resolved('w1')).toEqual({ kind: 'none' });
  });

  it('ignores an orphan that waits too long, and names its message when it is resolved later', () => {
    relay.hold('w1', 'm1', 'peer');
    vi.advanceTimersByTime(3000);
    expect(reports).toEqual([['m1', 'peer', 'ignore']]);
    expect(relay.resolved('w1')).toEqual({ kind: 'late', msgId: 'm1' });
    expect(relay.resolved('w1')).toEqual({ kind: 'none' });
  });

  it('knows nothing of other transactions', () => {
    expect(relay.resolved('other')).toEqual({ kind: 'none' });
  });

  it('holds at most `max` verdicts: more are ignored at once', () => {
    relay.hold('w1', 'm1', 'p');
    relay.hold('w2', 'm2', 'p');
    relay.hold('w3', 'm3', 'p');
    expect(reports).toEqual([['m3', 'p', 'ignore']]);
    expect(relay.resolved('w3')).toEqual({ kind: 'late', msgId: 'm3' });
  });

  it('remembers at most `max` late orphans, forgetting the oldest', () => {
    // w3 finds the hold full and is ignored at once; w1 and w2 time out after it.
    for (const i of [1, 2, 3]) relay.hold(`w${i}`, `m${i}`, 'p');
    vi.advanceTimersByTime(3000);
    expect(relay.resolved('w3')).toEqual({ kind: 'none' });
    expect(relay.resolved('w1')).toEqual({ kind: 'late', msgId: 'm1' });
    expect(relay.resolved('w2')).toEqual({ kind: 'late', msgId: 'm2' });
  });

  it('ignores every held verdict when cleared', () => {
    relay.hold('w1', 'm1', 'p');
    relay.clear();
    expect(reports).toEqual([['m1', 'p', 'ignore']]);
    vi.runAllTimers();
    expect(reports).toHaveLength(1);
  });
});
