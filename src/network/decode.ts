/** The one way every network message is decoded: all of the frame, or `malformed-message`. */
import { BufferReader } from '../primitives/encoding.js';
import { isTallyError } from '../primitives/errors.js';
import { P2PError } from './errors.js';

/** Runs a decoder over the whole frame, turning any decoding failure into `malformed-message`. */
export function decodeExactly<T>(bytes: Uint8Array, what: string, read: (r: BufferReader) => T): T {
  try {
    const reader = new BufferReader(bytes);
    const value = read(reader);
    if (reader.remaining !== 0) throw new P2PError('malformed-message', `${reader.remaining} trailing bytes in ${what}`);
    return value;
  } catch (err) {
    if (err instanceof P2PError) throw err;
    if (isTallyError(err)) throw new P2PError('malformed-message', `bad ${what}: ${err.message}`);
    throw err;
  }
}

/** A count that `r` cannot hold `itemSize`-byte items for is refused before anything is read or allocated. */
export function readCount(r: BufferReader, max: number, itemSize: number, what: string): number {
  const n = r.varint(max);
  if (n * itemSize > r.remaining) throw new P2PError('malformed-message', `${what} claims ${n} items, ${r.remaining} bytes follow`);
  return n;
}
