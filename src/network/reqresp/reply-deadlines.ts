/**
 * The deadlines of one reply's steps on one signal and one timer. Serving gave
 * each block its own timeout signal and two combined ones: four AbortSignals a
 * block, whose timers outlived the reply and fired seconds later, each firing
 * building a DOMException and dispatching abort events (7% of a bench sync's
 * main thread, issue 15); the requester made two a block. Here a step ending
 * cancels its timer.
 */
import { P2PError } from '../errors.js';

/** Ends a step; calling it again does nothing. */
export type EndStep = () => void;

export class ReplyDeadlines {
  private readonly controller = new AbortController();
  /** Deadlines of the steps begun and not ended, in the order begun (so earliest first). */
  private readonly pending: { at: number }[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private armedFor: { at: number } | undefined;

  /** `stepMs`: how long each step may take from its start; `nowMs`: a monotonic clock. */
  constructor(
    private readonly stepMs: number,
    private readonly nowMs: () => number,
  ) {}

  /** Fires once any step runs past its deadline, or at {@link abort}: the reply is over. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Starts a step, which must end within `stepMs` from now. */
  begin(): EndStep {
    const step = { at: this.nowMs() + this.stepMs };
    this.pending.push(step);
    this.arm();
    return () => {
      const i = this.pending.indexOf(step);
      if (i < 0) return;
      this.pending.splice(i, 1);
      this.arm();
    };
  }

  /** Ends the reply now with `reason` (a caller's own signal's reason, say). */
  abort(reason: unknown): void {
    this.dispose();
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  /** Cancels the timer; call once the reply is over. */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = undefined;
    this.pending.length = 0;
  }

  /** Keeps the timer on the earliest pending deadline. */
  private arm(): void {
    const first = this.pending[0];
    if (first === this.armedFor || this.controller.signal.aborted) return;
    clearTimeout(this.timer);
    this.armedFor = first;
    this.timer = undefined;
    if (first === undefined) return;
    this.timer = setTimeout(() => this.abort(new P2PError('request-timeout', 'the request timed out')), Math.max(0, first.at - this.nowMs()));
    // As AbortSignal.timeout's: a reply in progress does not keep the process alive.
    this.timer.unref();
  }
}
