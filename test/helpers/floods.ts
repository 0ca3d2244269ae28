/**
 * What the p2p flood tests (test/e2e/p2p/floods*.test.ts) send: cheap
 * generators for thousands of orphan blocks, orphan transactions and
 * malformed gossip messages, and the ways an EvilPeer sends them: published
 * through its gossipsub at full speed, written as one pre-encoded burst, as
 * oversized or truncated gossipsub frames, or as floods of block requests.
 * The test bed they are sent to is in flood-bed.ts.
 */
import { RPC } from '@libp2p/gossipsub/message';
import { regtest } from '../../src/consensus/params.js';
import { assembleBlock, solveBlock } from '../../src/mining/assemble.js';
import { createCoinbase } from '../../src/mining/coinbase.js';
import type { Block } from '../../src/primitives/block.js';
import { sha256 } from '../../src/primitives/hashes.js';
import { scriptFromSecret, signTaprootInputs } from '../../src/primitives/sign.js';
import { Transaction, type TxOutput } from '../../src/primitives/tx.js';
import { testKey } from './chain.js';
import { frame, framePrefix, junk, type EvilPeer } from './evil-peer.js';
import { waitUntil } from './network.js';

/** A taproot output script, derived once (deriving a key costs milliseconds). */
const SCRIPT = scriptFromSecret(testKey(7));

/** A 32-byte hash that no chain has: sha256 of a label and a number. */
function phantomHash(label: string, seed: number, i: number): Uint8Array {
  return sha256(new TextEncoder().encode(`${label}/${seed}/${i}`));
}

/** `n` outputs of `value` to {@link SCRIPT}: the bulk that makes a flooded object weigh something. */
function bulkOutputs(n: number, value: bigint): TxOutput[] {
  return Array.from({ length: n }, () => ({ value, scriptPubKey: SCRIPT }));
}

export interface OrphanBlockOptions {
  count: number;
  /** Distinguishes the blocks of different calls (gossip drops identical messages as already seen). */
  seed: number;
  /**
   * `false` (default): every block has its own unknown parent. `true`: the first has an
   * unknown parent and each later one builds on the one before, a chain of orphans.
   */
  chained?: boolean;
  /** Coinbase outputs per block, 43 bytes each (default 100, about 4.4 kB a block). */
  outputs?: number;
  /** Header time (any: an orphan's time is only judged once its parent is known). */
  time: number;
}

/**
 * Blocks that pass every context-free check (regtest proof of work, merkle root,
 * coinbase) but whose parent nobody has. One coinbase serves them all; each
 * header differs by its previous-block hash, so each block is solved anew
 * (about two hashes on regtest).
 */
export function orphanBlocks(opts: OrphanBlockOptions): Block[] {
  const coinbase = createCoinbase({ height: 1, outputs: bulkOutputs(opts.outputs ?? 100, 1_000n) });
  const blocks: Block[] = [];
  for (let i = 0; i < opts.count; i++) {
    const prev = opts.chained && i > 0 ? blocks[i - 1]!.hashBytes : phantomHash('orphan-block', opts.seed, i);
    blocks.push(solveBlock(assembleBlock({ prevHashBytes: prev, time: opts.time, bits: regtest.powLimitBits, coinbase })));
  }
  return blocks;
}

/**
 * Signed, standard transactions spending outputs that do not exist. One is
 * signed (for a made-up coin); the others change only the spent outpoint, so
 * their signatures look right but no longer verify, which a node cannot tell
 * before it has the parent (orphans are stored before signatures are checked,
 * as in Bitcoin Core). `outputs` taproot outputs each (default 100, about 4.4 kB).
 */
export function orphanTxs(opts: { count: number; seed: number; outputs?: number }): Transaction[] {
  const key = testKey(8);
  const spent: TxOutput = { value: 100_000_000n, scriptPubKey: scriptFromSecret(key) };
  const template = signTaprootInputs(
    new Transaction({
      version: 2,
      inputs: [{ prevout: { txid: phantomHash('orphan-tx', opts.seed, -1), vout: 0 }, scriptSig: new Uint8Array(0), sequence: 0xfffffffd, witness: [] }],
      outputs: bulkOutputs(opts.outputs ?? 100, 500_000n),
      locktime: 0,
    }),
    [spent],
    [key],
  );
  const input = template.inputs[0]!;
  return Array.from({ length: opts.count }, (_, i) => new Transaction({
    version: 2,
    inputs: [{ ...input, prevout: { txid: phantomHash('orphan-tx', opts.seed, i), vout: i % 4 } }],
    outputs: template.outputs,
    locktime: 0,
  }));
}

