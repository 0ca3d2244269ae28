/**
 * The block explorer (`tally node --explorer`): its HTTP surface (files only
 * to authorized requests, single-use WebSocket session tokens, cross-site
 * requests refused), then the page itself in Debian's Chromium driven by
 * playwright-core against an in-process regtest node: a block mined over RPC
 * appears without a reload, links lead to its coinbase transaction, and the
 * chain view draws a fork and then the reorganization that resolves it.
 * Screenshots go to test-artifacts/.
 *
 * The browser tests fail (they do not skip) when Chromium is missing: CI runs
 * them (.ci/run installs Debian's chromium as root). CHROMIUM_PATH points them
 * at another Chromium or Chrome.
 */
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { encodeAddress } from '../../src/primitives/address.js';
import { outputKeyFromSecret, scriptFromSecret } from '../../src/primitives/sign.js';
import { regtest } from '../../src/consensus/params.js';
import { defaultExplorerOptions, Explorer, SessionTokens } from '../../src/explorer/index.js';
import { openBrowser, screenshot, watchErrors } from '../helpers/browser.js';
import { testKey, TestChain } from '../helpers/chain.js';
import { startRpcNode, type RpcTestNode } from '../helpers/rpc.js';
import { tempDir } from '../helpers/tmp.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const address = encodeAddress(regtest.addressPrefix, outputKeyFromSecret(testKey(1)));
const payout = scriptFromSecret(testKey(1));
/** A browser test starts Chromium and waits on the page: more than the suite's default 30 s when the machine is busy. */
const BROWSER_TEST_MS = 90_000;

/** A regtest node with its RPC server, the /ws notifier and the explorer attached. */
async function startExplorerNode(label: string): Promise<RpcTestNode> {
  const node = await startRpcNode(tempDir(label));
  node.rpc.use(new Explorer(defaultExplorerOptions(), { logger: pino({ level: 'silent' }) }));
  return node;
}

const basic = (cookie: string) => `Basic ${Buffer.from(cookie).toString('base64')}`;

describe('explorer over HTTP', () => {
  let t: RpcTestNode;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    t = await startExplorerNode('explorer-http');
  });
  afterEach(() => {
    for (const ws of sockets.splice(0)) ws.terminate();
  });
  afterAll(async () => {
    await t?.stop();
  });

  const get = (path: string, headers: Record<string, string> = { authorization: basic(t.cookie) }) => fetch(new URL(path, t.url), { headers });

  /** Opens /ws; resolves 'open' or the HTTP status of the refused upgrade. */
  const upgrade = (path: string, headers: Record<string, string> = {}) => new Promise<number | 'open'>((resolve, reject) => {
    const ws = new WebSocket(new URL(path, t.url.replace('http', 'ws')), { headers });
    sockets.push(ws);
    ws.once('open', () => resolve('open'));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });

  it('serves the page and its files only to authorized requests', async () => {
    const anonymous = await get('/', {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect((await get('/explorer/app.js', {})).status).toBe(401);

    for (const path of ['/', '/explorer/']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await res.text()).toContain('/explorer/app.js');
    }
    const script = await get('/explorer/app.js');
    expect(script.headers.get('content-type')).toContain('text/javascript');
    const etag = script.headers.get('etag')!;
    expect((await get('/explorer/app.js', { authorization: basic(t.cookie), 'if-none-match': etag })).status).toBe(304);
    expect((await get('/explorer/nothing.js')).status).toBe(404);
    expect((await get('/explorer/..%2fpackage.json')).status).toBe(404);
    // Paths outside the explorer keep the RPC's answer to anything but POST.
    expect((await get('/rest/chaininfo.json')).status).toBe(405);
  });

  it('admits a WebSocket with a session token once; a cross-site page gets neither the RPC nor /ws', async () => {
    const session = await (await get('/explorer/session')).json() as { token: string; expires: number };
    expect(session.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await upgrade(`/ws?token=${session.token}`)).toBe('open');
    expect(await upgrade(`/ws?token=${session.token}`)).toBe(401);
    expect(await upgrade('/ws?token=made-up')).toBe(401);
    expect((await get('/explorer/session', {})).status).toBe(401);

    const host = new URL(t.url).host;
    const post = (origin: string) => fetch(t.url, { method: 'POST', headers: { authorization: basic(t.cookie), origin }, body: JSON.stringify({ method: 'getblockcount', params: [], id: 1 }) });
    expect((await post('http://evil.example')).status).toBe(403);
    expect((await post(`http://${host}`)).status).toBe(200);
    expect(await upgrade('/ws', { authorization: basic(t.cookie), origin: 'http://evil.example' })).toBe(401);
    expect(await upgrade('/ws', { authorization: basic(t.cookie), origin: `http://${host}` })).toBe('open');
  });

  it('session tokens expire and are bounded in number', () => {
    let now = 1_000;
    const tokens = new SessionTokens(60_000, 3, () => now);
    const first = tokens.issue().token;
    const second = tokens.issue().token;
    now += 60_000;
    expect(tokens.consume(first)).toBe(false);
    const fresh = [tokens.issue().token, tokens.issue().token, tokens.issue().token, tokens.issue().token];
    expect(tokens.size).toBe(3);
    expect(tokens.consume(second)).toBe(false);
    expect(tokens.consume(fresh[0]!)).toBe(false);
    expect(tokens.consume(fresh[3]!)).toBe(true);
  });
});

