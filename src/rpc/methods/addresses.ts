/**
 * The address index (Core has none; shaped like the well-known addressindex
 * patches): unspent outputs, balances and history of addresses, and Core's
 * scantxoutset answered from the index instead of a scan of the UTXO set.
 * Amounts of the addressindex methods are satoshis, as in those patches;
 * scantxoutset's are coins, as in Core.
 */
import { addressToScriptPubKey, scriptPubKeyToAddress } from '../../primitives/address.js';
import { equalBytes, fromHex, hashToHex, toHex } from '../../primitives/bytes.js';
import { classifyOutput, taprootScript } from '../../primitives/script.js';
import { outpointKey } from '../../primitives/tx.js';
import type { AddressUtxo, ChainReader, MempoolReader } from '../../node/interface.js';
import { RPC, RpcError } from '../errors.js';
import { formatAmount } from '../format.js';
import { defineMethod, type RpcContext, type RpcMethod } from '../types.js';

// ---------------------------------------------------------------------------
// Output descriptors (BIP380 checksums; addr(), raw() and rawtr() only)

const INPUT_CHARSET = '0123456789()[],\'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#"\\ ';
const CHECKSUM_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATOR = [0xf5dee51989n, 0xa9fdca3312n, 0x1bab10e32dn, 0x3706b1677an, 0x644d626ffdn];

function polymod(chk: bigint, value: number): bigint {
  const top = chk >> 35n;
  let c = ((chk & 0x7ffffffffn) << 5n) ^ BigInt(value);
  for (let i = 0; i < 5; i++) if ((top >> BigInt(i)) & 1n) c ^= GENERATOR[i]!;
  return c;
}

/** BIP380 checksum of a descriptor (without `#`), or undefined when it holds a character descriptors cannot. */
export function descriptorChecksum(desc: string): string | undefined {
  let chk = 1n;
  let cls = 0;
  let count = 0;
  for (const ch of desc) {
    const pos = INPUT_CHARSET.indexOf(ch);
    if (pos === -1) return undefined;
    chk = polymod(chk, pos & 31);
    cls = cls * 3 + (pos >> 5);
    if (++count === 3) {
      chk = polymod(chk, cls);
      cls = 0;
      count = 0;
    }
  }
  if (count > 0) chk = polymod(chk, cls);
  for (let i = 0; i < 8; i++) chk = polymod(chk, 0);
  chk ^= 1n;
  let out = '';
  for (let i = 0; i < 8; i++) out += CHECKSUM_CHARSET[Number((chk >> BigInt(5 * (7 - i))) & 31n)];
  return out;
}

/** `desc#checksum`. */
export function withChecksum(desc: string): string {
  return `${desc}#${descriptorChecksum(desc)}`;
}

/** The descriptor Core infers for an output script it holds no keys for: rawtr() for taproot, raw() otherwise. */
export function inferDescriptor(script: Uint8Array): string {
  const kind = classifyOutput(script);
  return withChecksum(kind.type === 'taproot' ? `rawtr(${toHex(kind.key)})` : `raw(${toHex(script)})`);
}

const invalidKey = (message: string) => new RpcError(RPC.INVALID_ADDRESS_OR_KEY, message);

/** The output script of an address of this network. @throws RpcError -5 */
function scriptOfAddress(address: string, ctx: RpcContext): Uint8Array {
  try {
    return addressToScriptPubKey(ctx.params.addressPrefix, address);
  } catch (err) {
    throw invalidKey(`Invalid address: ${address} (${(err as Error).message})`);
  }
}

