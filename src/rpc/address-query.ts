/**
 * The arguments of the insight/bitcore addressindex methods (`"addr"`,
 * `["addr", ...]` or `{ addresses, start, end, chainInfo }`, plus Tally's
 * `limit` and `cursor` for bounded pages and `reverse` for newest first), and
 * the merge that reads several addresses' index iterators as one stream in
 * block order.
 */
import { addressToScriptPubKey, scriptPubKeyToAddress } from '../primitives/address.js';
import { fromHex, toHex } from '../primitives/bytes.js';
import { RPC, RpcError } from './errors.js';
import type { RpcContext } from './types.js';

/** The most items one page may ask for: what bounds a page's memory. */
export const MAX_PAGE_LIMIT = 10_000;

export interface IndexedAddress {
  address: string;
  script: Uint8Array;
}

/** The options of the object form; absent fields are undefined. */
export interface AddressQuery {
  addresses: IndexedAddress[];
  start?: number;
  end?: number;
  chainInfo: boolean;
  /** Set when the caller pages: at most this many items, and a `next` cursor. */
  limit?: number;
  cursor?: Uint8Array;
  /** Newest first. */
  reverse: boolean;
}

const fail = (code: number, message: string): RpcError => new RpcError(code, message);

/** The output script of an address of this network. @throws RpcError -5 */
export function scriptOfAddress(address: string, ctx: Pick<RpcContext, 'params'>): Uint8Array {
  try {
    return addressToScriptPubKey(ctx.params.addressPrefix, address);
  } catch (err) {
    throw fail(RPC.INVALID_ADDRESS_OR_KEY, `Invalid address: ${address} (${(err as Error).message})`);
  }
}

/** A field of the `{ addresses, ... }` object form (undefined for the other forms). */
export function objectFlag(value: unknown, name: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return (value as Record<string, unknown>)[name];
}

/** `"addr"`, `["addr", ...]` or `{ addresses: [...] }`, deduplicated. @throws RpcError -3 wrong type, -5 invalid address, -8 empty */
export function parseAddresses(value: unknown, ctx: Pick<RpcContext, 'params'>): IndexedAddress[] {
  let list: unknown = value;
  if (typeof value === 'string') list = [value];
  else if (typeof value === 'object' && value !== null && !Array.isArray(value)) list = (value as { addresses?: unknown }).addresses;
  if (!Array.isArray(list)) throw fail(RPC.TYPE_ERROR, 'addresses: expected an address, an array of addresses or { addresses: [...] }');
  if (list.length === 0) throw fail(RPC.INVALID_PARAMETER, 'addresses: no addresses given');
  const out = new Map<string, IndexedAddress>();
  for (const item of list) {
    if (typeof item !== 'string') throw fail(RPC.TYPE_ERROR, 'addresses: each address must be a string');
    const script = scriptOfAddress(item, ctx);
    const key = toHex(script);
    if (!out.has(key)) out.set(key, { address: scriptPubKeyToAddress(ctx.params.addressPrefix, script)!, script });
  }
  return [...out.values()];
}

/** `start`/`end` as the dialect takes them: both or neither, positive, in order. @throws RpcError -3, -8 */
function heightRange(value: unknown): { start?: number; end?: number } {
  const start = objectFlag(value, 'start');
  const end = objectFlag(value, 'end');
  if (start === undefined && end === undefined) return {};
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) throw fail(RPC.TYPE_ERROR, 'start and end must both be integers');
  if ((start as number) <= 0 || (end as number) <= 0) throw fail(RPC.INVALID_PARAMETER, 'Start and end are expected to be greater than zero');
  if ((end as number) < (start as number)) throw fail(RPC.INVALID_PARAMETER, 'End value is expected to be greater than start');
  return { start: start as number, end: end as number };
}

