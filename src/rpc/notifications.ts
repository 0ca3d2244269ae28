/**
 * WebSocket notifications on the RPC port (same credentials): clients
 * subscribe to blocks, reorgs, mempool transactions and address activity.
 * Slow subscribers are dropped rather than allowed to buffer without bound;
 * a client's messages are bounded in size (256 KiB) and rate (a token bucket:
 * 20 at once, 10 per second; beyond it the answer is error -32005, and a client
 * refused more than 100 times, less one per second, is closed with 1008).
 *
 * Protocol (JSON-RPC 2.0 over WebSocket, path `/ws`):
 * - client → server: `{"jsonrpc":"2.0","id":1,"method":"subscribe","params":{"topics":["blocks","reorgs","mempool"],"addresses":["tlr1p..."]}}`;
 *   `unsubscribe` takes the same params (none: drop everything). Both answer
 *   `{"jsonrpc":"2.0","id":1,"result":{"topics":[...],"addresses":[...]}}`, the subscription now.
 * - server → client, as notifications (no id):
 *   `block` (topic blocks), `reorg` then one `disconnected` per block that left the chain (topic reorgs),
 *   `tx` and `txremoved` (topic mempool), and `address` for every transaction, in the mempool or in a
 *   connected block, that pays or spends a subscribed address. Amounts are coins, as in the RPC.
 *   In a reorganization `reorg` comes first, then the `disconnected` blocks (newest first), then the new `block`s.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Block } from '../primitives/block.js';
import { scriptPubKeyToAddress } from '../primitives/address.js';
import { hashToHex, toHex } from '../primitives/bytes.js';
import type { Transaction, TxOutput } from '../primitives/tx.js';
import type { ChainEntry } from '../chain/index.js';
import type { MempoolEntry } from '../mempool/interface.js';
import type { NetworkParams } from '../consensus/params.js';
import type { ChainReader, MempoolReader, NodeEventSource, NodeEvents } from '../node/interface.js';
import type { Logger } from '../util/logger.js';
import { dispatch, errorReply, type DispatchTarget } from './dispatch.js';
import { RPC, RpcError } from './errors.js';
import { formatAmount } from './format.js';
import { addressActivity } from './address-activity.js';
import { refuseUpgrade, type RequestTarget } from './http.js';
import { TokenBucket } from './rate-limit.js';
import { SUBSCRIPTION_METHODS, type Subscription, type SubscriptionContext, type Topic } from './subscriptions.js';
import { parseMessage, replyText } from './ws-messages.js';
import type { ServerAttachment } from './server.js';

/** What the notifier reads of the node (TallyNode satisfies it): its events and narrow views. */
export interface NotifierNode extends NodeEventSource {
  readonly config: { readonly network: NetworkParams };
  readonly chain: ChainReader;
  readonly mempool: MempoolReader;
}

export interface NotifierModules {
  node: NotifierNode;
  logger: Logger;
  /** Bytes a subscriber may have queued before it is dropped. */
  maxBuffer: number;
}

export const WS_PATH = '/ws';
export { TOPICS, type Topic } from './subscriptions.js';
/** Bounds on what one client may ask for. */
const MAX_CLIENTS = 100;
const MAX_MESSAGE_BYTES = 256 * 1024;
/** Messages a client may send at once, and per second after that: subscriptions change rarely. */
const MESSAGE_RATE = { rate: 10, burst: 20 };
/** Refused messages a client may send, forgiven at one per second; past them it is disconnected (close code 1008, policy violation). */
const REFUSALS = { rate: 1, burst: 100 };
const HEARTBEAT_MS = 30_000;

interface Client extends Subscription {
  ws: WebSocket;
  alive: boolean;
  messages: TokenBucket;
  refusals: TokenBucket;
  /** The client's requests, answered one at a time in the order they came. */
  pending: Promise<void>;
}

export class Notifier implements ServerAttachment {
  private readonly clients = new Set<Client>();
  private readonly log: Logger;
  private readonly off: (() => void)[] = [];
  private wss?: WebSocketServer;
  private heartbeat?: NodeJS.Timeout;
  /** Events are handled one at a time, in the order the node emitted them. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly modules: NotifierModules) {
    this.log = modules.logger.child({ module: 'ws' });
  }

  /** Subscribers connected now. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Upgrades reach {@link upgrade} through the RPC server, which checks them first. */
  attach(_server: Server, _authorize: (req: IncomingMessage) => boolean): void {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
    this.watchNode();
    this.heartbeat = setInterval(() => this.checkAlive(), HEARTBEAT_MS).unref();
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const off of this.off.splice(0)) off();
    for (const c of this.clients) c.ws.terminate();
    this.clients.clear();
    await this.queue;
    const wss = this.wss;
    this.wss = undefined;
    if (wss) await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  // ---- connections ----------------------------------------------------------

