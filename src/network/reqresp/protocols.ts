/**
 * Request/response over libp2p streams: one stream per request, every message
 * a length-prefixed frame no larger than the configured maximum, and every
 * wait bounded by a timeout.
 */
import type { Stream } from '@libp2p/interface';
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils';
import { P2PError } from '../errors.js';

export function protocolIds(network: string): { status: string; headers: string; blocks: string; blocktxn: string } {
  // Status is network-neutral so a peer of another network can be told apart (and dropped) by what it says.
  return { status: '/tally/status/1', headers: `/tally/${network}/headers/1`, blocks: `/tally/${network}/blocks/1`, blocktxn: `/tally/${network}/blocktxn/1` };
}

/** A framed view of a stream; oversized or malformed frames surface as P2PError. */
/**
 * Bytes a framed stream may hold unread: yamux credits its window as data arrives, not as
 * it is read, so a sender may be up to a 16 MiB window ahead of the reader, several whole
 * frames. libp2p's default (4 MiB) is below one 4.2 MB block reply and aborted honest syncs
 * of large blocks ("Read buffer overflow"). Each frame's own size is still checked alone.
 */
export function readBufferSize(maxMessageSize: number): number {
  return Math.max(16 * 1024 * 1024, 4 * (maxMessageSize + varintLength(maxMessageSize)));
}

export class Framed {
  private readonly lp: LengthPrefixedStream<Stream>;

  constructor(readonly stream: Stream, maxMessageSize: number) {
    const maxLengthLength = varintLength(maxMessageSize);
    this.lp = lpStream(stream, {
      maxDataLength: maxMessageSize,
      maxLengthLength,
      lengthDecoder: boundedLengthDecoder(maxLengthLength),
      maxBufferSize: readBufferSize(maxMessageSize),
    });
  }

  async read(signal?: AbortSignal): Promise<Uint8Array> {
    try {
      const list = await this.lp.read(signal ? { signal } : {});
      return list.subarray();
    } catch (err) {
      throw translate(err);
    }
  }

  async write(data: Uint8Array, signal?: AbortSignal): Promise<void> {
    try {
      await this.lp.write(data, signal ? { signal } : {});
    } catch (err) {
      throw translate(err);
    }
  }

  /**
   * Writes each of `messages` as its own frame, all in one write: one yamux frame and one
   * noise message for many small messages, where a write each costs a trip through both
   * (and the reader's decrypting and demuxing) per message.
   */
  async writeMany(messages: readonly Uint8Array[], signal?: AbortSignal): Promise<void> {
    if (messages.length === 1) return this.write(messages[0]!, signal);
    try {
      await this.lp.writeV([...messages], signal ? { signal } : {});
    } catch (err) {
      throw translate(err);
    }
  }

  /**
   * Resolves once everything written has left the stream's own buffer for the connection,
   * which takes it only as fast as the peer reads (yamux flow control). A write resolves
   * earlier, at the first room in the peer's window, leaving the rest buffered here: a
   * writer that waits for this holds at most what it wrote last for a peer that stopped reading.
   */
  async flushed(signal?: AbortSignal): Promise<void> {
    const stream = this.stream;
    if (stream.writeBufferLength === 0) return;
    if (stream.status !== 'open') throw new P2PError('peer-unavailable', `the stream is ${stream.status}`);
    if (signal?.aborted) throw translate(signal.reason);
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        stream.removeEventListener('idle', onIdle);
        stream.removeEventListener('close', onClose);
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      const onIdle = () => done();
      const onClose = () => done(new P2PError('peer-unavailable', 'the stream closed before everything written was sent'));
      const onAbort = () => done(translate(signal?.reason));
      stream.addEventListener('idle', onIdle);
      stream.addEventListener('close', onClose);
      signal?.addEventListener('abort', onAbort);
    });
  }

  async close(): Promise<void> {
    await this.stream.close().catch(() => this.stream.abort(new Error('close failed')));
  }

  abort(reason: string): void {
    this.stream.abort(new P2PError('aborted', reason));
  }
}

/** Bytes of the unsigned LEB128 varint of `n`. */
function varintLength(n: number): number {
  let bytes = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    bytes++;
  }
  return bytes;
}

/**
 * The frame length prefix (unsigned LEB128) for lpStream, which reads it a byte at a
 * time while this throws RangeError. Its own decoder keeps throwing RangeError for an
 * unterminated prefix of any length, and checks the length's length only once one
 * decodes, so a peer sending endless 0x80 bytes would be read (and buffered) until the
 * request timeout. Here a prefix that reaches `maxLengthLength` bytes unterminated is
 * oversized at once (found by fuzzing the frame reader).
 */
function boundedLengthDecoder(maxLengthLength: number): (data: Uint8Array | { subarray(): Uint8Array }) => number {
  return (data) => {
    const bytes = data instanceof Uint8Array ? data : data.subarray();
    let value = 0;
    for (let i = 0; i < bytes.length && i < maxLengthLength; i++) {
      value += (bytes[i]! & 0x7f) * 2 ** (7 * i);
      if (bytes[i]! < 0x80) return value;
    }
    if (bytes.length >= maxLengthLength) throw new P2PError('oversized-message', `frame length prefix longer than ${maxLengthLength} bytes`);
    throw new RangeError('incomplete length prefix');
  };
}

function translate(err: unknown): Error {
  const e = err as { name?: string; code?: string; message?: string };
  if (e?.name === 'InvalidDataLengthError' || e?.name === 'InvalidDataLengthLengthError' || e?.code === 'ERR_MSG_DATA_TOO_LONG') {
    return new P2PError('oversized-message', e.message ?? 'message too large');
  }
  if (e?.name === 'InvalidMessageLengthError') return new P2PError('malformed-message', e.message ?? 'bad length prefix');
  // The stream ended before a whole frame (or any): the peer went away; no penalty, as for a dropped connection.
  if (e?.name === 'UnexpectedEOFError') return new P2PError('peer-unavailable', e.message ?? 'the stream ended mid-frame');
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return new P2PError('request-timeout', e.message ?? 'timed out');
  if (err instanceof Error) return err;
  return new P2PError('peer-unavailable', String(err));
}

/**
 * Timers kept alive by the combined signal that waits on them. Node 20's AbortSignal.any
 * holds its sources weakly, so a timeout signal nothing else references can be collected
 * and never fire; keyed weakly by the combined signal, each lives exactly as long as its waiter.
 */
const heldTimers = new WeakMap<AbortSignal, AbortSignal>();

/** An AbortSignal that fires after `ms` or when `parent` fires. */
export function timeoutSignal(ms: number, parent?: AbortSignal): AbortSignal {
  const timer = AbortSignal.timeout(ms);
  if (!parent) return timer;
  const combined = AbortSignal.any([timer, parent]);
  heldTimers.set(combined, timer);
  return combined;
}
