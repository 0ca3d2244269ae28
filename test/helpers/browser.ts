/**
 * Chromium for the explorer's browser tests (playwright-core drives the
 * system's Chromium; .ci/run installs Debian's). One place for the launch
 * flags, the profile in a temp dir, page-error capture and screenshots.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * A fresh Chromium profile. With `cookie` (`user:password`) it answers the node's Basic auth
 * prompt; without, it knows no credentials and whatever signs it in comes from the URL.
 */
export async function openBrowser(cookie?: string): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: the explorer's browser tests need it. Install it (as root: apt-get install chromium; .ci/run does this) or set CHROMIUM_PATH.`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'tally-chromium-'));
  const sep = cookie?.indexOf(':') ?? -1;
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 860 },
    ...(cookie !== undefined ? { httpCredentials: { username: cookie.slice(0, sep), password: cookie.slice(sep + 1) } } : {}),
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Collects every script error and console error of the page (tests expect none). */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return errors;
}

/** A full-page screenshot into `dir` (test-artifacts/...). */
export async function screenshot(page: Page, dir: string, name: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, name), fullPage: true });
}
