/**
 * Runs async tasks one at a time, in call order. Acceptance awaits coin
 * lookups; without this, two double-spends could both pass the conflict
 * check before either is added, or a block could be removed mid-accept.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every earlier one has settled; its result or error is the caller's. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
