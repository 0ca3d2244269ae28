/**
 * Real Bitcoin mainnet data for codec tests: the blocks of
 * `mainnet-blocks-1-256.bz2` and headers 1 to 11 from `shared/vectors/bitcoin/`
 * (as published by btcsuite/btcd's test data). Despite its name the block file
 * holds 255 blocks, heights 1 to 255: btcd prepends genesis (height 0) to make
 * its 256.
 *
 * The blocks file is bzip2-compressed. Node has no bzip2, so it is decompressed
 * in-process with `seek-bzip` (pure JavaScript, synchronous, no native build),
 * which keeps the tests independent of a `bzip2` binary on the machine.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { vectorPath } from './vectors.js';

/** `seek-bzip` is CommonJS without type declarations; this is the one call we use. */
interface SeekBzip {
  decode(input: Uint8Array): Uint8Array;
}

const require = createRequire(import.meta.url);
const Bunzip = require('seek-bzip') as SeekBzip;

/** Bitcoin mainnet network magic, the first four bytes of every record. */
export const MAINNET_MAGIC = Uint8Array.of(0xf9, 0xbe, 0xb4, 0xd9);

/** Height of the first block in the file (the file starts after genesis). */
export const FIRST_BLOCK_HEIGHT = 1;

/** Number of blocks in the file: heights 1..255. */
export const MAINNET_BLOCK_COUNT = 255;

/** Bitcoin's genesis block hash, the parent of block 1. */
export const GENESIS_HASH = '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f';

let blocksCache: Uint8Array[] | undefined;
let headersCache: string[] | undefined;

/**
 * Splits `magic | u32le length | block` records. Throws on a bad magic or a
 * record running past the end, so a damaged file fails loudly.
 */
export function splitBlockRecords(data: Uint8Array): Uint8Array[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const blocks: Uint8Array[] = [];
  let off = 0;
  while (off < data.length) {
    if (off + 8 > data.length) throw new Error(`truncated record header at offset ${off}`);
    for (let i = 0; i < 4; i++) {
      if (data[off + i] !== MAINNET_MAGIC[i]) throw new Error(`bad network magic at offset ${off}`);
    }
    const len = view.getUint32(off + 4, true);
    off += 8;
    if (off + len > data.length) throw new Error(`record of ${len} bytes runs past the end at offset ${off}`);
    blocks.push(data.slice(off, off + len));
    off += len;
  }
  return blocks;
}

/** Serialized mainnet blocks 1..255; index `i` holds height `i + 1`. Cached. */
export function loadMainnetBlocks(): Uint8Array[] {
  if (!blocksCache) {
    const compressed = readFileSync(vectorPath('bitcoin', 'mainnet-blocks-1-256.bz2'));
    const raw = Bunzip.decode(compressed);
    blocksCache = splitBlockRecords(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
  }
  return blocksCache;
}

/** Mainnet headers 1..11 as 160-digit hex strings; index `i` holds height `i + 1`. Cached. */
export function loadMainnetHeaders(): string[] {
  headersCache ??= readFileSync(vectorPath('bitcoin', 'mainnet-headers-1-11.txt'), 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  return headersCache;
}