/** A scan object: `addr(ADDRESS)`, `rawtr(XONLYKEY)`, `raw(HEX)`, each with an optional checksum, or a plain address. */
function parseScanObject(obj: unknown, ctx: RpcContext): { script: Uint8Array; desc: string } {
  if (typeof obj === 'object' && obj !== null && !Array.isArray(obj)) obj = (obj as { desc?: unknown }).desc;
  if (typeof obj !== 'string') throw new RpcError(RPC.TYPE_ERROR, 'scanobjects: each entry must be a descriptor string or { desc }');
  const [body = '', checksum, ...extra] = obj.split('#');
  const m = /^(addr|raw|rawtr)\((.*)\)$/.exec(body);
  if (!m) {
    if (obj.includes('(') || checksum !== undefined) throw invalidKey(`'${obj}' is not a valid descriptor function`);
    const script = scriptOfAddress(obj, ctx);
    return { script, desc: withChecksum(`addr(${scriptPubKeyToAddress(ctx.params.addressPrefix, script)})`) };
  }
  const expected = descriptorChecksum(body);
  if (extra.length > 0 || (checksum !== undefined && checksum !== expected)) {
    throw invalidKey(`Provided checksum '${checksum}' does not match computed checksum '${expected}'`);
  }
  const [, fn, arg = ''] = m;
  if (fn === 'addr') {
    const script = scriptOfAddress(arg, ctx);
    return { script, desc: withChecksum(`addr(${scriptPubKeyToAddress(ctx.params.addressPrefix, script)})`) };
  }
  if (!/^([0-9a-fA-F]{2})+$/.test(arg) || (fn === 'rawtr' && arg.length !== 64)) throw invalidKey(`${fn}(): invalid ${fn === 'rawtr' ? 'x-only key' : 'script'} '${arg}'`);
  const script = fn === 'rawtr' ? taprootScript(fromHex(arg)) : fromHex(arg);
  return { script, desc: withChecksum(`${fn}(${arg.toLowerCase()})`) };
}

// ---------------------------------------------------------------------------
// Address lists

interface IndexedAddress {
  address: string;
  script: Uint8Array;
}

/** `"addr"`, `["addr", ...]` or `{ addresses: [...] }`, deduplicated. @throws RpcError -3 wrong type, -5 invalid address, -8 empty */
function parseAddresses(value: unknown, ctx: RpcContext): IndexedAddress[] {
  let list: unknown = value;
  if (typeof value === 'string') list = [value];
  else if (typeof value === 'object' && value !== null && !Array.isArray(value)) list = (value as { addresses?: unknown }).addresses;
  if (!Array.isArray(list)) throw new RpcError(RPC.TYPE_ERROR, 'addresses: expected an address, an array of addresses or { addresses: [...] }');
  if (list.length === 0) throw new RpcError(RPC.INVALID_PARAMETER, 'addresses: no addresses given');
  const out = new Map<string, IndexedAddress>();
  for (const item of list) {
    if (typeof item !== 'string') throw new RpcError(RPC.TYPE_ERROR, 'addresses: each address must be a string');
    const script = scriptOfAddress(item, ctx);
    const key = toHex(script);
    if (!out.has(key)) out.set(key, { address: scriptPubKeyToAddress(ctx.params.addressPrefix, script)!, script });
  }
  return [...out.values()];
}

/** A field of the `{ addresses, ... }` object form (undefined for the other forms). */
function objectFlag(value: unknown, name: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return (value as Record<string, unknown>)[name];
}

const ADDRESSES_PARAM = {
  name: 'addresses',
  type: ['object', 'string', 'array'] as ('object' | 'string' | 'array')[],
  required: true,
  description: 'an address, an array of addresses, or { "addresses": [...] }',
};

function utxoJson(a: IndexedAddress, u: AddressUtxo): Record<string, unknown> {
  return { address: a.address, txid: hashToHex(u.txid), outputIndex: u.vout, script: toHex(a.script), satoshis: Number(u.value), height: u.height };
}

