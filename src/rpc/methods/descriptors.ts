/**
 * Output descriptors (BIP380 checksums; addr(), raw() and rawtr() only) and
 * Core's scantxoutset, answered from the address index instead of a scan of
 * the UTXO set. Amounts are coins, as in Core.
 */
import { scriptPubKeyToAddress } from '../../primitives/address.js';
import { equalBytes, fromHex, hashToHex, toHex } from '../../primitives/bytes.js';
import { classifyOutput, taprootScript } from '../../primitives/script.js';
import { scriptOfAddress } from '../address-query.js';
import { RPC, RpcError } from '../errors.js';
import { formatAmount } from '../format.js';
import { defineMethod, type RpcContext, type RpcMethod } from '../types.js';

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

/** Core's scantxoutset, from the address index. */
export const scanTxOutSetMethod: RpcMethod = defineMethod({
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
});
