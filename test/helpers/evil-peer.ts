/**
 * A misbehaving peer for adversarial p2p tests: a plain libp2p host (the
 * node's own stack, with a fresh key) that speaks Tally's protocols
 * but sends whatever the test asks for. It can handshake honestly or claim
 * another network, publish raw bytes on the gossip topics, open request
 * streams and write arbitrary bytes (oversized length prefixes, truncated or
 * undecodable frames), and flood a peer with requests. With {@link EvilPeer.serve}
 * it also answers the target's headers and blocks requests from a script
 * (see evil-server.ts): a higher-work chain it does not have, mutated or
 * invalid blocks, or requests it accepts and never answers.
 *
 * Each evil peer dials from its own loopback address (127.1.x.y, where the
 * machine routes 127.0.0.0/8 to loopback, as Linux does), as distinct attackers
 * would: gossipsub scores peers sharing an IP down together (and remembers
 * disconnected ones for an hour), and libp2p limits inbound connections per
 * IP, so dozens of evil peers on 127.0.0.1 would end up muting every local
 * peer, honest ones included.
 *
 * It talks to one target, the peer it last connected to. `stop()` closes
 * everything it opened; tests keep every EvilPeer they start and stop them in
 * afterAll/afterEach.
 */
import { createServer } from 'node:net';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { identify } from '@libp2p/identify';
import { ping } from '@libp2p/ping';
import { tcp, type TCPSocketOptions } from '@libp2p/tcp';
import { createLibp2p } from 'libp2p';
import { peerIdFromString } from '@libp2p/peer-id';
import { byteStream } from '@libp2p/utils';
import { multiaddr } from '@multiformats/multiaddr';
import type { PeerId, Stream } from '@libp2p/interface';
import { regtest } from '../../src/consensus/params.js';
import { topics } from '../../src/network/gossip/topics.js';
import type { PeerStatus } from '../../src/network/interface.js';
import { gossipService, type TallyLibp2p } from '../../src/network/libp2p.js';
import { decodeStatus, encodeHashes, encodeStatus } from '../../src/network/reqresp/messages.js';
import { defaultP2POptions } from '../../src/network/options.js';
import { Framed, protocolIds, timeoutSignal } from '../../src/network/reqresp/protocols.js';
import { EvilServer, type ServedLog, type ServeScript } from './evil-server.js';
import { waitUntil } from './network.js';

/** What the evil peer claims in the status handshake; regtest at genesis unless overridden. */
export type HandshakeOptions = Partial<PeerStatus>;

/** How a raw request ended, as the evil peer saw it. */
export interface RawReply {
  /** The length-prefixed frames the target wrote back before the stream ended. */
  frames: Uint8Array[];
  /** `closed`: the target closed its side; `reset`: it aborted the stream (or refused it); `timeout`: nothing ended in time. */
  end: 'closed' | 'reset' | 'timeout';
  /** Name of the error the stream ended with, for diagnostics only. */
  error?: string;
}

export interface FloodResult {
  /** Requests answered with a headers frame. */
  served: number;
  /** Requests refused, reset or failed (rate limit, stream limit, ban). */
  failed: number;
  elapsedMs: number;
}

let evilPeersStarted = 0;
let aliasesWork: Promise<boolean> | undefined;

/** Whether this machine routes all of 127.0.0.0/8 to loopback (Linux does; macOS has only 127.0.0.1 unless configured). */
function loopbackAliasesWork(): Promise<boolean> {
  aliasesWork ??= new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(0, '127.1.0.1', () => server.close(() => resolve(true)));
  });
  return aliasesWork;
}

/**
 * A loopback address of its own for each evil peer of this process (127.1.0.2, 127.1.0.3, ...),
 * or undefined (the OS's choice, 127.0.0.1) where the machine has no such addresses.
 */
async function nextSourceAddress(): Promise<string | undefined> {
  if (!(await loopbackAliasesWork())) return undefined;
  const n = evilPeersStarted++;
  return `127.1.${Math.floor(n / 250) % 250}.${2 + (n % 250)}`;
}

