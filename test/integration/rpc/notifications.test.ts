/**
 * WebSocket notifications on the RPC port: the same credentials as the RPC,
 * block / reorg / mempool / address events with enough in them to act on,
 * and a subscriber that stops reading is dropped while the node goes on.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { encodeAddress } from '../../../src/primitives/address.js';
import { outputKeyFromSecret, scriptFromSecret } from '../../../src/primitives/sign.js';
import { regtest } from '../../../src/consensus/params.js';
import { RPC } from '../../../src/rpc/errors.js';
import { startRpcNode, type RpcTestNode } from '../../helpers/rpc.js';
import { ownedOutput, payTo, spend, testKey, TestChain } from '../../helpers/chain.js';
import { waitUntil } from '../../helpers/network.js';
import { tempDir } from '../../helpers/tmp.js';

interface Message {
  jsonrpc: string;
  id?: unknown;
  method?: string;
  params?: Record<string, unknown>;
  result?: { topics: string[]; addresses: string[] };
  error?: { code: number; message: string };
}

/** A connected subscriber that records every message. */
interface Subscriber {
  ws: WebSocket;
  messages: Message[];
  /** Sends a request and resolves with the reply to it. */
  request(method: string, params?: unknown): Promise<Message>;
  /** Resolves with the first recorded notification (past or future) matching. */
  next(method: string, test?: (p: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
}

const addressOf = (key: number) => encodeAddress(regtest.addressPrefix, outputKeyFromSecret(testKey(key)));
const auth = (cred: string) => ({ authorization: `Basic ${Buffer.from(cred).toString('base64')}` });
const wsUrl = (node: RpcTestNode, path = '/ws') => `ws://127.0.0.1:${node.rpc.address.port}${path}`;
const open: WebSocket[] = [];

afterEach(() => {
  for (const ws of open.splice(0)) ws.terminate();
});

/** Connects; resolves with the socket or rejects with the HTTP status of a refused upgrade. */
function connect(node: RpcTestNode, headers: Record<string, string>, path = '/ws'): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(node, path), { headers });
    open.push(ws);
    const messages: Message[] = [];
    let nextId = 1;
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Message));
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
    ws.once('open', () => resolve({
      ws,
      messages,
      async request(method, params) {
        const id = nextId++;
        ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
        let reply: Message | undefined;
        await waitUntil(() => (reply = messages.find((m) => m.id === id)) !== undefined, `a reply to ${method}`, 5_000);
        return reply!;
      },
      async next(method, test = () => true, ms = 10_000) {
        let found: Message | undefined;
        await waitUntil(() => (found = messages.find((m) => m.method === method && test(m.params!))) !== undefined, `a ${method} notification`, ms);
        return found!.params!;
      },
    }));
  });
}

function statusOf(promise: Promise<unknown>): Promise<number | undefined> {
  return promise.then(() => undefined, (err: { status?: number }) => err.status);
}