/** `limit` and `cursor`: a cursor is hex of `cursorBytes` bytes from an earlier page's `next`. @throws RpcError -3, -8 */
function paging(value: unknown, cursorBytes: number): { limit?: number; cursor?: Uint8Array } {
  const limit = objectFlag(value, 'limit');
  const cursor = objectFlag(value, 'cursor');
  const out: { limit?: number; cursor?: Uint8Array } = {};
  if (limit !== undefined) {
    if (!Number.isSafeInteger(limit)) throw fail(RPC.TYPE_ERROR, 'limit: expected an integer');
    if ((limit as number) < 1 || (limit as number) > MAX_PAGE_LIMIT) throw fail(RPC.INVALID_PARAMETER, `limit: expected 1 to ${MAX_PAGE_LIMIT}`);
    out.limit = limit as number;
  }
  if (cursor !== undefined && cursor !== null) {
    if (typeof cursor !== 'string') throw fail(RPC.TYPE_ERROR, 'cursor: expected the string from a previous page\'s "next"');
    if (!new RegExp(`^[0-9a-f]{${cursorBytes * 2}}$`).test(cursor)) throw fail(RPC.INVALID_PARAMETER, 'cursor: not a cursor of this method');
    out.cursor = fromHex(cursor);
  }
  return out;
}

function booleanFlag(value: unknown, name: string): boolean {
  const flag = objectFlag(value, name) ?? false;
  if (typeof flag !== 'boolean') throw fail(RPC.TYPE_ERROR, `${name}: expected boolean`);
  return flag;
}

/**
 * Every option of the object form. `cursorBytes`: how long a cursor of the method is,
 * which may depend on the direction.
 * @throws RpcError -3, -5, -8
 */
export function parseAddressQuery(value: unknown, ctx: Pick<RpcContext, 'params'>, cursorBytes: number | ((reverse: boolean) => number)): AddressQuery {
  const chainInfo = booleanFlag(value, 'chainInfo');
  const reverse = booleanFlag(value, 'reverse');
  const bytes = typeof cursorBytes === 'number' ? cursorBytes : cursorBytes(reverse);
  return { addresses: parseAddresses(value, ctx), chainInfo, reverse, ...heightRange(value), ...paging(value, bytes) };
}

/** Whether the caller asked for a page (and so gets `{ ..., next }`). */
export function isPaged(q: AddressQuery): boolean {
  return q.limit !== undefined || q.cursor !== undefined;
}

/**
 * Several sources, each in cursor order (descending when `reverse`), as one stream in
 * that order, each item tagged with the index of its source. A source is read one item
 * ahead, so memory is one item per address; breaking out closes every source.
 */
export async function* mergeByCursor<T extends { cursor: Uint8Array }>(sources: readonly AsyncIterable<T>[], reverse = false): AsyncGenerator<T & { source: number }> {
  const sign = reverse ? -1 : 1;
  const its = sources.map((s) => s[Symbol.asyncIterator]());
  try {
    const heads = await Promise.all(its.map((it) => it.next()));
    for (;;) {
      let best = -1;
      heads.forEach((h, i) => {
        if (!h.done && (best < 0 || sign * Buffer.compare(h.value.cursor, (heads[best]!.value as T).cursor) < 0)) best = i;
      });
      if (best < 0) return;
      const item = heads[best]!.value as T;
      heads[best] = await its[best]!.next();
      yield { ...item, source: best };
    }
  } finally {
    await Promise.all(its.map((it) => it.return?.()));
  }
}

/**
 * The first `limit` items of `items` (all when no limit), and the cursor to resume
 * after the last one when more remain.
 */
export async function takePage<T>(items: AsyncIterable<T>, limit: number | undefined, cursorOf: (item: T) => Uint8Array): Promise<{ items: T[]; next: string | null }> {
  const out: T[] = [];
  for await (const item of items) {
    if (limit !== undefined && out.length === limit) return { items: out, next: toHex(cursorOf(out[out.length - 1]!)) };
    out.push(item);
  }
  return { items: out, next: null };
}
