import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatEta, SyncLine, type SyncLineFigures } from '../../../src/cli/sync-line.js';

/** A stream that says it is a terminal and keeps what was drawn on it. */
function fakeTerminal(): PassThrough & { isTTY: boolean; columns: number; text(): string } {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 160 });
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return Object.assign(stream, { text: () => Buffer.concat(chunks).toString('utf8') });
}

describe('SyncLine', () => {
  it('draws height / target, percent, blocks/s, MB/s, ETA and peers while syncing, and clears the line once caught up', async () => {
    const terminal = fakeTerminal();
    let figures: SyncLineFigures | undefined = { height: 250, bestHeight: 1000, blocksPerSecond: 52.34, bytesPerSecond: 3_400_000, etaSeconds: 754, peersServing: 3 };
    const line = new SyncLine({ stream: terminal, source: () => figures });
    line.refresh();
    await new Promise<void>((resolve) => setImmediate(resolve));
    const drawn = terminal.text();
    expect(drawn).toContain('250/1000 25%');
    expect(drawn).toContain('52.3 blk/s');
    expect(drawn).toContain('3.40 MB/s');
    expect(drawn).toContain('ETA 12m34s');
    expect(drawn).toContain('3 peers');
    figures = undefined;
    line.refresh();
    line.stop();
    // clearOnComplete: the line is erased (an erase-line sequence follows the last drawing).
    expect(terminal.text().length).toBeGreaterThan(drawn.length);
    expect(terminal.text().slice(drawn.length)).toContain(`${String.fromCharCode(27)}[`);
  });

  it('formats an ETA in hours, minutes and seconds, or -- while unknown', () => {
    expect(formatEta(null)).toBe('--');
    expect(formatEta(12)).toBe('12s');
    expect(formatEta(245)).toBe('4m05s');
    expect(formatEta(3720)).toBe('1h02m');
  });
});