/**
 * The node's libp2p stack (src/network/libp2p.ts: TCP, noise, yamux, identify, ping,
 * gossipsub with the same message ids) dialing from `localAddress`, listening nowhere.
 */
async function createEvilHost(localAddress: string | undefined, maxMessageSize: number, allowedTopics: string[]): Promise<TallyLibp2p> {
  return createLibp2p({
    privateKey: await generateKeyPair('Ed25519'),
    addresses: { listen: [] },
    // net.connect's localAddress: @libp2p/tcp passes its dial options through but types only a few.
    transports: [tcp(localAddress ? { dialOpts: { localAddress } as TCPSocketOptions } : {})],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: async () => false },
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipService(maxMessageSize, allowedTopics),
    },
  });
}

/** Unsigned LEB128, the length prefix of every frame (it-length-prefixed's encoding). */
export function varint(n: number): Uint8Array {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** `payload` as one well-formed frame. */
export function frame(payload: Uint8Array): Uint8Array {
  const prefix = varint(payload.length);
  const out = new Uint8Array(prefix.length + payload.length);
  out.set(prefix);
  out.set(payload, prefix.length);
  return out;
}

/** A frame header announcing `length` bytes, followed by only `body` (a truncated or oversized frame). */
export function framePrefix(length: number, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const prefix = varint(length);
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix);
  out.set(body, prefix.length);
  return out;
}

/** Deterministic pseudo-random bytes (an LCG; tests must be reproducible). */
export function junk(length: number, seed: number): Uint8Array {
  let s = seed >>> 0;
  return Uint8Array.from({ length }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 24;
  });
}

/** Splits concatenated length-prefixed frames; a trailing partial frame is dropped. */
function splitFrames(bytes: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    let len = 0;
    let mul = 1;
    let i = at;
    for (; i < bytes.length; i++) {
      len += (bytes[i]! & 0x7f) * mul;
      mul *= 0x80;
      if (bytes[i]! < 0x80) break;
    }
    if (i >= bytes.length || i + 1 + len > bytes.length) break;
    frames.push(bytes.subarray(i + 1, i + 1 + len));
    at = i + 1 + len;
  }
  return frames;
}

export class EvilPeer {
  readonly network: string;
  readonly ids: ReturnType<typeof protocolIds>;
  readonly topics: ReturnType<typeof topics>;
  private target?: PeerId;
  private claimed: PeerStatus;
  private server?: EvilServer;

  private constructor(readonly host: TallyLibp2p, network: string) {
    this.network = network;
    this.ids = protocolIds(network);
    this.topics = topics(network);
    this.claimed = { network, genesis: regtest.genesisHash, tipHash: regtest.genesisHash, height: 0, chainWork: 2n };
  }

  /**
   * A started host with a fresh identity, no listen address (it only dials, from
   * `sourceAddress` or a loopback address of its own) and gossipsub allowed on
   * `network`'s topics (regtest by default).
   */
  static async start(opts: { network?: string; sourceAddress?: string } = {}): Promise<EvilPeer> {
    const network = opts.network ?? 'regtest';
    const p2pOpts = defaultP2POptions(regtest);
    const t = topics(network);
    const host = await createEvilHost(opts.sourceAddress ?? (await nextSourceAddress()), p2pOpts.maxMessageSize, [t.blocks, t.txs, t.cmpctblock]);
    const peer = new EvilPeer(host, network);
    // Answer the target's periodic status requests with whatever we claim, so that
    // only the misbehaviour a test chooses is visible.
    await host.handle(peer.ids.status, async (stream) => {
      const framed = new Framed(stream, p2pOpts.maxMessageSize);
      try {
        const signal = timeoutSignal(5_000);
        await framed.read(signal);
        await framed.write(encodeStatus(peer.claimed), signal);
        await framed.close();
      } catch {
        framed.abort('evil status failed');
      }
    });
    return peer;
  }

