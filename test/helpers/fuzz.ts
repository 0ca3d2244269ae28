/**
 * fast-check runs that report how many runs they made, so that the
 * reliability log records the runs actually tried (fewer than asked when a
 * time limit interrupts a run, more when shrinking a failure) and not a guess.
 */
import fc from 'fast-check';

/** Runs `property` like `fc.assert` (throwing fast-check's report on failure) and returns the number of runs. */
export function checkProperty<Ts>(property: fc.IProperty<Ts>, params: fc.Parameters<Ts> = {}): number {
  const details = fc.check(property, params);
  if (details.failed) throw new Error(fc.defaultReportMessage(details));
  if (details.numRuns === 0) throw new Error('the property ran 0 times (every input skipped, or interrupted at once)');
  return details.numRuns;
}

/** {@link checkProperty} for an async property. */
export async function checkAsyncProperty<Ts>(property: fc.IAsyncProperty<Ts>, params: fc.Parameters<Ts> = {}): Promise<number> {
  const details = await fc.check(property, params);
  if (details.failed) throw new Error(await fc.asyncDefaultReportMessage(details));
  if (details.numRuns === 0) throw new Error('the property ran 0 times (every input skipped, or interrupted at once)');
  return details.numRuns;
}
