/**
 * The discrete-event queue: events in time order on a simulated clock (seconds),
 * ties broken by the order they were scheduled, so a run never depends on how a
 * heap happens to order equal keys. A binary heap: O(log n) per event.
 */

interface Slot<T> {
  time: number;
  seq: number;
  event: T;
}

/** Events of type `T` and the simulated clock they advance. */
export class EventQueue<T> {
  private readonly heap: Slot<T>[] = [];
  private seq = 0;
  private clock = 0;

  /** Simulated time, seconds: the time of the last event taken. */
  get now(): number {
    return this.clock;
  }

  get size(): number {
    return this.heap.length;
  }

  /** Schedules `event` `delay` seconds from now (≥ 0). */
  schedule(delay: number, event: T): void {
    this.at(this.clock + delay, event);
  }

  /** Schedules `event` at absolute `time`, which may not lie in the past. */
  at(time: number, event: T): void {
    if (!(time >= this.clock)) throw new RangeError(`event at ${time} is before now (${this.clock})`);
    this.heap.push({ time, seq: this.seq++, event });
    this.up(this.heap.length - 1);
  }

  /** Time of the next event, or undefined when none is left. */
  peekTime(): number | undefined {
    return this.heap[0]?.time;
  }

  /** Takes the next event and moves the clock to its time; undefined when none is left. */
  pop(): T | undefined {
    const top = this.heap[0];
    if (!top) return undefined;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    this.clock = top.time;
    return top.event;
  }

  private less(a: Slot<T>, b: Slot<T>): boolean {
    return a.time < b.time || (a.time === b.time && a.seq < b.seq);
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