/**
 * `count` gossip payloads that fail to decode, in rotation: random bytes of 1 to
 * 2,000 bytes, a valid transaction cut short, a valid block cut short, and a
 * valid transaction with trailing bytes. Every one is distinct.
 */
export function malformedPayloads(count: number, seed: number, samples: { tx: Uint8Array; block: Uint8Array }): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => {
    const salt = junk(4, seed * 100_003 + i);
    switch (i % 4) {
      case 0: return junk(1 + ((i * 7919) % 2000), seed * 100_003 + i);
      case 1: return withPrefix(salt, samples.tx.subarray(0, 10 + (i % (samples.tx.length - 20))));
      case 2: return withPrefix(salt, samples.block.subarray(0, 81 + (i % (samples.block.length - 90))));
      default: return concat(samples.tx, salt);
    }
  });
}

/** `tail` with `head` written over its first bytes (keeps the length, varies the content). */
function withPrefix(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const out = Uint8Array.from(tail);
  out.set(head.subarray(0, Math.min(head.length, out.length)));
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** How a {@link blast} ended. */
export interface BlastResult {
  /** Messages gossipsub sent to the target (it was connected and the message was new). */
  sent: number;
  elapsedMs: number;
}

/**
 * Publishes every payload on `topic` from `evil` as fast as gossipsub takes them,
 * straight through its pubsub (EvilPeer's own gossip helpers wait up to 5 s for
 * a subscription, which a banned peer never gets back). Stops early when the
 * target has dropped the connection; yields to the event loop after every message
 * so that the node under attack, in this same process, gets its turns.
 */
export async function blast(evil: EvilPeer, topic: 'blocks' | 'txs', payloads: readonly Uint8Array[]): Promise<BlastResult> {
  const started = Date.now();
  const pubsub = evil.host.services.pubsub;
  const name = evil.topics[topic];
  // Gossipsub drops what it publishes before its own stream to the peer is open, and would
  // drop a second try as a duplicate: wait for the target's subscription and for that stream.
  await waitUntil(() => evil.readyToGossip(name), `${evil.peerId} to be ready to gossip on ${name}`, 5_000);
  let sent = 0;
  for (const payload of payloads) {
    if (!evil.isConnected()) break;
    const { recipients } = await pubsub.publish(name, payload).catch(() => ({ recipients: [] }));
    if (recipients.length > 0) sent++;
    // The node under attack shares this event loop; a flooder on another machine would not hold it.
    await new Promise((r) => setImmediate(r));
  }
  return { sent, elapsedMs: Date.now() - started };
}

/** How a request flood ended, as the flooder saw it. */
/**
 * Opens `n` gossipsub streams to the target, `concurrency` at a time, each carrying one
 * frame that announces `announced` bytes (over the 4.2 MB limit when oversized) but holds
 * only `bodyBytes`, then half-closes: an oversized or truncated gossip frame.
 * Returns how each stream ended.
 */
export async function floodGossipFrames(evil: EvilPeer, opts: { n: number; announced: number; bodyBytes: number; concurrency?: number }): Promise<Record<string, number>> {
  const ends: Record<string, number> = {};
  let next = 0;
  const worker = async () => {
    while (next < opts.n) {
      const i = next++;
      const reply = await evil.requestRaw(GOSSIPSUB_PROTOCOL, [framePrefix(opts.announced, junk(opts.bodyBytes, 7_000 + i))], { timeoutMs: 5_000 });
      ends[reply.end] = (ends[reply.end] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.n, opts.concurrency ?? 4) }, worker));
  return ends;
}

/** The gossipsub protocol the nodes speak (js-libp2p gossipsub v1.2). */
export const GOSSIPSUB_PROTOCOL = '/meshsub/1.2.0';

/**
 * `payloads` as gossipsub RPC frames on `topic`, one message each, unsigned as Tally's
 * topics require: what a peer's gossipsub writes, encoded ahead of time so that a
 * burst costs the flooder (which shares this process with the node) next to nothing.
 */
export function gossipFrames(evil: EvilPeer, topic: 'blocks' | 'txs', payloads: readonly Uint8Array[]): Uint8Array[] {
  return payloads.map((data) => frame(RPC.encode({ subscriptions: [], messages: [{ topic: evil.topics[topic], data }] })));
}

/**
 * Writes pre-encoded gossip (see {@link gossipFrames}) to the target in a single write
 * on a new gossipsub stream: a burst that is all on the wire before the target can react
 * to its first message. Resolves once the target ends the stream or `timeoutMs` passes.
 */
export async function burst(evil: EvilPeer, frames: readonly Uint8Array[], timeoutMs = 5_000): Promise<void> {
  const bytes = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    bytes.set(f, at);
    at += f.length;
  }
  await evil.requestRaw(GOSSIPSUB_PROTOCOL, [bytes], { timeoutMs });
}

