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
 *   connected block, that pays or spends a subscribed address (node-events.ts). Amounts are coins, as in the RPC.
 *   In a reorganization `reorg` comes first, then the `disconnected` blocks (newest first), then the new `block`s.
 * - every notification's params carry `sequence`, one number series for the whole stream (event-log.ts);
 *   `subscribe` answers the latest number and the stream's id. After a lost connection, `subscribe` with
 *   `{ since: <last sequence seen>, stream: <its id> }` sends the missed notifications that match the
 *   subscription (before its answer), or one `gap` notification (`{ action: "resync", reason, ... }`) when
 *   they are no longer kept: the client then re-reads what it follows over RPC. Live ones follow either way.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Logger } from '../util/logger.js';
import { dispatch, errorReply, type DispatchTarget } from './dispatch.js';
import { RPC, RpcError } from './errors.js';
import { EventLog, type EventLogLimits, type LoggedEvent } from './event-log.js';
import { refuseUpgrade, type RequestTarget } from './http.js';
import { ADDRESS_KEY, watchNodeEvents, type NotifierNode } from './node-events.js';
import { TokenBucket } from './rate-limit.js';
import { SUBSCRIPTION_METHODS, type Subscription, type SubscriptionContext, type SubscriptionFeed, type Topic } from './subscriptions.js';
import { WatchList } from './watch-list.js';
import { parseMessage, replyText } from './ws-messages.js';
import type { ServerAttachment } from './server.js';

export type { NotifierNode } from './node-events.js';

export interface NotifierModules {
  node: NotifierNode;
  logger: Logger;
  /** Bytes a subscriber may have queued before it is dropped. */
  maxBuffer: number;
  /** How many recent notifications are kept for resumes (default {@link DEFAULT_EVENT_LOG}). */
  eventLog?: EventLogLimits;
}

/** Recent notifications kept for clients that resume "since N": a few minutes of a busy mempool. */
export const DEFAULT_EVENT_LOG: EventLogLimits = { maxEvents: 10_000, maxBytes: 16 * 1024 * 1024 };

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
  /** Recent notifications, numbered. */
  readonly events: EventLog;
  private readonly watched = new WatchList();
  private listening?: ReturnType<typeof watchNodeEvents>;
  private everConnected = false;
  private wss?: WebSocketServer;
  private heartbeat?: NodeJS.Timeout;

  constructor(private readonly modules: NotifierModules) {
    this.log = modules.logger.child({ module: 'ws' });
    this.events = new EventLog(modules.eventLog ?? DEFAULT_EVENT_LOG);
  }

  /** Subscribers connected now. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Upgrades reach {@link upgrade} through the RPC server, which checks them first. */
  attach(_server: Server, _authorize: (req: IncomingMessage) => boolean): void {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
    this.listening = watchNodeEvents(this.modules.node, {
      active: () => this.everConnected,
      emit: (key, method, params) => this.emit(key, method, params),
      watches: (script) => this.watched.has(script),
      watchesAny: () => this.watched.size > 0,
    }, this.log);
    this.heartbeat = setInterval(() => this.checkAlive(), HEARTBEAT_MS).unref();
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.listening?.off();
    for (const c of [...this.clients]) this.drop(c);
    await this.listening?.idle();
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
    this.everConnected = true;
    ws.on('message', (data, isBinary) => {
      client.pending = client.pending.then(() => this.onMessage(client, data, isBinary)).catch((err: Error) => {
        // The last stop: a rejection here would end the process.
        this.log.warn({ err: err.message }, 'subscriber message failed');
        this.drop(client);
      });
    });
    ws.on('pong', () => { client.alive = true; });
    ws.on('close', () => this.forget(client));
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
    this.forget(client);
    client.ws.terminate();
  }

  /** A connection is gone: its addresses linger in the watch list for a later resume. */
  private forget(client: Client): void {
    if (!this.clients.delete(client)) return;
    for (const script of client.addresses.keys()) this.watched.release(script, this.events.last);
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
    return { methods: SUBSCRIPTION_METHODS, network, ctx: { subscription: client, network, feed: this.feed(client) }, version2: true };
  }

  /** The event stream as one connection's subscribe and unsubscribe see it. */
  private feed(client: Client): SubscriptionFeed {
    return {
      position: () => ({ sequence: this.events.last, stream: this.events.stream }),
      watch: (script) => this.watched.add(script, this.events.last),
      unwatch: (script) => this.watched.release(script, this.events.last),
      resume: (since, stream) => this.resume(client, since, stream),
    };
  }

  /**
   * Sends `client` what it missed after `since`, in order, or one `gap` notification when
   * the log no longer holds all of it (or did not follow one of its addresses all along).
   * Synchronous: no live notification can come between the replay and what follows it.
   */
  private resume(client: Client, since: number, stream: string): { replayed: number; gap: string | null } {
    const unwatched = [...client.addresses.keys()].some((script) => !this.watched.covers(script, since));
    const gap = this.events.check(since, stream) ?? (unwatched ? 'not-watched' : undefined);
    if (gap) {
      this.send(client, JSON.stringify({ jsonrpc: '2.0', method: 'gap', params: {
        action: 'resync', reason: gap, since, oldest: this.events.oldest, sequence: this.events.last, stream: this.events.stream,
      } }));
      return { replayed: 0, gap };
    }
    let replayed = 0;
    for (const event of this.events.after(since, (key) => wants(client, key))) {
      this.send(client, event.text);
      replayed++;
    }
    return { replayed, gap: null };
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

  /** Numbers and keeps a notification, then sends it to every connection it concerns. */
  private emit(key: string, method: string, params: Record<string, unknown>): void {
    const event = this.events.record(key, method, params);
    if (event.seq % 256 === 0) this.watched.prune(this.events.oldest);
    this.deliver(event);
  }

  private deliver(event: LoggedEvent): void {
    for (const client of [...this.clients]) if (wants(client, event.key)) this.send(client, event.text);
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

/** Whether a notification about `key` (a topic, or an address's key) is for this subscription. */
function wants(sub: Subscription, key: string): boolean {
  return key.startsWith(ADDRESS_KEY) ? sub.addresses.has(key.slice(ADDRESS_KEY.length)) : sub.topics.has(key as Topic);
}