/** Confirmed history of the addresses, oldest first (height, then position in the block). */
async function confirmedTxids(node: { chain: ChainReader }, addrs: readonly IndexedAddress[], range: { start?: number; end?: number }): Promise<string[]> {
  const seen = new Map<string, { height: number; txid: Uint8Array }>();
  for (const a of addrs) {
    for (const h of await node.chain.getAddressHistory(a.script)) {
      if (range.start !== undefined && (h.height < range.start || h.height > range.end!)) continue;
      seen.set(hashToHex(h.txid), h);
    }
  }
  const rows = await Promise.all([...seen].map(async ([txid, h]) => ({ txid, height: h.height, position: (await node.chain.getTxLocation(h.txid))?.position ?? 0 })));
  rows.sort((x, y) => x.height - y.height || x.position - y.position);
  return rows.map((r) => r.txid);
}

/** Mempool transactions paying to or spending from the scripts, parents first. */
async function mempoolTxids(node: { chain: ChainReader; mempool: MempoolReader }, addrs: readonly IndexedAddress[]): Promise<string[]> {
  const scripts = new Set(addrs.map((a) => toHex(a.script)));
  const confirmed = new Set<string>();
  for (const a of addrs) for (const u of await node.chain.getAddressUtxos(a.script)) confirmed.add(outpointKey(u));
  const out: string[] = [];
  for (const entry of node.mempool.entries()) {
    const pays = entry.tx.outputs.some((o) => scripts.has(toHex(o.scriptPubKey)));
    const spends = entry.tx.inputs.some(({ prevout }) => {
      if (confirmed.has(outpointKey(prevout))) return true;
      const parent = node.mempool.get(hashToHex(prevout.txid))?.tx.outputs[prevout.vout];
      return parent !== undefined && scripts.has(toHex(parent.scriptPubKey));
    });
    if (pays || spends) out.push(entry.txid);
  }
  return out;
}

/** Height range of getaddresstxids' object form. @throws RpcError -3, -8 */
function heightRange(value: unknown): { start?: number; end?: number } {
  const start = objectFlag(value, 'start');
  const end = objectFlag(value, 'end');
  if (start === undefined && end === undefined) return {};
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) throw new RpcError(RPC.TYPE_ERROR, 'start and end must both be integers');
  if ((start as number) <= 0 || (end as number) <= 0) throw new RpcError(RPC.INVALID_PARAMETER, 'Start and end are expected to be greater than zero');
  if ((end as number) < (start as number)) throw new RpcError(RPC.INVALID_PARAMETER, 'End value is expected to be greater than start');
  return { start: start as number, end: end as number };
}

async function scanStart(scanobjects: unknown, ctx: RpcContext): Promise<Record<string, unknown>> {
  if (scanobjects === undefined) throw new RpcError(RPC.MISC_ERROR, 'scanobjects argument is required for the start action');
  const targets = new Map<string, { script: Uint8Array; desc: string }>();
  for (const obj of scanobjects as unknown[]) {
    const t = parseScanObject(obj, ctx);
    if (!targets.has(toHex(t.script))) targets.set(toHex(t.script), t);
  }
  const chain = ctx.chain;
  const tip = chain.tip;
  const unspents: Record<string, unknown>[] = [];
  let total = 0n;
  for (const { script, desc } of targets.values()) {
    for (const u of await chain.getAddressUtxos(script)) {
      const coin = await chain.getCoin(u);
      // The index and the coin set are written in one batch, so a gap means a block connected in between.
      if (!coin || !equalBytes(coin.scriptPubKey, script)) continue;
      total += u.value;
      unspents.push({
        txid: hashToHex(u.txid), vout: u.vout, scriptPubKey: toHex(script), desc, amount: formatAmount(u.value), coinbase: coin.coinbase,
        height: u.height, blockhash: chain.getEntryAtHeight(u.height)?.hashHex ?? null, confirmations: tip.height - u.height + 1,
      });
    }
  }
  // txouts counts what the index returned: no full scan of the UTXO set happens.
  return { success: true, txouts: unspents.length, height: tip.height, bestblock: tip.hashHex, unspents, total_amount: formatAmount(total) };
}

