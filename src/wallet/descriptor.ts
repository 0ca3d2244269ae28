/**
 * Output script descriptors (BIP380/BIP386) for the kinds the wallet
 * holds: `tr(KEY/…/*)` ranged BIP86 key-path descriptors over an extended key
 * (private or public), `tr(KEY)` for one key (single-key.ts), and
 * `addr(ADDRESS)` for a single watched address. The
 * checksum is Bitcoin Core's (descriptor.cpp DescriptorChecksum, BIP380).
 */
import { HDKey } from '@scure/bip32';
import { addressToScriptPubKey } from '../primitives/address.js';
import { walletError } from './errors.js';
import { formatSingleKey, isSingleKey, parseSingleKey, type TrKeyDescriptor } from './single-key.js';

const INPUT_CHARSET = "0123456789()[],'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#\"\\ ";
const CHECKSUM_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATOR = [0xf5dee51989n, 0xa9fdca3312n, 0x1bab10e32dn, 0x3706b1677an, 0x644d626ffdn];
/** BIP32's hardened offset. */
export const HARDENED = 0x80000000;

function polyMod(c: bigint, val: number): bigint {
  const c0 = c >> 35n;
  let out = ((c & 0x7ffffffffn) << 5n) ^ BigInt(val);
  for (let i = 0; i < 5; i++) if ((c0 >> BigInt(i)) & 1n) out ^= GENERATOR[i]!;
  return out;
}

/** The 8-character checksum of a descriptor (without `#`), or undefined for a character outside Core's set. */
export function descriptorChecksum(desc: string): string | undefined {
  let c = 1n;
  let cls = 0;
  let clsCount = 0;
  for (const ch of desc) {
    const pos = INPUT_CHARSET.indexOf(ch);
    if (pos < 0) return undefined;
    c = polyMod(c, pos & 31);
    cls = cls * 3 + (pos >> 5);
    if (++clsCount === 3) {
      c = polyMod(c, cls);
      cls = 0;
      clsCount = 0;
    }
  }
  if (clsCount > 0) c = polyMod(c, cls);
  for (let j = 0; j < 8; j++) c = polyMod(c, 0);
  c ^= 1n;
  let out = '';
  for (let j = 0; j < 8; j++) out += CHECKSUM_CHARSET[Number((c >> BigInt(5 * (7 - j))) & 31n)];
  return out;
}

/** `desc#checksum`. */
export function withChecksum(desc: string): string {
  const sum = descriptorChecksum(desc);
  if (sum === undefined) throw walletError('invalid-descriptor', 'descriptor has a character outside the descriptor alphabet');
  return `${desc}#${sum}`;
}

/** BIP32 version bytes: Core uses tprv/tpub on every test network, and Tally only has test networks. */
export const TEST_VERSIONS = { private: 0x04358394, public: 0x043587cf };
export const MAIN_VERSIONS = { private: 0x0488ade4, public: 0x0488b21e };

/** Where a key came from: the master key's fingerprint and the path from it (BIP380 key origin). */
export interface KeyOrigin {
  fingerprint: number;
  path: number[];
}

/** A ranged BIP86 descriptor `tr([origin]xkey/…/*)`. */
export interface TrDescriptor {
  kind: 'tr';
  key: HDKey;
  origin?: KeyOrigin;
  /** Unhardened steps after the key, before the wildcard (`[0]` for receiving, `[1]` for change). */
  path: number[];
}

/** `addr(ADDRESS)`: one script, watched only. */
export interface AddrDescriptor {
  kind: 'addr';
  address: string;
  script: Uint8Array;
}

export type Descriptor = TrDescriptor | AddrDescriptor | TrKeyDescriptor;

/** `86h/1h/0h` from path numbers. */
export function formatPath(path: readonly number[]): string {
  return path.map((i) => (i >= HARDENED ? `${i - HARDENED}h` : `${i}`)).join('/');
}

