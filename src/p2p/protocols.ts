/**
 * Request/response over libp2p streams: one stream per request, every message
 * a length-prefixed frame no larger than the configured maximum, and every
 * wait bounded by a timeout.
 */
import type { Stream } from '@libp2p/interface';
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils';
import { P2PError } from './errors.js';

export function protocolIds(network: string): { status: string; headers: string; blocks: string } {
  // Status is network-neutral so a peer of another network can be told apart (and dropped) by what it says.
  return { status: '/tally/status/1', headers: `/tally/${network}/headers/1`, blocks: `/tally/${network}/blocks/1` };
}

/** A framed view of a stream; oversized or malformed frames surface as P2PError. */
export class Framed {
  private readonly lp: LengthPrefixedStream<Stream>;

  constructor(readonly stream: Stream, maxMessageSize: number) {
    this.lp = lpStream(stream, { maxDataLength: maxMessageSize });
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

  async close(): Promise<void> {
    await this.stream.close().catch(() => this.stream.abort(new Error('close failed')));
  }

  abort(reason: string): void {
    this.stream.abort(new P2PError('aborted', reason));
  }
}

function translate(err: unknown): Error {
  const e = err as { name?: string; code?: string; message?: string };
  if (e?.name === 'InvalidDataLengthError' || e?.name === 'InvalidDataLengthLengthError' || e?.code === 'ERR_MSG_DATA_TOO_LONG') {
    return new P2PError('oversized-message', e.message ?? 'message too large');
  }
  if (e?.name === 'InvalidMessageLengthError') return new P2PError('malformed-message', e.message ?? 'bad length prefix');
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return new P2PError('request-timeout', e.message ?? 'timed out');
  if (err instanceof Error) return err;
  return new P2PError('peer-unavailable', String(err));
}

/** An AbortSignal that fires after `ms` or when `parent` fires. */
export function timeoutSignal(ms: number, parent?: AbortSignal): AbortSignal {
  const timer = AbortSignal.timeout(ms);
  return parent ? AbortSignal.any([timer, parent]) : timer;
}
