import { describe, expect, it } from 'vitest';
import type { ChainEntry } from '../../../src/chain/index.js';
import { RATE_WINDOW_MS, SyncProgress } from '../../../src/sync/progress.js';
import type { LogWriter } from '../../../src/util/logger.js';

/** A logger that keeps its lines. */
function testLogger(): LogWriter & { lines: { level: string; msg?: string }[] } {
  const lines: { level: string; msg?: string }[] = [];
  const at = (level: string) => (_obj: unknown, msg?: string) => void lines.push({ level, msg });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** The fields progress reads from a chain entry. */
function entry(height: number): ChainEntry {
  return { height, chainWork: BigInt(height), hashHex: height.toString(16).padStart(64, '0') } as unknown as ChainEntry;
}

describe('SyncProgress', () => {
  it('measures blocks and bytes per second over the window, an ETA, and the peers serving', () => {
    const logger = testLogger();
    const progress = new SyncProgress(0, logger);
    const best = entry(1000);
    progress.check(0, entry(0), best);
    for (let t = 1; t <= 20; t++) {
      progress.delivered(t % 2 ? 'a' : 'b', 1_000_000, t * 1000);
      progress.check(t * 1000, entry(t * 20), best);
    }
    const s = progress.snapshot()!;
    expect(s).toMatchObject({ height: 400, bestHeight: 1000, percent: 40, peersServing: 2 });
    expect(s.blocksPerSecond).toBeCloseTo(20, 5);
    expect(s.bytesPerSecond).toBeCloseTo(1_000_000, -3);
    expect(s.etaSeconds).toBe(30);
    // Interval 0: the live line is the terminal's; no log lines.
    expect(logger.lines.filter((l) => l.msg === 'sync progress')).toEqual([]);
  });

  it('forgets a peer that served nothing within the window, or left', () => {
    const progress = new SyncProgress(0, testLogger());
    const best = entry(100);
    progress.check(0, entry(0), best);
    progress.delivered('a', 10, 0);
    progress.delivered('b', 10, 0);
    progress.check(1000, entry(1), best);
    expect(progress.snapshot()!.peersServing).toBe(2);
    progress.forget('b');
    progress.check(RATE_WINDOW_MS / 2, entry(2), best);
    expect(progress.snapshot()!.peersServing).toBe(1);
    progress.check(RATE_WINDOW_MS + 1, entry(3), best);
    expect(progress.snapshot()!.peersServing).toBe(0);
  });

  it('logs one line per interval while syncing, then "sync complete", and has no snapshot once caught up', () => {
    const logger = testLogger();
    const progress = new SyncProgress(10_000, logger);
    const best = entry(100);
    for (let t = 0; t <= 30_000; t += 1000) progress.check(t, entry(t / 1000), best);
    expect(logger.lines.filter((l) => l.msg === 'sync progress')).toHaveLength(3);
    expect(progress.blocksPerSecond).toBeCloseTo(1, 5);
    progress.check(31_000, best, best);
    expect(logger.lines.at(-1)).toMatchObject({ level: 'info', msg: 'sync complete' });
    expect(progress.snapshot()).toBeUndefined();
    expect(progress.blocksPerSecond).toBe(0);
  });

  it('has no ETA before anything connects', () => {
    const progress = new SyncProgress(0, testLogger());
    progress.check(0, entry(5), entry(50));
    progress.check(2000, entry(5), entry(50));
    expect(progress.snapshot()).toMatchObject({ blocksPerSecond: 0, etaSeconds: null, percent: 10 });
  });
});