  /** Takes an upgrade the RPC server has authorized, when it is for {@link WS_PATH}. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: RequestTarget): boolean {
    if (target.path !== WS_PATH || !this.wss) return false;
    if (this.clients.size >= MAX_CLIENTS) refuseUpgrade(socket, 503, 'Too many subscribers');
    else this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
    return true;
  }

  private onConnection(ws: WebSocket): void {
    const client: Client = { ws, topics: new Set(), addresses: new Map(), alive: true, messages: new TokenBucket(MESSAGE_RATE, performance.now()), refusals: new TokenBucket(REFUSALS, performance.now()), pending: Promise.resolve() };
    this.clients.add(client);
    ws.on('message', (data, isBinary) => {
      client.pending = client.pending.then(() => this.onMessage(client, data, isBinary)).catch((err: Error) => {
        // The last stop: a rejection here would end the process.
        this.log.warn({ err: err.message }, 'subscriber message failed');
        this.drop(client);
      });
    });
    ws.on('pong', () => { client.alive = true; });
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', (err) => {
      this.log.debug({ err: err.message }, 'subscriber error');
      this.drop(client);
    });
  }

  private checkAlive(): void {
    for (const c of this.clients) {
      if (!c.alive) {
        this.drop(c);
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }

  private drop(client: Client): void {
    this.clients.delete(client);
    client.ws.terminate();
  }

  // ---- requests -------------------------------------------------------------

  private async onMessage(client: Client, data: RawData, isBinary: boolean): Promise<void> {
    // Checked before parsing: a flood costs the bucket arithmetic, not a JSON parse each.
    if (client.messages.take(performance.now()) > 0) return this.refuseMessage(client);
    const parsed = parseMessage(data, isBinary);
    const reply = 'error' in parsed ? errorReply(parsed.error, true) : await dispatch(parsed.request, this.target(client));
    this.send(client, replyText(reply.body));
  }

  /** The subscription method table, acting on `client`. */
  private target(client: Client): DispatchTarget<SubscriptionContext> {
    const network = this.modules.node.config.network;
    return { methods: SUBSCRIPTION_METHODS, network, ctx: { subscription: client, network }, version2: true };
  }

  private refuseMessage(client: Client): void {
    if (client.refusals.take(performance.now()) > 0) {
      this.log.info({ refused: REFUSALS.burst }, 'closing a subscriber that ignores the message rate limit');
      this.clients.delete(client);
      client.ws.close(1008, 'message rate limit exceeded');
      return;
    }
    const message = `Rate limit exceeded: at most ${MESSAGE_RATE.rate} messages per second`;
    this.send(client, replyText(errorReply(new RpcError(RPC.LIMIT_EXCEEDED, message), true).body));
  }

  // ---- events ---------------------------------------------------------------

  private watchNode(): void {
    const node = this.modules.node;
    const listen = <K extends keyof NodeEvents>(event: K, handler: (...args: NodeEvents[K]) => Promise<void> | void) => {
      const listener = (...args: NodeEvents[K]) => {
        if (this.clients.size > 0) this.enqueue(() => handler(...args));
      };
      node.on(event as never, listener as never);
      this.off.push(() => node.off(event as never, listener as never));
    };
    listen('block', (block, entry) => this.onBlock(block, entry));
    listen('disconnect', (block, entry) => this.publish('reorgs', 'disconnected', {
      hash: entry.hashHex, height: entry.height, previousblockhash: block.header.prevHash, txids: block.transactions.map((t) => t.txid),
    }));
    listen('reorg', ({ oldTip, newTip, fork }) => this.publish('reorgs', 'reorg', {
      oldTip: tipJson(oldTip), newTip: tipJson(newTip), fork: tipJson(fork), forkheight: fork.height, depth: oldTip.height - fork.height,
    }));
    listen('tx', (entry) => this.onTx(entry));
    listen('txRemoved', (entry, reason) => this.publish('mempool', 'txremoved', { txid: entry.txid, wtxid: entry.wtxid, reason }));
  }

