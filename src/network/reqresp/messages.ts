/**
 * Wire encodings of the request/response protocols. Every message is one
 * length-prefixed frame; decoders are bounds-checked and throw
 * P2PError('malformed-message') on anything that does not decode exactly.
 */
import { BlockHeader, HEADER_SIZE } from '../../primitives/block.js';
import { hashFromHex, hashToHex } from '../../primitives/bytes.js';
import { BufferReader, BufferWriter } from '../../primitives/encoding.js';
import type { PeerStatus } from '../interface.js';
import { P2PError } from '../errors.js';
import { MAX_BLOCKS_PER_REQUEST, MAX_HEADERS_PER_REPLY, MAX_LOCATOR_HASHES } from '../options.js';
import { decodeExactly, readCount } from '../decode.js';

const MAX_NETWORK_NAME = 32;


function writeWork(w: BufferWriter, work: bigint): void {
  const hex = work.toString(16).padStart(64, '0');
  for (let i = 0; i < 64; i += 2) w.u8(parseInt(hex.slice(i, i + 2), 16));
}

function readWork(r: BufferReader): bigint {
  let hex = '';
  for (const b of r.bytesN(32)) hex += b.toString(16).padStart(2, '0');
  return BigInt(`0x${hex}`);
}

export function encodeStatus(s: PeerStatus): Uint8Array {
  const w = new BufferWriter(120).varBytes(new TextEncoder().encode(s.network));
  w.bytes(hashFromHex(s.genesis)).bytes(hashFromHex(s.tipHash)).u32(s.height);
  writeWork(w, s.chainWork);
  return w.finish();
}

/**
 * The network name; invalid UTF-8 is a malformed message like any other undecodable byte.
 * `ignoreBOM` keeps a leading byte-order mark in the name: stripping it would let two
 * different encodings decode to the same status, so decoding then encoding would not give the bytes back.
 */
function readNetworkName(r: BufferReader): string {
  const bytes = r.varBytes(MAX_NETWORK_NAME);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new P2PError('malformed-message', 'bad status: the network name is not UTF-8');
  }
}

export function decodeStatus(bytes: Uint8Array): PeerStatus {
  return decodeExactly(bytes, 'status', (r) => {
    const network = readNetworkName(r);
    return { network, genesis: hashToHex(r.bytesN(32)), tipHash: hashToHex(r.bytesN(32)), height: r.u32(), chainWork: readWork(r) };
  });
}

/** A list of display hashes (locators, block requests). */
export function encodeHashes(hashes: readonly string[]): Uint8Array {
  const w = new BufferWriter(1 + 32 * hashes.length).varint(hashes.length);
  for (const h of hashes) w.bytes(hashFromHex(h));
  return w.finish();
}


export function decodeHashes(bytes: Uint8Array, max: number, what: string): string[] {
  return decodeExactly(bytes, what, (r) => {
    const n = readCount(r, max, 32, what);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(hashToHex(r.bytesN(32)));
    return out;
  });
}

export const decodeLocator = (bytes: Uint8Array): string[] => decodeHashes(bytes, MAX_LOCATOR_HASHES, 'locator');
export const decodeBlockRequest = (bytes: Uint8Array): string[] => decodeHashes(bytes, MAX_BLOCKS_PER_REQUEST, 'block request');

export function encodeHeaders(headers: readonly BlockHeader[]): Uint8Array {
  const w = new BufferWriter(3 + HEADER_SIZE * headers.length).varint(headers.length);
  for (const h of headers) h.encode(w);
  return w.finish();
}

export function decodeHeaders(bytes: Uint8Array): BlockHeader[] {
  return decodeExactly(bytes, 'headers', (r) => {
    const n = readCount(r, MAX_HEADERS_PER_REPLY, HEADER_SIZE, 'headers');
    const out: BlockHeader[] = [];
    for (let i = 0; i < n; i++) out.push(BlockHeader.decode(r));
    return out;
  });
}

/** The first frame of a blocks reply: how many block frames follow. */
export function encodeCount(n: number): Uint8Array {
  return new BufferWriter(5).varint(n).finish();
}

export function decodeCount(bytes: Uint8Array, max: number): number {
  return decodeExactly(bytes, 'count', (r) => r.varint(max));
}
