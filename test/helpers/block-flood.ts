/**
 * What the block-serving flood test (test/e2e/p2p/floods-blocks.test.ts) needs:
 * a chain of large valid blocks, and a peer that asks for many of them on
 * every stream it may open and never reads the replies.
 *
 * The blocks are large through a taproot annex (BIP341): witness bytes weigh
 * one unit each, so a block stays under the weight limit up to about 4 MB,
 * and the annex is signed like the rest of the transaction, so every block is
 * valid. Each block spends the previous block's output, so one mature
 * coinbase coin pays for all of them.
 */
import type { Stream } from '@libp2p/interface';
import type { Block } from '../../src/primitives/block.js';
import { ANNEX_TAG, SIGHASH_DEFAULT, TaprootSigHasher } from '../../src/primitives/sighash.js';
import { schnorrSign, taprootTweakSecretKey } from '../../src/primitives/signature.js';
import { Transaction } from '../../src/primitives/tx.js';
import { encodeHashes } from '../../src/network/reqresp/messages.js';
import { ownedOutput, withWitness, type OwnedCoin, type TestChain } from './chain.js';
import { frame, type EvilPeer } from './evil-peer.js';

/** `coin` spent back to its own key with a signed annex of `annexBytes` bytes. */
function annexSpend(coin: OwnedCoin, annexBytes: number, seed: number): Transaction {
  const unsigned = new Transaction({
    version: 2,
    inputs: [{ prevout: coin.prevout, scriptSig: new Uint8Array(0), sequence: 0xfffffffd, witness: [] }],
    outputs: [coin.output],
    locktime: 0,
  });
  const annex = new Uint8Array(annexBytes).fill(seed & 0xff);
  annex[0] = ANNEX_TAG;
  const sig = schnorrSign(new TaprootSigHasher(unsigned, [coin.output]).hash(0, SIGHASH_DEFAULT, annex), taprootTweakSecretKey(coin.key));
  return withWitness(unsigned, 0, [sig, annex]);
}

/**
 * Adds `count` valid blocks of about `annexBytes` bytes each to `chain` (mining to a mature
 * coinbase coin first) and returns them.
 */
export function addLargeBlocks(chain: TestChain, count: number, annexBytes: number): Block[] {
  // Blocks spend it one after another, so the key of its owner (the miner) signs every one.
  let coin = chain.matureCoin(0);
  const blocks: Block[] = [];
  for (let i = 0; i < count; i++) {
    const tx = annexSpend(coin, annexBytes, 40_000 + i);
    blocks.push(chain.add(chain.buildBlock({ transactions: [tx] })));
    coin = { ...ownedOutput(tx, 0, 0), key: coin.key };
  }
  return blocks;
}

/**
 * Keeps `streams` block requests for `hashes` open on the target from `evil`, and never
 * reads a reply: each stream is paused as soon as its request is written, so yamux stops
 * granting the target room to send and its writes stall. When the target ends a stream
 * (its request timed out) another takes its place, until {@link stop}.
 */
export class BlockRequestStall {
  /** Streams opened (requests sent). */
  opened = 0;
  /** Streams the target ended. */
  ended = 0;
  private running = true;
  private readonly open = new Set<Stream>();
  private readonly workers: Promise<void>[];

  constructor(private readonly evil: EvilPeer, hashes: readonly string[], streams: number) {
    const request = frame(encodeHashes(hashes));
    this.workers = Array.from({ length: streams }, () => this.work(request));
  }

  private async work(request: Uint8Array): Promise<void> {
    while (this.running) {
      const connection = this.evil.host.getConnections()[0];
      if (!connection) return;
      let stream: Stream;
      try {
        stream = await connection.newStream(this.evil.ids.blocks, { signal: AbortSignal.timeout(5_000), maxOutboundStreams: 1024 });
      } catch {
        // Refused (the target's stream limit, or the connection went): try again shortly.
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      this.open.add(stream);
      this.opened++;
      const closed = new Promise((r) => stream.addEventListener('close', r, { once: true }));
      try {
        stream.send(request);
        stream.pause();
      } catch {
        // The target ended the stream already.
      }
      await closed;
      this.open.delete(stream);
      dropUnread(stream);
      if (this.running) this.ended++;
    }
  }

  /**
   * Bytes of replies the flooder holds unread (what the target sent within the yamux window
   * each stream granted before it paused): the flooder's memory, in the test's process.
   */
  buffered(): number {
    let bytes = 0;
    for (const stream of this.open) bytes += stream.readBufferLength;
    return bytes;
  }

  /** Ends every stream it holds and stops opening new ones. */
  async stop(): Promise<void> {
    this.running = false;
    for (const stream of this.open) stream.abort(new Error('stall over'));
    await Promise.all(this.workers);
  }
}

/**
 * Drops what a closed stream still holds unread. A stream reset by the remote keeps its
 * unread data readable, and libp2p keeps the stream object a while after: in this process
 * that would count as the target's memory. `readBuffer` is a public field of libp2p's
 * AbstractMessageStream (a Uint8ArrayList), not part of the Stream interface.
 */
function dropUnread(stream: Stream): void {
  const buffer = (stream as unknown as { readBuffer?: { byteLength: number; consume(n: number): void } }).readBuffer;
  buffer?.consume(buffer.byteLength);
}
