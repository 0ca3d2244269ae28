/** Bounded waits for events: tests wait for what they assert, never sleep and hope. */

/** Polls `check` every `everyMs` (50) ms until it is true; throws after `ms` with `what` in the message. */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, ms = 20_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}
