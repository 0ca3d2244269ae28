/**
 * The notification WebSocket's method table: `subscribe` and `unsubscribe`,
 * answered by the same JSON-RPC dispatcher, parameter validation and error
 * translation as every RPC method. Both take `{ topics?, addresses? }` and
 * answer with the subscription now, the latest sequence number and the
 * stream's id; `unsubscribe` with neither drops everything. `subscribe` also
 * takes `{ since, stream }` to resume after a lost connection (notifications.ts).
 */
import type { NetworkParams } from '../consensus/params.js';
import { addressToScriptPubKey } from '../primitives/address.js';
import { toHex } from '../primitives/bytes.js';
import { RPC, RpcError } from './errors.js';
import type { RpcMethod, RpcParam } from './types.js';

export const TOPICS = ['blocks', 'reorgs', 'mempool'] as const;
export type Topic = (typeof TOPICS)[number];
/** Addresses one client may watch. */
export const MAX_ADDRESSES = 1000;

/** What one client is subscribed to. */
export interface Subscription {
  topics: Set<Topic>;
  /** scriptPubKey hex → address. */
  addresses: Map<string, string>;
}

/** The numbered event stream, as one connection's methods reach it (the Notifier provides it). */
export interface SubscriptionFeed {
  /** The latest sequence number and the stream's id. */
  position(): { sequence: number; stream: string };
  /** The connection now follows this script (hex) / no longer does. */
  watch(script: string): void;
  unwatch(script: string): void;
  /** Sends the connection what it missed after `since` of `stream`, or a gap notification. */
  resume(since: number, stream: string): { replayed: number; gap: string | null };
}

/** What a subscription method's handler gets: the client's subscription. */
export interface SubscriptionContext {
  subscription: Subscription;
  network: NetworkParams;
  feed?: SubscriptionFeed;
}

interface Change {
  topics: Topic[];
  scripts: Map<string, string>;
}

function parseTopics(value: unknown): Topic[] {
  const topics = (value ?? []) as unknown[];
  for (const t of topics) {
    if (!TOPICS.includes(t as Topic)) throw new RpcError(RPC.INVALID_PARAMS, `unknown topic ${JSON.stringify(t)} (expected ${TOPICS.join(', ')})`);
  }
  return topics as Topic[];
}

function parseAddresses(value: unknown, prefix: string): Map<string, string> {
  const addresses = (value ?? []) as unknown[];
  if (addresses.length > MAX_ADDRESSES) throw new RpcError(RPC.INVALID_PARAMETER, `at most ${MAX_ADDRESSES} addresses`);
  const scripts = new Map<string, string>();
  for (const a of addresses) {
    try {
      scripts.set(toHex(addressToScriptPubKey(prefix, a as string)), a as string);
    } catch (err) {
      throw new RpcError(RPC.INVALID_ADDRESS_OR_KEY, `Invalid address ${JSON.stringify(a)}: ${(err as Error).message}`);
    }
  }
  return scripts;
}

function parseChange(args: Record<string, unknown>, network: NetworkParams): Change {
  return { topics: parseTopics(args.topics), scripts: parseAddresses(args.addresses, network.addressPrefix) };
}

function current(sub: Subscription, feed?: SubscriptionFeed): Record<string, unknown> {
  return { topics: [...sub.topics], addresses: [...sub.addresses.values()], ...feed?.position() };
}

function subscribe(sub: Subscription, { topics, scripts }: Change, feed?: SubscriptionFeed): void {
  const added = [...scripts.keys()].filter((s) => !sub.addresses.has(s));
  if (sub.addresses.size + added.length > MAX_ADDRESSES) throw new RpcError(RPC.INVALID_PARAMETER, `at most ${MAX_ADDRESSES} addresses`);
  for (const t of topics) sub.topics.add(t);
  for (const [script, address] of scripts) sub.addresses.set(script, address);
  for (const script of added) feed?.watch(script);
}

function unsubscribe(sub: Subscription, change: Change | undefined, feed?: SubscriptionFeed): void {
  const scripts = change ? [...change.scripts.keys()].filter((s) => sub.addresses.has(s)) : [...sub.addresses.keys()];
  if (change) for (const t of change.topics) sub.topics.delete(t);
  else sub.topics.clear();
  for (const script of scripts) {
    sub.addresses.delete(script);
    feed?.unwatch(script);
  }
}

/** `since` and `stream` of a resuming subscribe: both or neither. @throws RpcError -3, -8 */
function parseResume(args: Record<string, unknown>): { since: number; stream: string } | undefined {
  if (args.since === undefined && args.stream === undefined) return undefined;
  if (!Number.isSafeInteger(args.since) || (args.since as number) < 0) throw new RpcError(RPC.TYPE_ERROR, 'since: expected the last sequence number received (an integer >= 0)');
  if (typeof args.stream !== 'string') throw new RpcError(RPC.INVALID_PARAMETER, 'since needs the stream it came from: pass the stream id that subscribe answered');
  return { since: args.since as number, stream: args.stream };
}

const PARAMS: RpcParam[] = [
  { name: 'topics', type: 'array', description: `topics among ${TOPICS.join(', ')}` },
  { name: 'addresses', type: 'array', description: `addresses whose activity to report (at most ${MAX_ADDRESSES})` },
];
const RESUME_PARAMS: RpcParam[] = [
  { name: 'since', type: 'integer', min: 0, description: 'resume: the last sequence number received; what came after it is sent first (or a gap notification)' },
  { name: 'stream', type: 'string', description: 'resume: the stream id the sequence number belongs to (from subscribe\'s answer)' },
];
const RESULT = '{ topics, addresses, sequence, stream }: the subscription now, the latest sequence number and the stream id';

const METHODS: RpcMethod<SubscriptionContext>[] = [
  {
    name: 'subscribe', category: 'util', description: 'Adds topics and addresses to this connection\'s subscription; with since and stream, first sends what it missed.',
    params: [...PARAMS, ...RESUME_PARAMS], result: `${RESULT}; with since, also replayed (how many were sent) and gap (null, or why they could not be)`,
    handler: (args, { subscription, network, feed }) => {
      const resume = parseResume(args);
      if (resume && resume.since > (feed?.position().sequence ?? 0) && resume.stream === feed?.position().stream) {
        throw new RpcError(RPC.INVALID_PARAMETER, 'since: no notification has that number yet');
      }
      subscribe(subscription, parseChange(args, network), feed);
      const resumed = resume && feed ? feed.resume(resume.since, resume.stream) : undefined;
      return { ...current(subscription, feed), ...resumed };
    },
  },
  {
    name: 'unsubscribe', category: 'util', description: 'Removes topics and addresses; with neither, everything.', params: PARAMS, result: RESULT,
    handler: (args, { subscription, network, feed }) => {
      const none = args.topics === undefined && args.addresses === undefined;
      unsubscribe(subscription, none ? undefined : parseChange(args, network), feed);
      return current(subscription, feed);
    },
  },
];

/** The WebSocket's method table, for the dispatcher. */
export const SUBSCRIPTION_METHODS: ReadonlyMap<string, RpcMethod<SubscriptionContext>> = new Map(METHODS.map((m) => [m.name, m]));
