/**
 * The explorer's pages in Chromium (playwright-core) against an in-process regtest
 * node that holds the fork experiment of docs/CONSENSUS.md: a 60-block side branch
 * forking at height 2, far below a best chain of 113 blocks, plus confirmed and
 * unconfirmed spends with different fee rates and sighash types. One test per
 * page: the chain view (pan, zoom, jump to fork point), the block list, the
 * address history, the mempool, the transaction page for students, and the
 * consistency items (one time format, chain work in words, errors in words, no
 * stale banner). Each saves a screenshot to test-artifacts/explorer/.
 *
 * Like explorer.test.ts, it fails (it does not skip) without Chromium at
 * /usr/bin/chromium or CHROMIUM_PATH.
 */
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regtest } from '../../src/consensus/params.js';
import { defaultExplorerOptions, Explorer } from '../../src/explorer/index.js';
import { encodeAddress } from '../../src/primitives/address.js';
import { fromHex } from '../../src/primitives/bytes.js';
import { SIGHASH_ALL, SIGHASH_ANYONECANPAY, SIGHASH_DEFAULT, SIGHASH_SINGLE } from '../../src/primitives/sighash.js';
import { outputKeyFromSecret, scriptFromSecret, signTaprootInputs } from '../../src/primitives/sign.js';
import { Transaction } from '../../src/primitives/tx.js';
import { openBrowser, screenshot, watchErrors } from '../helpers/browser.js';
import { payTo, testKey, TestChain } from '../helpers/chain.js';
import { startRpcNode, type RpcTestNode } from '../helpers/rpc.js';
import { tempDir } from '../helpers/tmp.js';
import { waitUntil } from '../helpers/wait.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/explorer/', import.meta.url));
const BROWSER_TEST_MS = 90_000;
const SETUP_MS = 120_000;
const key = testKey(1);
const payout = scriptFromSecret(key);
const address = encodeAddress(regtest.addressPrefix, outputKeyFromSecret(key));
/** The fork experiment's shape: the side branch leaves the best chain after this height... */
const FORK = 2;
/** ...and is this long: the view of the last 30 heights never reaches it. */
const SIDE_LENGTH = 60;
const COIN = 5_000_000_000n;
/** One spend per mature coinbase: its fee (sat) and hash type; the first three are mined, the rest wait in the mempool. */
const SPENDS = [
  { fee: 3_000n, hashType: SIGHASH_DEFAULT },
  { fee: 500n, hashType: SIGHASH_ALL },
  { fee: 900n, hashType: SIGHASH_ALL | SIGHASH_ANYONECANPAY },
  { fee: 8_000n, hashType: SIGHASH_DEFAULT },
  { fee: 400n, hashType: SIGHASH_ALL },
  { fee: 1_000n, hashType: SIGHASH_SINGLE },
  { fee: 2_000n, hashType: SIGHASH_ALL },
];
const MINED = 3;
const DATE = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(\d+ (s|min|h|d) ago\)/;

interface Scenario {
  t: RpcTestNode;
  tip: number;
  side: string[];
  spends: { txid: string; hashType: number }[];
}

/** Pays `address`'s coinbase at `height` to testKey(2) and back to itself, signed with `hashType`. */
async function spendCoinbase(t: RpcTestNode, height: number, fee: bigint, hashType: number): Promise<string> {
  const block = await t.result<{ tx: string[] }>('getblock', await t.result<string>('getblockhash', height), 1);
  const unsigned = new Transaction({
    version: 2,
    inputs: [{ prevout: { txid: fromHex(block.tx[0]!).reverse(), vout: 0 }, scriptSig: new Uint8Array(0), sequence: 0xfffffffd, witness: [] }],
    outputs: [payTo(2, 1_000_000_000n), { value: COIN - 1_000_000_000n - fee, scriptPubKey: payout }],
    locktime: 0,
  });
  const tx = signTaprootInputs(unsigned, [{ value: COIN, scriptPubKey: payout }], [key], hashType);
  return t.result<string>('sendrawtransaction', tx.toHex());
}