export const addressesMethods: RpcMethod[] = [
  defineMethod({
    name: 'getaddressutxos',
    category: 'addresses',
    description: 'Unspent confirmed outputs paying to the addresses, oldest first (address index). With { chainInfo: true }, also the tip they were read at.',
    params: [ADDRESSES_PARAM],
    result: '[{ address, txid, outputIndex, script, satoshis, height }] or { utxos, hash, height } with chainInfo',
    handler: async ({ addresses }, ctx) => {
      const addrs = parseAddresses(addresses, ctx);
      const chainInfo = objectFlag(addresses, 'chainInfo') ?? false;
      if (typeof chainInfo !== 'boolean') throw new RpcError(RPC.TYPE_ERROR, 'chainInfo: expected boolean');
      const tip = ctx.chain.tip;
      const utxos: Record<string, unknown>[] = [];
      for (const a of addrs) for (const u of await ctx.chain.getAddressUtxos(a.script)) utxos.push(utxoJson(a, u));
      utxos.sort((x, y) => (x.height as number) - (y.height as number));
      return chainInfo ? { utxos, hash: tip.hashHex, height: tip.height } : utxos;
    },
  }),
  defineMethod({
    name: 'getaddressbalance',
    category: 'addresses',
    description: 'Confirmed balance of the addresses and everything they ever received, in satoshis (address index; received reads each transaction of the history).',
    params: [ADDRESSES_PARAM],
    result: '{ balance, received } (satoshis)',
    handler: async ({ addresses }, ctx) => {
      const addrs = parseAddresses(addresses, ctx);
      const chain = ctx.chain;
      let balance = 0n;
      let received = 0n;
      const scripts = new Set(addrs.map((a) => toHex(a.script)));
      const history = new Set<string>();
      for (const a of addrs) {
        for (const u of await chain.getAddressUtxos(a.script)) balance += u.value;
        for (const h of await chain.getAddressHistory(a.script)) history.add(hashToHex(h.txid));
      }
      for (const txid of history) {
        const found = await chain.findTransaction(txid);
        const tx = found?.block.transactions[found.position];
        for (const o of tx?.outputs ?? []) if (scripts.has(toHex(o.scriptPubKey))) received += o.value;
      }
      return { balance: Number(balance), received: Number(received) };
    },
  }),
  defineMethod({
    name: 'getaddresstxids',
    category: 'addresses',
    description: 'Txids of confirmed transactions paying to or spending from the addresses, oldest first; the object form takes { start, end } heights. With include_mempool, unconfirmed ones follow.',
    params: [
      ADDRESSES_PARAM,
      { name: 'include_mempool', type: 'boolean', default: false, description: 'append mempool transactions touching the addresses' },
    ],
    result: '[txid, ...]',
    handler: async ({ addresses, include_mempool }, ctx) => {
      const addrs = parseAddresses(addresses, ctx);
      const txids = await confirmedTxids(ctx, addrs, heightRange(addresses));
      if (include_mempool) txids.push(...await mempoolTxids(ctx, addrs));
      return txids;
    },
  }),
  defineMethod({
    name: 'scantxoutset',
    category: 'addresses',
    description: 'Unspent outputs matching descriptors (addr(), rawtr(), raw(), or plain addresses), answered from the address index; "status" and "abort" report no scan running since none outlives its call.',
    params: [
      { name: 'action', type: 'string', required: true, description: '"start", "abort" or "status"' },
      { name: 'scanobjects', type: 'array', description: 'descriptors or { desc } objects (required for "start")' },
    ],
    result: '{ success, txouts, height, bestblock, unspents: [{ txid, vout, scriptPubKey, desc, amount, coinbase, height, blockhash, confirmations }], total_amount }',
    handler: async ({ action, scanobjects }, ctx) => {
      if (action === 'status') return null;
      if (action === 'abort') return false;
      if (action !== 'start') throw new RpcError(RPC.INVALID_PARAMETER, `Invalid action '${String(action)}'`);
      return scanStart(scanobjects, ctx);
    },
  }),
];
