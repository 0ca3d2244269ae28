/**
 * The serving side of an {@link EvilPeer}: answers the headers and blocks
 * requests a node sends it from a script, so a test can play a peer that
 * announces a chain and then serves lies, mutated blocks, or nothing at all.
 *
 * A script answer is one of:
 * - headers: a list of headers (sent as one well-formed reply), `{ raw }`
 *   (a payload sent as is, for non-continuous or undecodable replies), or
 *   `'stall'`: the request is read and never answered;
 * - blocks: a list of block encodings (a count frame, then one frame each,
 *   valid or not), `{ count, blocks }` to announce more blocks than follow
 *   and then stall mid-reply, or `'stall'`.
 *
 * A stalled stream stays open, even after the node half-closes it, until the
 * node resets it or the evil peer stops. Every request is logged, so tests can
 * wait for the node to ask.
 */
import type { Stream } from '@libp2p/interface';
import type { BlockHeader } from '../../src/primitives/block.js';
import { decodeBlockRequest, decodeLocator, encodeCount, encodeHeaders } from '../../src/network/reqresp/messages.js';
import { Framed } from '../../src/network/reqresp/protocols.js';
import type { TallyLibp2p } from '../../src/network/libp2p.js';

export type HeadersAnswer = readonly BlockHeader[] | { raw: Uint8Array } | 'stall';
export type BlocksAnswer = readonly Uint8Array[] | { count: number; blocks: readonly Uint8Array[] } | 'stall';

export interface ServeScript {
  /** The reply to a headers request with `locator` (display hashes); no headers when omitted. */
  headers?: (locator: string[]) => HeadersAnswer;
  /** The reply to a blocks request for `hashes`; none of them when omitted. */
  blocks?: (hashes: string[]) => BlocksAnswer;
}

/** What the node asked the evil peer, in order. */
export interface ServedLog {
  /** The locator of every headers request. */
  headers: string[][];
  /** The hashes of every blocks request. */
  blocks: string[][];
  /** Requests left unanswered on purpose ('stall'). */
  stalled: number;
}

const MAX_FRAME = 4_200_000;
/** The node may keep up to 64 requests open to one peer per protocol. */
const MAX_STREAMS = 64;

export class EvilServer {
  readonly log: ServedLog = { headers: [], blocks: [], stalled: 0 };
  private script: ServeScript = {};
  private registered = false;
  private readonly open = new Set<Stream>();

  constructor(private readonly host: TallyLibp2p, private readonly ids: { headers: string; blocks: string }) {}

  /** Registers the protocol handlers (once) and makes `script` the current script. */
  async serve(script: ServeScript): Promise<void> {
    this.script = script;
    if (this.registered) return;
    this.registered = true;
    const opts = { maxInboundStreams: MAX_STREAMS, maxOutboundStreams: MAX_STREAMS };
    await this.host.handle(this.ids.headers, (stream) => this.handle(stream, (f) => this.answerHeaders(f)), opts);
    await this.host.handle(this.ids.blocks, (stream) => this.handle(stream, (f) => this.answerBlocks(f)), opts);
  }

  /** Resolves once the node has sent `n` requests of `kind` in all (or rejects after `ms`). */
  async waitForRequests(kind: 'headers' | 'blocks', n: number, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.log[kind].length < n) {
      if (Date.now() > deadline) {
        const { headers, blocks, stalled } = this.log;
        throw new Error(`timed out after ${ms} ms waiting for ${n} ${kind} requests (got ${this.log[kind].length}; served so far: ${headers.length} headers, ${blocks.length} blocks requests, ${stalled} stalled)`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Aborts every stream still open (stalled ones included). */
  close(): void {
    for (const stream of this.open) stream.abort(new Error('evil server closed'));
    this.open.clear();
  }

  private async handle(stream: Stream, answer: (f: Framed) => Promise<'stalled' | 'done'>): Promise<void> {
    this.open.add(stream);
    const framed = new Framed(stream, MAX_FRAME);
    try {
      if ((await answer(framed)) === 'stalled') {
        this.log.stalled++;
        // Hold the stream, as a hostile peer would, even after the node half-closes it:
        // it ends only when the node resets it (or this server closes).
        if (stream.status === 'open') await new Promise((resolve) => stream.addEventListener('close', resolve, { once: true }));
        return;
      }
      await framed.close();
    } catch {
      framed.abort('evil server: request failed');
    } finally {
      this.open.delete(stream);
    }
  }

  private async answerHeaders(framed: Framed): Promise<'stalled' | 'done'> {
    const locator = decodeLocator(await framed.read(AbortSignal.timeout(5_000)));
    this.log.headers.push(locator);
    const answer = this.script.headers?.(locator) ?? [];
    if (answer === 'stall') return 'stalled';
    await framed.write('raw' in answer ? answer.raw : encodeHeaders(answer), AbortSignal.timeout(5_000));
    return 'done';
  }

  private async answerBlocks(framed: Framed): Promise<'stalled' | 'done'> {
    const hashes = decodeBlockRequest(await framed.read(AbortSignal.timeout(5_000)));
    this.log.blocks.push(hashes);
    const answer = this.script.blocks?.(hashes) ?? [];
    if (answer === 'stall') return 'stalled';
    const signal = AbortSignal.timeout(10_000);
    const { count, blocks } = 'count' in answer ? answer : { count: answer.length, blocks: answer };
    await framed.write(encodeCount(count), signal);
    for (const bytes of blocks) await framed.write(bytes, signal);
    return blocks.length < count ? 'stalled' : 'done';
  }
}