/** The fork experiment: blocks 1-2 shared, a 60-block branch from 2, and a longer best chain with spends in it and in the mempool. */
async function buildScenario(): Promise<Scenario> {
  const t = await startRpcNode(tempDir('explorer-pages'));
  t.rpc.use(new Explorer(defaultExplorerOptions(), { logger: pino({ level: 'silent' }) }));
  const rival = new TestChain(regtest);
  rival.mine(FORK);
  for (const block of rival.blocks.slice(1)) await t.node.submitBlock(block);
  await t.node.generate(110, payout);
  rival.mine(SIDE_LENGTH);
  const side = rival.blocks.slice(FORK + 1).map((b) => b.hash);
  for (const block of rival.blocks.slice(FORK + 1)) await t.node.submitBlock(block);
  const spends = [];
  for (const [i, s] of SPENDS.entries()) {
    spends.push({ txid: await spendCoinbase(t, FORK + 1 + i, s.fee, s.hashType), hashType: s.hashType });
    if (i === MINED - 1) await t.node.generate(1, payout);
  }
  return { t, tip: t.node.chain.tip.height, side, spends };
}

/** Whether the element lies inside the chain view's visible box (the view clips what is outside its window). */
async function inView(page: Page, selector: string): Promise<boolean> {
  const [r, f] = await Promise.all([page.locator(selector).boundingBox(), page.locator('#chain-svg').boundingBox()]);
  if (!r || !f) return false;
  return r.width > 0 && r.x >= f.x - 1 && r.x + r.width <= f.x + f.width + 1 && r.y >= f.y - 1 && r.y + r.height <= f.y + f.height + 1;
}

/** Waits for the chain view's boxes to reach their places (CSS transitions; the live dot's endless pulse is not one). */
async function settled(page: Page): Promise<void> {
  type Doc = { document: { getAnimations(): { constructor: { name: string } }[] } };
  await page.waitForFunction(() => (globalThis as unknown as Doc).document.getAnimations().every((a) => a.constructor.name !== 'CSSTransition'), undefined, { timeout: 10_000 });
}

/** The heights the chain view shows, from its card's data attributes. */
async function windowOf(page: Page): Promise<{ low: number; high: number; follow: boolean }> {
  const card = page.locator('.chain-card');
  const [low, high, follow] = await Promise.all([card.getAttribute('data-low'), card.getAttribute('data-high'), card.getAttribute('data-follow')]);
  return { low: Number(low), high: Number(high), follow: follow === 'true' };
}

/** Waits until the chain view's window satisfies `check`. */
async function windowBecomes(page: Page, check: (w: { low: number; high: number; follow: boolean }) => boolean, what: string): Promise<void> {
  await waitUntil(async () => check(await windowOf(page)), what, 15_000);
}

