/**
 * Catching up after a lost WebSocket, over real sockets: every notification
 * carries a sequence number; a client that reconnects and subscribes with
 * `{ since, stream }` receives exactly the notifications it missed that match
 * its subscription (compared with a witness that stayed connected), before the
 * answer and before any live one; when they are no longer kept, or the numbers
 * come from another stream, or an address was not followed all along, it gets
 * one `gap` notification telling it to resync.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { encodeAddress } from '../../../src/primitives/address.js';
import { outputKeyFromSecret, scriptFromSecret } from '../../../src/primitives/sign.js';
import { regtest } from '../../../src/consensus/params.js';
import { RPC } from '../../../src/rpc/errors.js';
import { startRpcNode, type RpcTestNode } from '../../helpers/rpc.js';
import { payTo, spend, testKey } from '../../helpers/chain.js';
import { waitUntil } from '../../helpers/wait.js';
import { tempDir } from '../../helpers/tmp.js';

interface Message { id?: number; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown>; error?: { code: number } }

const MINER = scriptFromSecret(testKey(1));
const WATCHED = encodeAddress(regtest.addressPrefix, outputKeyFromSecret(testKey(4)));
const OTHER = encodeAddress(regtest.addressPrefix, outputKeyFromSecret(testKey(8)));
const sockets: WebSocket[] = [];

afterEach(() => {
  for (const ws of sockets.splice(0)) ws.terminate();
});

/** A client that records every message; `request` resolves with the reply to it. */
async function connect(node: RpcTestNode) {
  const ws = new WebSocket(`ws://127.0.0.1:${node.rpc.address.port}/ws`, { headers: { authorization: `Basic ${Buffer.from(node.cookie).toString('base64')}` } });
  sockets.push(ws);
  const messages: Message[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Message));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  return {
    ws,
    messages,
    notifications: () => messages.filter((m) => m.method !== undefined),
    async request(method: string, params?: unknown): Promise<Message> {
      const id = nextId++;
      ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
      let reply: Message | undefined;
      await waitUntil(() => (reply = messages.find((m) => m.id === id)) !== undefined, `a reply to ${method}`, 5_000);
      return reply!;
    },
  };
}
type Client = Awaited<ReturnType<typeof connect>>;

const seqOf = (m: Message) => m.params!.sequence as number;

/** Closes a client and waits until the server has noticed. */
async function disconnect(node: RpcTestNode, client: Client, remaining: number): Promise<void> {
  client.ws.close();
  await waitUntil(() => node.notifier.clientCount === remaining, 'the server to see the close', 5_000);
}

/** Waits until `client` has a notification with this sequence number or later. */
async function caughtUp(client: Client, sequence: number): Promise<void> {
  await waitUntil(() => client.notifications().some((m) => seqOf(m) >= sequence), `notification ${sequence}`, 10_000);
}

