/**
 * Runs `tally node` from dist/ as a child process and follows its JSON log,
 * for end-to-end tests (crash safety, CLI). Every wait is bounded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/bundle/tally.js', import.meta.url));

export interface LogLine {
  msg?: string;
  module?: string;
  height?: number;
  [key: string]: unknown;
}

export class NodeProcess {
  readonly child: ChildProcess;
  readonly lines: LogLine[] = [];
  /** Standard output that is not a JSON log line ("P2P addresses: ...", "RPC: http://..."). */
  readonly output: string[] = [];
  readonly stderr: string[] = [];
  private waiters: { test: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  readonly exited: Promise<number | null>;

  /**
   * @param opts.prefix argv that runs the node, e.g. `['ip', 'netns', 'exec', ns]` (it must exec, so that
   *   signals reach the node itself); the node runs directly when absent.
   */
  constructor(args: string[], opts: { prefix?: readonly string[] } = {}) {
    // TALLY_CLI: a snapshot of dist/ (npm run scale), safe from a rebuild of dist/ during a long run.
    const argv = [process.execPath, process.env.TALLY_CLI ?? CLI, 'node', '--log-format', 'json', ...args];
    const [cmd, ...rest] = [...(opts.prefix ?? []), ...argv];
    this.child = spawn(cmd!, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout! }).on('line', (text) => {
      if (!text.startsWith('{')) {
        this.output.push(text);
        return;
      }
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        return; // the last line of a process killed while writing it
      }
      this.lines.push(line);
      this.waiters = this.waiters.filter((w) => (w.test(line) ? (w.resolve(line), false) : true));
    });
    createInterface({ input: this.child.stderr! }).on('line', (text) => this.stderr.push(text));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Resolves with the first log line (already seen or future) matching `test`; rejects after `ms`. */
  waitFor(test: (l: LogLine) => boolean, ms = 15_000): Promise<LogLine> {
    const seen = this.lines.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for a log line; last lines: ${this.lines.slice(-6).map((l) => JSON.stringify(l)).join('\n')}; stderr: ${this.stderr.join('\n')}`)), ms);
      this.waiters.push({ test, resolve: (l) => { clearTimeout(timer); resolve(l); } });
    });
  }

  /** Resolves with the first non-log stdout line (already printed or future) matching `pattern`; rejects after `ms`. */
  async waitForOutput(pattern: RegExp, ms = 15_000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.output.find((l) => pattern.test(l));
      if (found) return found;
      if (Date.now() > deadline || this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`no output line matching ${pattern}; stderr: ${this.stderr.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Highest height seen in a 'block connected' line. */
  get lastConnectedHeight(): number {
    return this.lines.reduce((h, l) => (l.msg === 'block connected' && typeof l.height === 'number' ? Math.max(h, l.height) : h), -1);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