describe('websocket notifications', () => {
  let node: RpcTestNode;

  beforeAll(async () => {
    node = await startRpcNode(tempDir('rpc-ws'));
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('refuses an upgrade without the RPC credentials (HTTP 401) and other paths (404)', async () => {
    expect(await statusOf(connect(node, {}))).toBe(401);
    expect(await statusOf(connect(node, auth('__cookie__:wrong')))).toBe(401);
    expect(await statusOf(connect(node, auth(node.cookie), '/other'))).toBe(404);
    await expect(connect(node, auth(node.cookie))).resolves.toBeTruthy();
  });

  it('answers subscribe and unsubscribe with the subscription, and bad requests with JSON-RPC errors', async () => {
    const sub = await connect(node, auth(node.cookie));
    const r = await sub.request('subscribe', { topics: ['blocks', 'mempool'], addresses: [addressOf(1)] });
    // With the stream's position: the latest sequence number and the stream id (see notify-sequence.test.ts).
    const position = { sequence: expect.any(Number), stream: expect.stringMatching(/^[0-9a-f]{16}$/) };
    expect(r.result).toEqual({ topics: ['blocks', 'mempool'], addresses: [addressOf(1)], ...position });
    expect((await sub.request('unsubscribe', { topics: ['mempool'] })).result).toEqual({ topics: ['blocks'], addresses: [addressOf(1)], ...position });
    expect((await sub.request('unsubscribe')).result).toEqual({ topics: [], addresses: [], ...position });
    expect((await sub.request('subscribe', { topics: ['weather'] })).error!.code).toBe(RPC.INVALID_PARAMS);
    expect((await sub.request('subscribe', { addresses: ['tlr1notanaddress'] })).error!.code).toBe(RPC.INVALID_ADDRESS_OR_KEY);
    expect((await sub.request('frobnicate')).error!.code).toBe(RPC.METHOD_NOT_FOUND);
    sub.ws.send('{not json');
    await waitUntil(() => sub.messages.some((m) => m.error?.code === RPC.PARSE_ERROR), 'a parse error');
  });

  it('pushes each new block with its hash, height and txids', async () => {
    const sub = await connect(node, auth(node.cookie));
    await sub.request('subscribe', { topics: ['blocks'] });
    const [hash] = await node.node.generate(1, scriptFromSecret(testKey(9)));
    const block = await sub.next('block', (p) => p.hash === hash);
    expect(block).toMatchObject({ height: node.node.chain.height, previousblockhash: expect.any(String), nTx: 1 });
    expect(block.txids).toHaveLength(1);
    expect(typeof block.time).toBe('number');
  });
});

describe('reorg notifications', () => {
  let node: RpcTestNode;

  beforeAll(async () => {
    node = await startRpcNode(tempDir('rpc-ws-reorg'));
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('reports a reorg, the blocks it disconnected and the new ones', async () => {
    const sub = await connect(node, auth(node.cookie));
    await sub.request('subscribe', { topics: ['blocks', 'reorgs'] });
    const old = await node.node.generate(2, scriptFromSecret(testKey(9)));
    // A heavier branch from genesis, built elsewhere and fed to the node.
    const branch = new TestChain(regtest);
    branch.mine(3);
    for (const block of branch.blocks.slice(1)) await node.node.submitBlock(block);
    expect(node.node.chain.tip.hashHex).toBe(branch.tip.hash);

    const reorg = await sub.next('reorg');
    expect(reorg).toMatchObject({ oldTip: { hash: old[1], height: 2 }, newTip: { hash: branch.tip.hash, height: 3 }, fork: { height: 0 }, forkheight: 0, depth: 2 });
    const gone = await sub.next('disconnected', (p) => p.height === 1);
    expect(gone.hash).toBe(old[0]);
    expect(sub.messages.some((m) => m.method === 'disconnected' && m.params!.hash === old[1])).toBe(true);
    await sub.next('block', (p) => p.hash === branch.tip.hash);
    // Order: the reorg, then what left, then what joined.
    const order = sub.messages.filter((m) => m.method).map((m) => m.method);
    expect(order.lastIndexOf('reorg')).toBeLessThan(order.lastIndexOf('disconnected'));
    expect(order.lastIndexOf('disconnected')).toBeLessThan(order.lastIndexOf('block'));
  });
});

describe('transaction and address notifications', () => {
  let node: RpcTestNode;
  let chain: TestChain;

  beforeAll(async () => {
    node = await startRpcNode(tempDir('rpc-ws-tx'));
    chain = new TestChain(regtest);
    // Two mature coinbases: one per test below.
    chain.matureCoin(1);
    for (const block of chain.blocks.slice(1)) await node.node.submitBlock(block);
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('tells a subscriber about a transaction paying its address, then about its confirmation', async () => {
    const payee = await connect(node, auth(node.cookie));
    await payee.request('subscribe', { addresses: [addressOf(1)] });
    const payer = await connect(node, auth(node.cookie));
    await payer.request('subscribe', { topics: ['mempool'], addresses: [addressOf(0)] });

    const coin = chain.coinbaseCoins[0]!;
    const tx = spend([coin], [payTo(1, 10n * 100_000_000n), payTo(0, coin.output.value - 10n * 100_000_000n - 20_000n)]);
    await node.node.sendTransaction(tx);

    const received = await payee.next('address', (p) => p.txid === tx.txid);
    expect(received).toMatchObject({ address: addressOf(1), confirmed: false, received: 10, spent: 0, outputs: [{ vout: 0, value: 10 }] });
    const sent = await payer.next('address', (p) => p.txid === tx.txid);
    expect(sent).toMatchObject({ address: addressOf(0), confirmed: false, inputs: [{ vout: 0 }] });
    expect(sent.spent).toBe(Number(coin.output.value) / 1e8);
    const mempoolTx = await payer.next('tx', (p) => p.txid === tx.txid);
    expect(mempoolTx).toMatchObject({ wtxid: tx.wtxid, fee: 0.0002, vsize: expect.any(Number) });
    expect((mempoolTx.outputs as { address: string }[])[0]!.address).toBe(addressOf(1));
    expect(payee.messages.some((m) => m.method === 'tx')).toBe(false);

    const [hash] = await node.node.generate(1, scriptFromSecret(testKey(9)));
    const confirmed = await payee.next('address', (p) => p.txid === tx.txid && p.confirmed === true);
    expect(confirmed).toMatchObject({ blockhash: hash, height: node.node.chain.height, received: 10 });
    // The block's spends come from its undo record, since the coin is gone from the UTXO set.
    const spentConfirmed = await payer.next('address', (p) => p.txid === tx.txid && p.confirmed === true);
    expect(spentConfirmed.spent).toBe(Number(coin.output.value) / 1e8);
    await payer.next('txremoved', (p) => p.txid === tx.txid && p.reason === 'block');
  });

  it('tells a subscriber about a spend from its address by a later transaction of the same block', async () => {
    const middle = await connect(node, auth(node.cookie));
    await middle.request('subscribe', { addresses: [addressOf(2)] });
    const coin = chain.coinbaseCoins[1]!;
    const parent = spend([coin], [payTo(2, coin.output.value - 10_000n)]);
    const child = spend([ownedOutput(parent, 0, 2)], [payTo(3, parent.outputs[0]!.value - 10_000n)]);
    await node.node.sendTransaction(parent);
    await node.node.sendTransaction(child);

    const [hash] = await node.node.generate(1, scriptFromSecret(testKey(9)));
    const block = (await node.node.chain.getBlock(hash!))!;
    expect(block.transactions.map((t) => t.txid)).toEqual([block.transactions[0]!.txid, parent.txid, child.txid]);
    const received = await middle.next('address', (p) => p.txid === parent.txid && p.confirmed === true);
    expect(received).toMatchObject({ blockhash: hash, received: Number(parent.outputs[0]!.value) / 1e8, spent: 0 });
    // The coin tx2 spends was created by tx1 in this block, so it is in no undo record.
    const spent = await middle.next('address', (p) => p.txid === child.txid && p.confirmed === true);
    expect(spent).toMatchObject({
      address: addressOf(2), blockhash: hash, height: node.node.chain.height, received: 0, spent: Number(parent.outputs[0]!.value) / 1e8,
      inputs: [{ txid: parent.txid, vout: 0, value: Number(parent.outputs[0]!.value) / 1e8 }], outputs: [],
    });
  });
});

describe('slow subscribers', () => {
  let node: RpcTestNode;

  beforeAll(async () => {
    node = await startRpcNode(tempDir('rpc-ws-slow'), { rpc: { maxSubscriberBuffer: 64 * 1024 } });
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('drops a subscriber that stops reading, while the node and other subscribers carry on', async () => {
    const slow = await connect(node, auth(node.cookie));
    await slow.request('subscribe', { topics: ['blocks'] });
    const fast = await connect(node, auth(node.cookie));
    await fast.request('subscribe', { topics: ['blocks'] });
    slow.ws.pause();
    expect(node.notifier.clientCount).toBe(2);

    // Real blocks are slow to make in bulk; re-announcing the tip fills the kernel's
    // socket buffers (megabytes) quickly, and the notifier cannot tell the difference.
    await node.node.generate(1, scriptFromSecret(testKey(9)));
    const tip = node.node.chain.tip;
    const block = (await node.node.chain.getBlock(tip.hashHex))!;
    let sent = 0;
    const deadline = Date.now() + 20_000;
    while (node.notifier.clientCount === 2 && Date.now() < deadline) {
      for (let i = 0; i < 500; i++) node.node.emit('block', block, tip);
      sent += 500;
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(node.notifier.clientCount).toBe(1);
    expect(sent).toBeGreaterThan(1000);

    const [hash] = await node.node.generate(1, scriptFromSecret(testKey(9)));
    await fast.next('block', (p) => p.hash === hash, 20_000);
    expect(fast.messages.filter((m) => m.method === 'block').length).toBeGreaterThanOrEqual(sent);
    expect(fast.ws.readyState).toBe(WebSocket.OPEN);
  });
});