describe('explorer pages in Chromium', () => {
  let s: Scenario;
  let browser: Awaited<ReturnType<typeof openBrowser>>;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    s = await buildScenario();
    browser = await openBrowser(s.t.cookie);
    page = await browser.context.newPage();
    errors = watchErrors(page);
  }, SETUP_MS);
  afterAll(async () => {
    await browser?.close();
    await s?.t.stop();
  });

  const open = async (route: string) => {
    await page.goto(`${s.t.url}${route}`);
    await page.locator('main .loading').waitFor({ state: 'detached' });
  };

  it('follows a 60-block side branch: jump to its fork point, zoom, pan, then back to the tip', async () => {
    const tips = await s.t.result<{ status: string; branchlen: number; height: number }[]>('getchaintips');
    expect(tips.find((t) => t.status !== 'active')).toMatchObject({ branchlen: SIDE_LENGTH, height: FORK + SIDE_LENGTH });
    await open('#/chain');
    await page.locator(`.blk.active.tip[data-height="${s.tip}"]`).waitFor();
    // Following the tip, the window of 30 heights is far above the branch: no side lane, but the overview strip marks it.
    expect(await windowOf(page)).toEqual({ low: s.tip - 29, high: s.tip, follow: true });
    expect(await page.locator('.blk.stale').count()).toBe(0);
    await page.locator(`.map-branch[data-fork="${FORK}"]`).waitFor();

    await page.locator(`#chain-tips .jump-fork[data-fork="${FORK}"]`).click();
    await waitUntil(async () => (await page.locator('.blk.stale').count()) >= SIDE_LENGTH, 'the side lane', 15_000);
    const view = await windowOf(page);
    expect(view.follow).toBe(false);
    expect(view.low).toBeLessThanOrEqual(FORK);
    expect(view.high).toBeGreaterThanOrEqual(FORK + SIDE_LENGTH);
    await settled(page);
    // The fork point, the branch's first and last block, all in view; the branch on a lane below the best chain.
    expect(await inView(page, `.blk.active[data-height="${FORK}"] rect`)).toBe(true);
    expect(await inView(page, `.blk[data-hash="${s.side[0]}"] rect`)).toBe(true);
    expect(await inView(page, `.blk[data-hash="${s.side[SIDE_LENGTH - 1]}"] rect`)).toBe(true);
    const top = (sel: string) => page.locator(sel).evaluate((el) => el.getBoundingClientRect().top);
    expect(await top(`.blk[data-hash="${s.side[0]}"] rect`)).toBeGreaterThan(await top(`.blk.active[data-height="${FORK + 1}"] rect`));
    expect(await page.locator('.blk.stale').count()).toBe(SIDE_LENGTH);
    await screenshot(page, ARTIFACTS, 'chain-fork-point.png');

    // Zoom in: fewer heights, labels back on the boxes; pan with the buttons and the keyboard.
    await page.locator('#chain-zoom-in').click();
    await windowBecomes(page, (w) => w.high < view.high, 'a zoomed-in window');
    const zoomed = await windowOf(page);
    expect(zoomed.high - zoomed.low).toBeLessThan(view.high - view.low);
    await page.locator('#chain-newer').click();
    await windowBecomes(page, (w) => w.low > zoomed.low, 'a window panned to newer heights');
    const panned = await windowOf(page);
    await page.locator('#chain-svg').focus();
    await page.keyboard.press('ArrowLeft');
    await windowBecomes(page, (w) => w.low < panned.low, 'a window panned back by the arrow key');
    expect(await page.locator('.blk.stale').count()).toBeGreaterThan(0);
    // A drag to the right by a few columns shows older heights.
    const dragged = await windowOf(page);
    const box = (await page.locator('#chain-svg').boundingBox())!;
    await page.mouse.move(box.x + 200, box.y + box.height - 6);
    await page.mouse.down();
    await page.mouse.move(box.x + 260, box.y + box.height - 6, { steps: 4 });
    await page.mouse.move(box.x + 320, box.y + box.height - 6, { steps: 4 });
    await page.mouse.up();
    await windowBecomes(page, (w) => w.low < dragged.low, 'a window dragged to older heights');
    await settled(page);
    await screenshot(page, ARTIFACTS, 'chain-zoomed.png');

    await page.locator('#chain-follow').click();
    await windowBecomes(page, (w) => w.follow && w.high === s.tip, 'the window following the tip again');
    await page.locator(`.blk.active.tip[data-height="${s.tip}"]`).waitFor();
    expect(errors).toEqual([]);
  }, BROWSER_TEST_MS);

  it('lists blocks a page at a time with their size, weight and fees', async () => {
    await open('#/blocks');
    const rows = page.locator('#block-list tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(20);
    expect(await rows.first().getAttribute('data-height')).toBe(String(s.tip));
    // The block with the three mined spends: fees are their sum.
    const withSpends = page.locator(`#block-list tr[data-height="${s.tip}"]`);
    const fees = SPENDS.slice(0, MINED).reduce((a, x) => a + Number(x.fee), 0) / 1e8;
    expect(await withSpends.locator('td.fees').textContent()).toBe(`${fees} TLY`);
    expect(await withSpends.locator('td.size').textContent()).toMatch(/^[\d,]+ B$/);
    expect(await withSpends.locator('td.weight').textContent()).toMatch(/^[\d,]+ WU$/);
    expect(await rows.first().locator('td').nth(2).textContent()).toMatch(DATE);
    await screenshot(page, ARTIFACTS, 'blocks.png');

    await page.locator('.pager a[rel="next"]').first().click();
    await page.locator(`#block-list tbody tr:first-child[data-height="${s.tip - 20}"]`).waitFor();
    await page.locator('.pager a[rel="prev"]').first().click();
    await page.locator(`#block-list tbody tr:first-child[data-height="${s.tip}"]`).waitFor();
    expect(errors).toEqual([]);
  }, BROWSER_TEST_MS);

  it("shows an address's history newest first with amount, direction, date and confirmations, in pages", async () => {
    await open(`#/address/${address}`);
    const rows = page.locator('#address-txs tbody tr');
    await rows.first().waitFor();
    const unconfirmed = SPENDS.length - MINED;
    // The unconfirmed spends first, then the confirmed history from the tip down.
    expect(await rows.count()).toBe(unconfirmed + 25);
    const mined = page.locator(`#address-txs tr[data-txid="${s.spends[0]!.txid}"]`);
    expect(await mined.locator('.badge').first().textContent()).toBe('out');
    expect(await mined.locator('td.amount').textContent()).toBe(`-${(1_000_000_000 + Number(SPENDS[0]!.fee)) / 1e8} TLY`);
    expect(await mined.locator('td.confirmations').textContent()).toBe('1');
    expect(await mined.locator('td').nth(3).textContent()).toMatch(DATE);
    const waiting = page.locator(`#address-txs tr[data-txid="${s.spends[MINED]!.txid}"]`);
    expect(await waiting.locator('td.confirmations').textContent()).toBe('unconfirmed');
    // Block 112's coinbase: the subsidy, no fees.
    expect(await rows.last().locator('td.amount').textContent()).toBe('+50 TLY');
    await screenshot(page, ARTIFACTS, 'address.png');

    // Older pages continue below the last row shown, with no overlap; the newest page comes back.
    const firstPage = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-txid')));
    const lastHeight = Number(await rows.last().locator('td').last().textContent());
    await page.locator('.pager a[rel="next"]').first().click();
    await waitUntil(async () => Number(await rows.first().locator('td').last().textContent()) < lastHeight, 'the older page', 15_000);
    const secondPage = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-txid')));
    expect(secondPage).toHaveLength(25);
    expect(secondPage.filter((id) => firstPage.includes(id))).toEqual([]);
    expect(Number(await rows.first().locator('td').last().textContent())).toBe(lastHeight - 1);
    await page.locator('.pager a[rel="prev"]').first().click();
    await page.locator(`#address-txs tr[data-txid="${s.spends[MINED]!.txid}"]`).waitFor();
    expect(errors).toEqual([]);
  }, BROWSER_TEST_MS);

  it('charts the mempool by fee rate and projects the next blocks', async () => {
    await open('#/mempool');
    const waiting = SPENDS.length - MINED;
    await page.locator('#fee-histogram').waitFor();
    const counts = await page.locator('.hist-value').evaluateAll((els) => els.map((e) => Number(/· (\d+) tx/.exec(e.textContent ?? '')?.[1])));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(waiting);
    expect(counts.filter((n) => n > 0).length).toBeGreaterThan(1);
    expect(await page.locator('#projected-blocks .projected[data-index="0"]').getAttribute('data-count')).toBe(String(waiting));
    await screenshot(page, ARTIFACTS, 'mempool.png');

    // The projection itself, on a made-up mempool and 2,000 WU blocks: by ancestor fee rate, parents first, greedy fill.
    // A string, so that the test's transform leaves the browser's dynamic import alone.
    const projected = await page.evaluate(`(async () => {
      const m = await import('/explorer/mempool-blocks.js');
      const entry = (txid, vsize, feeSats, depends = [], ancestor = { fee: feeSats, size: vsize }) => ({
        txid, vsize, weight: vsize * 4, fees: { base: feeSats / 1e8, ancestor: ancestor.fee / 1e8 }, ancestorsize: ancestor.size, depends,
      });
      const r = m.projectBlocks([
        entry('parent', 100, 100), entry('child', 100, 3000, ['parent'], { fee: 3100, size: 200 }), entry('high', 150, 1500),
        entry('big', 240, 1200), entry('mid', 100, 600), entry('low', 200, 200), entry('tail', 300, 300),
      ], { maxWeight: 2000, count: 2 });
      return { blocks: r.blocks.map((b) => b.txids), rest: r.rest.count };
    })()`) as { blocks: string[][]; rest: number };
    // The child's package (15.5 sat/vB with its parent) leads; big does not fit the first block's 500 vB after mid; tail fits no block.
    expect(projected.blocks).toEqual([['parent', 'child', 'high', 'mid'], ['big', 'low']]);
    expect(projected.rest).toBe(1);
    expect(errors).toEqual([]);
  }, BROWSER_TEST_MS);

  it('shows a transaction for students: raw hex, scripts with asm, witness items and their sighash types', async () => {
    const cases = [
      { spend: s.spends[0]!, name: 'SIGHASH_DEFAULT', bytes: 64 },
      { spend: s.spends[2]!, name: 'SIGHASH_ALL|ANYONECANPAY', bytes: 65 },
      { spend: s.spends[5]!, name: 'SIGHASH_SINGLE', bytes: 65 },
    ];
    for (const c of cases) {
      await open(`#/tx/${c.spend.txid}`);
      await page.locator('#tx-scripts').waitFor();
      const raw = await s.t.result<{ hex: string; vin: { txinwitness: string[] }[]; vout: { scriptPubKey: { asm: string } }[] }>('getrawtransaction', c.spend.txid, 1);
      // The raw hex, cut into its fields: together they are the whole transaction.
      expect(await page.locator('#raw-hex').textContent()).toBe(raw.hex);
      const field = (name: string) => page.locator(`#raw-hex .seg[data-field="${name}"]`).allTextContents();
      expect(await field('version')).toEqual(['02000000']);
      expect(await field('marker')).toEqual(['0001']);
      expect(await field('witness')).toEqual([raw.vin[0]!.txinwitness[0]]);
      expect(await field('locktime')).toEqual(['00000000']);
      const asm = await page.locator('#tx-scripts code.asm').allTextContents();
      for (const out of raw.vout) expect(asm).toContain(out.scriptPubKey.asm);
      expect(asm.some((a) => /^1 [0-9a-f]{64}$/.test(a))).toBe(true);
      expect(await page.locator('.witness[data-path="key"] li').count()).toBe(1);
      expect(await page.locator('.witness li .muted').first().textContent()).toBe(`${c.bytes} bytes`);
      expect(await page.locator('.sighash').getAttribute('data-sighash')).toBe(c.name);
    }
    await screenshot(page, ARTIFACTS, 'tx.png');
    expect(errors).toEqual([]);
  }, BROWSER_TEST_MS);

  it('speaks one time format, chain work in hashes, errors in words, and clears a stale banner', async () => {
    await open(`#/block/${FORK + 1}`);
    await page.locator('#chainwork').waitFor();
    expect(await page.locator('#chainwork').textContent()).toMatch(/^[\d,.]+( × 10[⁰¹²³⁴⁵⁶⁷⁸⁹]+)? hashes \(2\^\d+\.\d\)$/);
    expect(await page.locator('main').textContent()).not.toContain('(hex)');
    expect(await page.locator('table.facts td').nth(1).textContent()).toMatch(DATE);

    await open('#/block/99999');
    expect(await page.locator('main .error').textContent()).toContain(`No block at height 99999 yet; the tip is ${s.tip}.`);
    await screenshot(page, ARTIFACTS, 'error.png');

    // A failed search raises the banner; the next page that loads takes it down.
    await open('#/');
    await page.fill('#q', '99999');
    await page.press('#q', 'Enter');
    await page.locator('#notice:not([hidden])', { hasText: `No block at height 99999 yet; the tip is ${s.tip}.` }).waitFor();
    await page.locator('nav a[data-nav="blocks"]').click();
    await page.locator('#block-list').waitFor();
    expect(await page.locator('#notice').isHidden()).toBe(true);
    await screenshot(page, ARTIFACTS, 'after-error.png');
    expect(errors).toEqual([]);
  }, BROWSER_TEST_MS);
});