describe('resuming after a lost connection', () => {
  let node: RpcTestNode;

  beforeAll(async () => {
    node = await startRpcNode(tempDir('notify-sequence'));
    await node.node.generate(101, MINER);
  }, 120_000);
  afterAll(async () => {
    await node?.stop();
  });

  it('numbers every notification and replays exactly the missed ones, then goes on live', async () => {
    const subscription = { topics: ['blocks'], addresses: [WATCHED] };
    const witness = await connect(node);
    await witness.request('subscribe', subscription);
    const client = await connect(node);
    const first = (await client.request('subscribe', subscription)).result!;
    expect(first).toMatchObject({ topics: ['blocks'], addresses: [WATCHED], stream: expect.any(String) });
    await node.node.generate(1, MINER);
    await waitUntil(() => client.notifications().length === 1, 'the first block', 10_000);
    const seen = seqOf(client.notifications()[0]!);
    expect(seen).toBeGreaterThan(first.sequence as number);
    await disconnect(node, client, 1);

    // While it is away: blocks, a payment to its address (mempool, then confirmed), and mempool traffic it does not follow.
    const coinbase = (await node.node.chain.getBlock(node.node.chain.getEntryAtHeight(1)!.hashHex))!.transactions[0]!;
    const pay = spend([{ prevout: { txid: coinbase.txidBytes, vout: 0 }, output: coinbase.outputs[0]!, key: testKey(1) }], [payTo(4, coinbase.outputs[0]!.value - 10_000n)]);
    await node.result('sendrawtransaction', pay.toHex());
    await node.node.generate(3, MINER);
    // Notifications go out after the node's events, one at a time: wait for the third block's.
    await waitUntil(() => witness.notifications().filter((m) => m.method === 'block' && seqOf(m) > seen).length === 3, 'three blocks', 10_000);
    const last = node.notifier.events.last;
    const missed = witness.notifications().filter((m) => seqOf(m) > seen);
    expect(missed.map((m) => m.method)).toEqual(['address', 'block', 'address', 'block', 'block']);

    const again = await connect(node);
    const reply = (await again.request('subscribe', { ...subscription, since: seen, stream: first.stream })).result!;
    expect(reply).toMatchObject({ replayed: missed.length, gap: null, sequence: last, stream: first.stream });
    // The replay came before the answer, in order, and is exactly what the witness got.
    const replyAt = again.messages.findIndex((m) => m.id !== undefined);
    expect(again.messages.slice(0, replyAt)).toEqual(missed);
    const numbers = missed.map(seqOf);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));

    await node.node.generate(1, MINER);
    await caughtUp(again, last + 1);
    const live = again.notifications().filter((m) => seqOf(m) > last);
    expect(live.map((m) => m.method)).toEqual(['block']);
    expect(new Set(again.notifications().map(seqOf)).size).toBe(again.notifications().length);
  });

  it('answers a gap for numbers of another stream and for an address it did not follow', async () => {
    const client = await connect(node);
    const { sequence, stream } = (await client.request('subscribe', { topics: ['blocks'] })).result as { sequence: number; stream: string };
    const other = (await client.request('subscribe', { since: sequence, stream: '0000000000000000' })).result!;
    expect(other).toMatchObject({ replayed: 0, gap: 'other-stream' });
    const unfollowed = (await client.request('subscribe', { addresses: [OTHER], since: Math.max(0, sequence - 1), stream })).result!;
    expect(unfollowed).toMatchObject({ replayed: 0, gap: 'not-watched' });
    const gaps = client.notifications().filter((m) => m.method === 'gap');
    expect(gaps.map((g) => g.params)).toEqual([
      expect.objectContaining({ action: 'resync', reason: 'other-stream', stream }),
      expect.objectContaining({ action: 'resync', reason: 'not-watched', since: Math.max(0, sequence - 1) }),
    ]);
    // Nothing missed is no gap; a number not given yet, or since without its stream, is a bad request.
    expect((await client.request('subscribe', { since: node.notifier.events.last, stream })).result).toMatchObject({ replayed: 0, gap: null });
    expect((await client.request('subscribe', { since: node.notifier.events.last + 5, stream })).error?.code).toBe(RPC.INVALID_PARAMETER);
    expect((await client.request('subscribe', { since: 1 })).error?.code).toBe(RPC.INVALID_PARAMETER);
  });
});

describe('a resume the log can no longer serve', () => {
  it('gets one gap notification (resync) when more were missed than are kept, then live ones', async () => {
    const node = await startRpcNode(tempDir('notify-overflow'), { eventLog: { maxEvents: 4, maxBytes: 1 << 20 } });
    try {
      const client = await connect(node);
      const { stream } = (await client.request('subscribe', { topics: ['blocks'] })).result as { stream: string };
      await node.node.generate(1, MINER);
      await waitUntil(() => client.notifications().length === 1, 'a block', 10_000);
      const seen = seqOf(client.notifications()[0]!);
      await disconnect(node, client, 0);
      await node.node.generate(6, MINER);
      await waitUntil(() => node.notifier.events.last === seen + 6, 'six more notifications', 10_000);

      const again = await connect(node);
      const reply = (await again.request('subscribe', { topics: ['blocks'], since: seen, stream })).result!;
      expect(reply).toMatchObject({ replayed: 0, gap: 'evicted', sequence: seen + 6 });
      expect(again.notifications()).toEqual([{ jsonrpc: '2.0', method: 'gap', params: { action: 'resync', reason: 'evicted', since: seen, oldest: seen + 3, sequence: seen + 6, stream } }]);
      // One missed beyond the oldest kept is the limit: since oldest - 1 is served in full.
      const edge = await connect(node);
      expect((await edge.request('subscribe', { topics: ['blocks'], since: seen + 2, stream })).result).toMatchObject({ replayed: 4, gap: null });
      await node.node.generate(1, MINER);
      await caughtUp(again, seen + 7);
      expect(again.notifications().at(-1)).toMatchObject({ method: 'block', params: { sequence: seen + 7 } });
    } finally {
      await node.stop();
    }
  });
});
