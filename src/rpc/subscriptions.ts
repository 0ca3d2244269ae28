/**
 * The notification WebSocket's method table: `subscribe` and `unsubscribe`,
 * answered by the same JSON-RPC dispatcher, parameter validation and error
 * translation as every RPC method. Both take `{ topics?, addresses? }` and
 * answer with the subscription now; `unsubscribe` with neither drops everything.
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

/** What a subscription method's handler gets: the client's subscription. */
export interface SubscriptionContext {
  subscription: Subscription;
  network: NetworkParams;
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

function current(sub: Subscription): { topics: Topic[]; addresses: string[] } {
  return { topics: [...sub.topics], addresses: [...sub.addresses.values()] };
}

function subscribe(sub: Subscription, { topics, scripts }: Change): void {
  const added = [...scripts.keys()].filter((s) => !sub.addresses.has(s)).length;
  if (sub.addresses.size + added > MAX_ADDRESSES) throw new RpcError(RPC.INVALID_PARAMETER, `at most ${MAX_ADDRESSES} addresses`);
  for (const t of topics) sub.topics.add(t);
  for (const [script, address] of scripts) sub.addresses.set(script, address);
}

function unsubscribe(sub: Subscription, change?: Change): void {
  if (!change) {
    sub.topics.clear();
    sub.addresses.clear();
    return;
  }
  for (const t of change.topics) sub.topics.delete(t);
  for (const script of change.scripts.keys()) sub.addresses.delete(script);
}

const PARAMS: RpcParam[] = [
  { name: 'topics', type: 'array', description: `topics among ${TOPICS.join(', ')}` },
  { name: 'addresses', type: 'array', description: `addresses whose activity to report (at most ${MAX_ADDRESSES})` },
];
const RESULT = '{ topics, addresses }: the subscription now';

const METHODS: RpcMethod<SubscriptionContext>[] = [
  {
    name: 'subscribe', category: 'util', description: 'Adds topics and addresses to this connection\'s subscription.', params: PARAMS, result: RESULT,
    handler: (args, { subscription, network }) => {
      subscribe(subscription, parseChange(args, network));
      return current(subscription);
    },
  },
  {
    name: 'unsubscribe', category: 'util', description: 'Removes topics and addresses; with neither, everything.', params: PARAMS, result: RESULT,
    handler: (args, { subscription, network }) => {
      const none = args.topics === undefined && args.addresses === undefined;
      unsubscribe(subscription, none ? undefined : parseChange(args, network));
      return current(subscription);
    },
  },
];

/** The WebSocket's method table, for the dispatcher. */
export const SUBSCRIPTION_METHODS: ReadonlyMap<string, RpcMethod<SubscriptionContext>> = new Map(METHODS.map((m) => [m.name, m]));
