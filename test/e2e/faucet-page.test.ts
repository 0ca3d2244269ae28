/**
 * The explorer's faucet page in Chromium (playwright-core), as a student sees
 * it: no credentials, a regtest node started as `tally node --faucet fw
 * --explorer` with a wallet funded by mining. The page shows the amount and the
 * balance; an address submitted is paid (the payout is listed with a link to
 * its transaction page, and the transaction is in the mempool); a second
 * request, and an address of another network, are refused in words. The
 * explorer's own page links to the faucet. Screenshot: test-artifacts/explorer/faucet.png.
 *
 * Like the other browser tests it fails (it does not skip) without Chromium.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testnet } from '../../src/consensus/params.js';
import { encodeAddress } from '../../src/primitives/address.js';
import { openBrowser, screenshot, watchErrors } from '../helpers/browser.js';
import { prepareFaucetWallets, startFaucetNode, type FaucetTestNode } from '../helpers/faucet-node.js';
import { tempDir } from '../helpers/tmp.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/explorer/', import.meta.url));
const BROWSER_TEST_MS = 90_000;
let node: FaucetTestNode;
let student: string;

/** Chromium logs every non-2xx fetch as a console error; the refusals (400, 429) are the page working, not failing. */
const realErrors = (errors: string[]) => errors.filter((e) => !/Failed to load resource: the server responded with a status of (400|429)/.test(e));

beforeAll(async () => {
  const datadir = tempDir('faucet-page');
  student = await prepareFaucetWallets(datadir);
  node = await startFaucetNode(datadir, { faucet: ['fw'], wallet: ['student'], explorer: [''] });
}, 180_000);

afterAll(async () => {
  await node?.stop();
});

describe('the faucet page', () => {
  it('pays an address, lists the payout with its transaction link, and refuses in words', async () => {
    const browser = await openBrowser();
    try {
      const page = await browser.context.newPage();
      const errors = watchErrors(page);
      await page.goto(`${node.host}/faucet`);
      await page.locator('#payouts', { hasText: 'No payouts yet' }).waitFor();
      expect(await page.locator('#amount').textContent()).toBe('1 TLY');
      expect(await page.locator('#balance').textContent()).toMatch(/^\d+(\.\d+)? TLY$/);
      expect(await page.locator('#limits').textContent()).toBe('one payout per address every 24 h; 3 per computer every 1 h');

      await page.fill('#address', student);
      await page.click('#send');
      await page.locator('#result.sent').waitFor();
      expect(await page.locator('#result').textContent()).toContain(`Sent 1 TLY to ${student}`);
      const link = page.locator('table.payouts tbody tr').first().locator('a');
      await link.waitFor();
      const txid = (await link.getAttribute('title'))!;
      expect(await link.getAttribute('href')).toBe(`/#/tx/${txid}`);
      expect(await page.locator('table.payouts tbody tr').first().textContent()).toContain(student);
      expect(await node.result<string[]>('getrawmempool')).toContain(txid);

      await page.fill('#address', encodeAddress(testnet.addressPrefix, new Uint8Array(32).fill(5)));
      await page.click('#send');
      await page.locator('#result.error', { hasText: 'Wrong network' }).waitFor();

      await page.fill('#address', student);
      await page.click('#send');
      await page.locator('#result.error', { hasText: 'already received coins' }).waitFor();
      expect(await page.locator('#result').textContent()).toMatch(/try again in (23 h \d+ min|24 h)/);
      await screenshot(page, ARTIFACTS, 'faucet.png');
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await browser.close();
    }
  }, BROWSER_TEST_MS);

  it('is linked from the explorer\'s navigation while the faucet is on', async () => {
    const browser = await openBrowser(node.cookie);
    try {
      const page = await browser.context.newPage();
      const errors = watchErrors(page);
      await page.goto(`${node.host}/`);
      await page.locator('#faucet-link').waitFor({ state: 'visible' });
      await page.click('#faucet-link');
      await page.locator('#amount', { hasText: 'TLY' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/faucet');
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await browser.close();
    }
  }, BROWSER_TEST_MS);
});