  get peerId(): string {
    return this.host.peerId.toString();
  }

  private get remote(): PeerId {
    if (!this.target) throw new Error('EvilPeer: connect() first');
    return this.target;
  }

  /**
   * Dials `addr` (a full multiaddr with /p2p/<id>) and makes it the target of every later call.
   * libp2p refuses more than 5 inbound connections a second from one IP, and every test peer
   * is on 127.0.0.1, so a refused dial is retried for up to `timeoutMs` unless `retry` is false.
   */
  async connect(addr: string, opts: { retry?: boolean; timeoutMs?: number } = {}): Promise<void> {
    const ma = multiaddr(addr);
    const id = ma.getComponents().find((c) => c.name === 'p2p')?.value;
    if (!id) throw new Error(`EvilPeer: ${addr} has no /p2p/ component`);
    this.target = peerIdFromString(id);
    const deadline = Date.now() + (opts.timeoutMs ?? 5_000);
    for (;;) {
      try {
        await this.host.dial(ma, { signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) });
        return;
      } catch (err) {
        if (opts.retry === false || Date.now() + 250 > deadline) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  /** True while a connection to the target is open. */
  isConnected(): boolean {
    return this.target !== undefined && this.host.getConnections(this.target).length > 0;
  }

  /**
   * Runs the status handshake as the dialer, claiming `opts` over regtest at genesis
   * (use `network`/`genesis` to pretend to be on another network). Returns the target's status.
   */
  async handshake(opts: HandshakeOptions = {}): Promise<PeerStatus> {
    this.claimed = { ...this.claimed, ...opts };
    const stream = await this.host.dialProtocol(this.remote, this.ids.status, { signal: AbortSignal.timeout(5_000) });
    const framed = new Framed(stream, defaultP2POptions(regtest).maxMessageSize);
    try {
      const signal = timeoutSignal(5_000);
      await framed.write(encodeStatus(this.claimed), signal);
      return decodeStatus(await framed.read(signal));
    } finally {
      await framed.close();
    }
  }

  /**
   * Answers the target's headers and blocks requests from `script` from now on
   * (replacing any earlier script). Call it before the handshake that makes the
   * target ask: a node asks a peer claiming more work for headers at once.
   */
  async serve(script: ServeScript): Promise<void> {
    this.server ??= new EvilServer(this.host, this.ids);
    await this.server.serve(script);
  }

  /** The requests the target sent to {@link serve}'s handlers. */
  get served(): ServedLog {
    return this.server?.log ?? { headers: [], blocks: [], stalled: 0 };
  }

  /** Resolves once the target has sent `n` requests of `kind` in all. */
  async waitForRequests(kind: 'headers' | 'blocks', n: number, ms?: number): Promise<void> {
    if (!this.server) throw new Error('EvilPeer: serve() first');
    await this.server.waitForRequests(kind, n, ms);
  }

  /**
   * True once the target has subscribed to `topic` and gossipsub holds its own outbound
   * stream to the target. The libp2p stream appears a little before gossipsub registers
   * it, and a message published in between reaches nobody yet counts as seen, so a
   * second try would be dropped as a duplicate (on a busy machine the gap is wide).
   */
  readyToGossip(topic: string): boolean {
    const pubsub = this.host.services.pubsub;
    const target = this.remote.toString();
    if (!pubsub.getSubscribers(topic).some((p) => p.toString() === target)) return false;
    // A private field of @libp2p/gossipsub 17 (as forgetSeenMessage in src/network/libp2p.ts); when it is
    // not what it was, fall back to the libp2p stream.
    const outbound = (pubsub as unknown as { streamsOutbound?: unknown }).streamsOutbound;
    if (outbound instanceof Map) return outbound.has(target);
    return this.host.getConnections(this.remote).some((c) => c.streams.some((st) => st.direction === 'outbound' && st.protocol?.startsWith('/meshsub/')));
  }

  /** Publishes raw bytes on the blocks topic; returns how many peers it was sent to. */
  gossipBlock(bytes: Uint8Array): Promise<number> {
    return this.gossip(this.topics.blocks, bytes);
  }

  /** Publishes raw bytes on the compact blocks topic (PROTOCOL.md §9.5); returns how many peers it was sent to. */
  gossipCompactBlock(bytes: Uint8Array): Promise<number> {
    return this.gossip(this.topics.cmpctblock, bytes);
  }

  /** Publishes raw bytes on the transactions topic; returns how many peers it was sent to. */
  gossipTx(bytes: Uint8Array): Promise<number> {
    return this.gossip(this.topics.txs, bytes);
  }

  private async gossip(topic: string, bytes: Uint8Array): Promise<number> {
    const pubsub = this.host.services.pubsub;
    // Publishing before the target's subscription arrived would silently reach nobody.
    await waitUntil(() => this.readyToGossip(topic), `the target to subscribe to ${topic} and EvilPeer's gossip stream to open`, 5_000, 25);
    const { recipients } = await pubsub.publish(topic, bytes);
    return recipients.length;
  }

  /**
   * Opens a stream for `protocol`, writes each chunk exactly as given (use
   * {@link frame}, {@link framePrefix} or anything else), optionally half-closes,
   * and collects the reply until the target ends the stream or `timeoutMs` passes.
   */
  async requestRaw(protocol: string, chunks: readonly Uint8Array[], opts: { closeWrite?: boolean; timeoutMs?: number } = {}): Promise<RawReply> {
    const timeoutMs = opts.timeoutMs ?? 5_000;
    // Streams go over the open connection only: a dropped (banned) evil peer does not redial.
    const connection = this.host.getConnections(this.remote)[0];
    if (!connection) return { frames: [], end: 'reset', error: 'NotConnected' };
    let stream: Stream;
    try {
      stream = await connection.newStream(protocol, { signal: AbortSignal.timeout(timeoutMs), maxOutboundStreams: 1024 });
    } catch (err) {
      return { frames: [], end: 'reset', error: (err as Error).name };
    }
    const bytes = byteStream(stream);
    const received: Uint8Array[] = [];
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      for (const chunk of chunks) await bytes.write(chunk, { signal });
      if (opts.closeWrite ?? true) await stream.close({ signal });
      for (;;) {
        const list = await bytes.read({ signal });
        if (list === null) break;
        received.push(list.subarray());
      }
      return { frames: splitFrames(concat(received)), end: 'closed' };
    } catch (err) {
      const name = (err as Error).name;
      stream.abort(new Error('evil peer done'));
      return { frames: splitFrames(concat(received)), end: signal.aborted ? 'timeout' : 'reset', error: name };
    }
  }

  /**
   * Sends `n` well-formed requests as fast as it can, `concurrency` at a time (32 by
   * default: the target's inbound stream limit per protocol, so the requests reach its
   * handler instead of being reset by libp2p). By default a headers request (locator:
   * genesis); with `blocks`, a request for those blocks, the amplifying one. A reply counts
   * as served when it holds every frame asked for.
   */
  async floodRequests(n: number, opts: { concurrency?: number; locator?: string[]; blocks?: readonly string[] } = {}): Promise<FloodResult> {
    const started = Date.now();
    const [protocol, request, frames] = opts.blocks
      ? [this.ids.blocks, frame(encodeHashes(opts.blocks)), 1 + opts.blocks.length]
      : [this.ids.headers, frame(encodeHashes(opts.locator ?? [regtest.genesisHash])), 1];
    let next = 0;
    let served = 0;
    let failed = 0;
    const worker = async () => {
      while (next < n) {
        next++;
        const reply = await this.requestRaw(protocol, [request], { timeoutMs: 5_000 });
        if (reply.end === 'closed' && reply.frames.length === frames) served++;
        else failed++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(n, opts.concurrency ?? 32) }, worker));
    return { served, failed, elapsedMs: Date.now() - started };
  }

  async stop(): Promise<void> {
    this.server?.close();
    await this.host.stop();
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