// ---- in the browser ---------------------------------------------------------------

describe('explorer in Chromium', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('shows a new block live, then its block and coinbase transaction pages', async () => {
    const t = await startExplorerNode('explorer-live');
    cleanup.push(() => t.stop());
    await t.node.generate(3, payout);
    const browser = await openBrowser(t.cookie);
    cleanup.push(browser.close);
    const page = await browser.context.newPage();
    const errors = watchErrors(page);

    await page.goto(t.url);
    await page.locator('#live.on').waitFor();
    await page.locator(`#latest-blocks tr[data-hash="${t.node.chain.tip.hashHex}"]`).waitFor();
    await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }));

    const [hash] = await t.result<string[]>('generatetoaddress', 1, address);
    const row = page.locator(`#latest-blocks tbody tr:first-child[data-hash="${hash}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await page.locator('#tip').textContent()).toContain('#4');
    await page.waitForTimeout(400);
    await screenshot(page, ARTIFACTS, 'explorer.png');

    await row.locator(`a[href="#/block/${hash}"]`).first().click();
    await page.locator('#block-txs').waitFor();
    const { tx: [coinbase] } = await t.result<{ tx: string[] }>('getblock', hash, 1);
    await page.locator(`#block-txs a[href="#/tx/${coinbase}"]`).click();
    await page.locator('#txid', { hasText: coinbase! }).waitFor();
    expect(await page.locator('main').textContent()).toContain('Newly generated coins');
    await page.locator(`main a[href="#/address/${address}"]`).first().waitFor();
    await screenshot(page, ARTIFACTS, 'explorer-tx.png');

    // The search box takes a height.
    await page.fill('#q', '2');
    await page.press('#q', 'Enter');
    await page.waitForURL(`**/#/block/${t.node.chain.getEntryAtHeight(2)!.hashHex}`);
    expect(errors).toEqual([]);
  }, BROWSER_TEST_MS);

  it('draws a fork in the chain view, then the reorganization that resolves it', async () => {
    const t = await startExplorerNode('explorer-reorg');
    cleanup.push(() => t.stop());
    // Two blocks everyone agrees on, then two mined by the node on top of them.
    const rival = new TestChain(regtest);
    rival.mine(2);
    for (const block of rival.blocks.slice(1)) await t.node.submitBlock(block);
    const mined = await t.node.generate(2, payout);
    const browser = await openBrowser(t.cookie);
    cleanup.push(browser.close);
    const page = await browser.context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${t.url}#/chain`);
    await page.locator('#live.on').waitFor();
    await page.locator(`.blk.active[data-hash="${mined[1]}"]`).waitFor();

    // A competing branch from height 2: as long as it has no more work, it is a side branch.
    rival.mine(3);
    const [b3, b4, b5] = rival.blocks.slice(3);
    await t.node.submitBlock(b3!);
    await t.node.submitBlock(b4!);
    expect(t.node.chain.tip.hashHex).toBe(mined[1]);
    await page.locator(`.blk.stale[data-hash="${b4!.hash}"]`).waitFor({ timeout: 15_000 });
    await page.waitForTimeout(1_000);
    await screenshot(page, ARTIFACTS, 'explorer-fork.png');

    // One more block makes it the heavier chain: the node reorganizes and the page follows.
    await t.node.submitBlock(b5!);
    expect(t.node.chain.tip.hashHex).toBe(b5!.hash);
    await page.locator(`.blk.active.tip[data-hash="${b5!.hash}"]`).waitFor({ timeout: 10_000 });
    for (const hash of mined) await page.locator(`.blk.stale.orphaned[data-hash="${hash}"]`).waitFor();
    await page.locator('#reorgs li').first().waitFor();
    await page.waitForTimeout(1_200); // the blocks' move to their new lanes
    // Two branches: the disconnected blocks now sit on a lane below the best chain's blocks at the same heights.
    const lane = (hash: string) => page.locator(`.blk[data-hash="${hash}"] rect`).evaluate((el) => el.getBoundingClientRect().top);
    expect(await lane(mined[0]!)).toBeGreaterThan(await lane(b3!.hash));
    expect(await lane(mined[1]!)).toBeGreaterThan(await lane(b4!.hash));
    expect(await page.locator('#chain-tips tbody tr').count()).toBe(2);
    expect(await page.locator('#chain-tips').textContent()).toContain('side branch');
    await screenshot(page, ARTIFACTS, 'explorer-chain.png');
    expect(errors).toEqual([]);
  }, BROWSER_TEST_MS);
});