function parsePathStep(step: string): number {
  const m = /^(\d+)(['hH]?)$/.exec(step);
  if (!m) throw walletError('invalid-descriptor', `bad derivation step "${step}"`);
  const n = Number(m[1]);
  if (n >= HARDENED) throw walletError('invalid-descriptor', `derivation step ${step} out of range`);
  return m[2] ? n + HARDENED : n;
}

function fingerprintHex(fp: number): string {
  return fp.toString(16).padStart(8, '0');
}

/** Text of a descriptor without checksum; `priv` writes the private extended key when the descriptor has one. */
export function formatDescriptor(d: Descriptor, priv = false): string {
  if (d.kind === 'addr') return `addr(${d.address})`;
  if (d.kind === 'trkey') return formatSingleKey(d, priv);
  const origin = d.origin ? `[${fingerprintHex(d.origin.fingerprint)}${d.origin.path.length ? '/' : ''}${formatPath(d.origin.path)}]` : '';
  const key = priv && d.key.privateKey ? d.key.privateExtendedKey : d.key.publicExtendedKey;
  const tail = d.path.map((i) => `/${i}`).join('');
  return `tr(${origin}${key}${tail}/*)`;
}

/** Splits off and checks a `#checksum`; a descriptor without one is accepted as Core's `getdescriptorinfo` does. */
export function stripChecksum(text: string, requireChecksum = false): string {
  const hash = text.indexOf('#');
  if (hash < 0) {
    if (requireChecksum) throw walletError('invalid-descriptor', 'Missing checksum');
    return text;
  }
  const body = text.slice(0, hash);
  const sum = text.slice(hash + 1);
  if (sum.length !== 8) throw walletError('invalid-descriptor', `Expected 8 character checksum, not ${sum.length} characters`);
  const want = descriptorChecksum(body);
  if (want !== sum) throw walletError('invalid-descriptor', `Provided checksum '${sum}' does not match computed checksum '${want ?? ''}'`);
  return body;
}

function parseExtendedKey(text: string): HDKey {
  for (const versions of [TEST_VERSIONS, MAIN_VERSIONS]) {
    try {
      return HDKey.fromExtendedKey(text, versions);
    } catch {
      // try the other version bytes
    }
  }
  throw walletError('invalid-descriptor', 'key is not a valid extended key');
}

function parseOrigin(text: string): { origin?: KeyOrigin; rest: string } {
  if (!text.startsWith('[')) return { rest: text };
  const close = text.indexOf(']');
  if (close < 0) throw walletError('invalid-descriptor', 'key origin is missing its "]"');
  const [fp = '', ...steps] = text.slice(1, close).split('/');
  if (!/^[0-9a-fA-F]{8}$/.test(fp)) throw walletError('invalid-descriptor', 'key origin fingerprint must be 8 hex digits');
  return { origin: { fingerprint: Number.parseInt(fp, 16), path: steps.map(parsePathStep) }, rest: text.slice(close + 1) };
}

function parseTr(inner: string): TrDescriptor {
  const { origin, rest } = parseOrigin(inner);
  const [keyText = '', ...steps] = rest.split('/');
  if (steps.at(-1) !== '*') throw walletError('invalid-descriptor', 'only ranged tr(KEY/…/*) descriptors are supported');
  const path = steps.slice(0, -1).map(parsePathStep);
  if (path.some((i) => i >= HARDENED)) throw walletError('invalid-descriptor', 'hardened steps after the key need its private key; put them in the key origin');
  return { kind: 'tr', key: parseExtendedKey(keyText), ...(origin ? { origin } : {}), path };
}

/**
 * Parses `tr(…/*)` or `addr(…)`, checking the checksum when present.
 * @param addressPrefix - the network's bech32m hrp, for `addr()`.
 * @throws WalletError `invalid-descriptor` (or `invalid-address` for a bad `addr()`).
 */
export function parseDescriptor(text: string, addressPrefix: string, requireChecksum = false): Descriptor {
  const body = stripChecksum(text.trim(), requireChecksum);
  const m = /^(tr|addr)\((.*)\)$/.exec(body);
  if (!m) throw walletError('invalid-descriptor', 'only tr(KEY/…/*), tr(KEY) and addr(ADDRESS) descriptors are supported');
  if (m[1] === 'tr') return isSingleKey(m[2]!) ? parseSingleKey(m[2]!) : parseTr(m[2]!);
  let script: Uint8Array;
  try {
    script = addressToScriptPubKey(addressPrefix, m[2]!);
  } catch (err) {
    throw walletError('invalid-address', `Invalid address in addr(): ${(err as Error).message}`);
  }
  return { kind: 'addr', address: m[2]!, script };
}
