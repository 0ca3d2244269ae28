/**
 * Signing in to the explorer in Debian's Chromium (playwright-core), with no
 * credentials configured in the browser: the one-time link printed at start-up
 * lands on the clean URL with a working page, live notifications included;
 * and a URL with the credentials in it (`http://__cookie__:<pw>@host/`), which
 * used to fail with "Request cannot be constructed from a URL that includes
 * credentials", works too. Screenshots go to test-artifacts/.
 *
 * Like explorer.test.ts, it fails (never skips) when Chromium is missing;
 * CHROMIUM_PATH points it at another Chromium or Chrome.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptFromSecret } from '../../src/primitives/sign.js';
import { defaultExplorerOptions, Explorer } from '../../src/explorer/index.js';
import { openBrowser, watchErrors } from '../helpers/browser.js';
import { testKey } from '../helpers/chain.js';
import { startRpcNode, type RpcTestNode } from '../helpers/rpc.js';
import { tempDir } from '../helpers/tmp.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const BROWSER_TEST_MS = 90_000;

describe('signing in to the explorer in Chromium', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  /** A node with the explorer and three blocks, and a browser that knows nothing of it. */
  async function setUp(label: string): Promise<{ t: RpcTestNode; explorer: Explorer; page: Page; errors: string[] }> {
    const t = await startRpcNode(tempDir(label));
    cleanup.push(() => t.stop());
    const explorer = new Explorer(defaultExplorerOptions(), { logger: pino({ level: 'silent' }) });
    t.rpc.use(explorer);
    await t.node.generate(3, scriptFromSecret(testKey(1)));
    const browser = await openBrowser();
    cleanup.push(browser.close);
    const page = await browser.context.newPage();
    return { t, explorer, page, errors: watchErrors(page) };
  }

  /** The page works: live notifications connected and the tip's row drawn, and a new block arrives live. */
  async function expectWorkingPage(t: RpcTestNode, page: Page): Promise<void> {
    await page.locator('#live.on').waitFor();
    await page.locator(`#latest-blocks tr[data-hash="${t.node.chain.tip.hashHex}"]`).waitFor();
    const [hash] = await t.node.generate(1, scriptFromSecret(testKey(2)));
    await page.locator(`#latest-blocks tbody tr:first-child[data-hash="${hash}"]`).waitFor({ timeout: 10_000 });
  }

  it('opens the one-time link printed at start-up on the clean URL, signed in', async () => {
    const { t, explorer, page, errors } = await setUp('explorer-sign-in-link');
    const origin = new URL(t.url).origin;
    await page.goto(explorer.signInLink(origin));
    expect(page.url()).toBe(`${origin}/`);
    await expectWorkingPage(t, page);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'explorer-sign-in.png'), fullPage: true });
    // The cookie it set cannot be read by scripts.
    expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).toBe('');
    expect(errors).toEqual([]);
  }, BROWSER_TEST_MS);

  it('works when opened as http://__cookie__:<password>@host/', async () => {
    const { t, page, errors } = await setUp('explorer-sign-in-userinfo');
    const url = new URL(t.url);
    const sep = t.cookie.indexOf(':');
    url.username = t.cookie.slice(0, sep);
    url.password = t.cookie.slice(sep + 1);
    await page.goto(url.href);
    await expectWorkingPage(t, page);
    await page.screenshot({ path: join(ARTIFACTS, 'explorer-userinfo.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, BROWSER_TEST_MS);
});
