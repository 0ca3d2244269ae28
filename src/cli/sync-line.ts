/**
 * The live line `tally node` draws on a terminal during initial sync:
 * height / target, percent, blocks/s, MB/s, ETA and the peers serving. Drawn
 * with cli-progress (redraw throttling, terminal width, cursor handling); the
 * figures come from the sync manager's progress snapshot. Without a terminal
 * the node logs a 'sync progress' line every 10 s instead (src/sync/progress.ts).
 */
import { SingleBar } from 'cli-progress';

/** The part of a sync status the line shows (SyncStatus.progress). */
export interface SyncLineFigures {
  height: number;
  bestHeight: number;
  blocksPerSecond: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
  peersServing: number;
}

export interface SyncLineOptions {
  /** A terminal stream (stderr, so that stdout stays the node's log). */
  stream: NodeJS.WritableStream;
  /** Polled every `pollMs`; undefined while the node is not catching up. */
  source: () => SyncLineFigures | undefined;
  pollMs?: number;
}

const FORMAT = 'sync [{bar}] {value}/{total} {percentage}% | {rate} blk/s | {mbps} MB/s | ETA {eta_text} | {peers} peers';

/** Shows the line while a sync is under way and clears it once caught up. */
export class SyncLine {
  private readonly bar: SingleBar;
  private timer: NodeJS.Timeout | undefined;
  private shown = false;

  constructor(private readonly opts: SyncLineOptions) {
    this.bar = new SingleBar({ stream: opts.stream, format: FORMAT, barsize: 24, hideCursor: false, clearOnComplete: true, fps: 4 });
  }

  start(): void {
    this.timer ??= setInterval(() => this.refresh(), this.opts.pollMs ?? 1000);
    this.timer.unref();
    this.refresh();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.hide();
  }

  /** Draws the current figures, or clears the line once the sync is over. */
  refresh(): void {
    const f = this.opts.source();
    if (!f) return this.hide();
    const payload = payloadOf(f);
    if (!this.shown) {
      this.bar.start(Math.max(f.bestHeight, 1), f.height, payload);
      this.shown = true;
    } else {
      this.bar.setTotal(Math.max(f.bestHeight, 1));
      this.bar.update(f.height, payload);
    }
  }

  private hide(): void {
    if (!this.shown) return;
    this.shown = false;
    this.bar.stop();
  }
}

function payloadOf(f: SyncLineFigures): Record<string, string | number> {
  return {
    rate: f.blocksPerSecond.toFixed(1),
    mbps: (f.bytesPerSecond / 1e6).toFixed(2),
    eta_text: formatEta(f.etaSeconds),
    peers: f.peersServing,
  };
}

/** `1h02m`, `4m05s`, `12s`, or `--` while unknown. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h}h${pad(m)}m`;
  if (m > 0) return `${m}m${pad(s % 60)}s`;
  return `${s}s`;
}