  private enqueue(task: () => Promise<void> | void): void {
    this.queue = this.queue.then(task).catch((err: Error) => this.log.warn({ err: err.message }, 'notification failed'));
  }

  private async onBlock(block: Block, entry: ChainEntry): Promise<void> {
    this.publish('blocks', 'block', {
      hash: entry.hashHex, height: entry.height, time: block.header.time, mediantime: entry.medianTimePast,
      previousblockhash: block.header.prevHash, chainwork: entry.chainWork.toString(16).padStart(64, '0'),
      size: block.size, weight: block.weight, nTx: block.transactions.length, txids: block.transactions.map((t) => t.txid),
    });
    if (!this.anyAddresses()) return;
    // The block's spent coins are gone from the UTXO set; the chain still knows them. Undefined when
    // the block was disconnected again before we got here: report what the outputs show.
    const spent = await this.modules.node.chain.spentCoins(entry).catch((err: Error) => {
      this.log.warn({ hash: entry.hashHex, err: err.message }, 'spent coins of a block unavailable');
      return undefined;
    });
    block.transactions.forEach((tx, i) => {
      this.publishAddressActivity(tx, spent?.[i] ?? [], { confirmed: true, height: entry.height, blockhash: entry.hashHex });
    });
  }

  private async onTx(entry: MempoolEntry): Promise<void> {
    const tx = entry.tx;
    this.publish('mempool', 'tx', {
      txid: entry.txid, wtxid: entry.wtxid, fee: formatAmount(entry.fee), vsize: entry.vsize, weight: entry.weight, time: entry.time,
      inputs: tx.inputs.map((i) => ({ txid: hashToHex(i.prevout.txid), vout: i.prevout.vout })),
      outputs: this.outputsJson(tx),
    });
    if (!this.anyAddresses()) return;
    const { chain, mempool } = this.modules.node;
    const spent: (TxOutput | undefined)[] = [];
    for (const input of tx.inputs) {
      const parent = mempool.get(hashToHex(input.prevout.txid))?.tx.outputs[input.prevout.vout];
      spent.push(parent ?? (await chain.getCoin(input.prevout)));
    }
    this.publishAddressActivity(tx, spent, { confirmed: false });
  }

  private outputsJson(tx: Transaction): Record<string, unknown>[] {
    const prefix = this.modules.node.config.network.addressPrefix;
    return tx.outputs.map((o, n) => {
      const address = scriptPubKeyToAddress(prefix, o.scriptPubKey);
      return { n, value: formatAmount(o.value), scriptPubKey: toHex(o.scriptPubKey), ...(address ? { address } : {}) };
    });
  }

  /** `spent`: the coin of each input, in input order, where known. */
  private publishAddressActivity(tx: Transaction, spent: readonly (TxOutput | undefined)[], where: Record<string, unknown>): void {
    const activity = addressActivity(tx, spent);
    for (const client of [...this.clients]) {
      for (const [script, a] of activity) {
        const address = client.addresses.get(script);
        if (address === undefined) continue;
        this.send(client, notification('address', {
          address, txid: tx.txid, ...where, received: formatAmount(a.received), spent: formatAmount(a.spent), outputs: a.outputs, inputs: a.inputs,
        }));
      }
    }
  }

  private anyAddresses(): boolean {
    for (const c of this.clients) if (c.addresses.size > 0) return true;
    return false;
  }

  private publish(topic: Topic, method: string, params: Record<string, unknown>): void {
    let text: string | undefined;
    for (const client of [...this.clients]) {
      if (client.topics.has(topic)) this.send(client, (text ??= notification(method, params)));
    }
  }

  /** Sends, or drops a subscriber whose unread backlog exceeds the limit: the node never waits for a client. */
  private send(client: Client, text: string): void {
    if (client.ws.readyState !== WebSocket.OPEN) return;
    if (client.ws.bufferedAmount + text.length > this.modules.maxBuffer) {
      this.log.info({ buffered: client.ws.bufferedAmount, limit: this.modules.maxBuffer }, 'dropping a slow subscriber');
      this.drop(client);
      return;
    }
    client.ws.send(text);
  }
}

function notification(method: string, params: Record<string, unknown>): string {
  return JSON.stringify({ jsonrpc: '2.0', method, params });
}

function tipJson(entry: ChainEntry): { hash: string; height: number } {
  return { hash: entry.hashHex, height: entry.height };
}
