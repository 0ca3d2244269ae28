/**
 * The victim side of the adversarial p2p tests: honest node A (JSON-RPC on,
 * so {@link RpcProbe} can time it) and honest node B connected only to A, so
 * that anything A wrongly forwarded would show up on B. Evil peers connect to
 * A only: B — A — evil.
 *
 * A is fed a {@link TestChain} prepared for the invalid-block table (B follows
 * it over the network), and both hold one transaction in their mempools, so
 * "nothing changed" covers tip, UTXO set and mempool. Each test file builds
 * one pair, starts a cheap new EvilPeer per attack, and calls `stop()` in
 * afterAll, which also checks that no socket outlives the nodes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { peerIdFromString } from '@libp2p/peer-id';
import { Block } from '../../src/primitives/block.js';
import { isTallyError } from '../../src/primitives/errors.js';
import type { RuleError } from '../../src/consensus/errors.js';
import { getBlockWork } from '../../src/consensus/pow.js';
import { silentLogger } from '../../src/util/logger.js';
import type { PeerStatus } from '../../src/network/interface.js';
import type { P2POptions } from '../../src/network/options.js';
import { PeerManager, type BanEntry } from '../../src/network/peers/index.js';
import { catchRuleError, payTo, spend, type TestChain } from './chain.js';
import { EvilPeer } from './evil-peer.js';
import type { ServeScript } from './evil-server.js';
import { INVALID_BLOCK_CASES, prepareInvalidBlockChain, type InvalidBlockCase } from './invalid-blocks.js';
import { TestNetwork, waitUntil, type TestNode } from './network.js';
import { RpcProbe, type RpcProbeResult } from './rpc-probe.js';
import { tempDir } from './tmp.js';

/** Generous for a machine shared with other test runs; every wait is bounded by it. */
export const WAIT_MS = 15_000;

/** {@link waitUntil} polling every 10 ms: 50 ms is too coarse for a hundred short attacks in a row. */
export function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = WAIT_MS): Promise<void> {
  return waitUntil(check, what, ms, 10);
}

/** What must not change when a node rejects an attack. */
export interface NodeState {
  tip: string;
  height: number;
  utxo: string;
  mempool: string[];
}

export interface EvilOptions {
  /** Handshake as a regtest peer (true, the default), with this claim, or not at all (false). */
  handshake?: boolean | Partial<PeerStatus>;
  /** Requests to answer; registered before the handshake, since A asks at once. */
  serve?: ServeScript;
}

export class HonestPair {
  readonly net: TestNetwork;
  readonly chain: TestChain;
  a!: TestNode;
  b!: TestNode;
  private readonly evils: EvilPeer[] = [];

  /** Call at the top level of a test file: the temporary folder is removed in afterAll. */
  constructor(label: string) {
    this.chain = prepareInvalidBlockChain();
    // One clock for the blocks the chain builds and every node that judges them: the suite must not depend on the date.
    this.net = new TestNetwork(tempDir(label), { clock: () => this.chain.now });
  }

  /** Starts A and B, feeds A the chain (after mining `extraBlocks` more) and puts one transaction in both mempools. */
  async start(opts: { extraBlocks?: number; p2p?: Partial<P2POptions> } = {}): Promise<void> {
    this.chain.mine(opts.extraBlocks ?? 0);
    this.a = await this.net.start({ name: 'a', rpc: true, ...(opts.p2p ? { p2p: opts.p2p } : {}) });
    this.b = await this.net.start({ name: 'b', bootstrap: [this.a.address] });
    await waitFor(() => this.a.p2p.peers().length === 1 && this.b.p2p.peers().length === 1, 'A and B to handshake', WAIT_MS);
    for (const block of this.chain.blocks.slice(1)) await this.a.node.submitBlock(block);
    if (this.a.node.chain.tip.hashHex !== this.chain.tip.hash) throw new Error('A did not take the honest chain');
    await waitFor(() => this.b.node.chain.tip.hashHex === this.chain.tip.hash, 'B to follow A to the honest tip', 4 * WAIT_MS);
    // Coin 3: the invalid-block table spends only coins 0-2 and young coinbases.
    const coin = this.chain.coinbaseCoins[3]!;
    const tx = spend([coin], [payTo(9, coin.output.value - 10_000n)]);
    const accepted = await this.a.node.sendTransaction(tx);
    if (accepted.status !== 'accepted') throw new Error(`A refused the mempool transaction: ${accepted.status}`);
    await waitFor(() => this.b.node.mempool.has(tx.txid), 'B to receive the mempool transaction', WAIT_MS);
  }

  /** A new evil peer connected to A, serving `opts.serve` and handshaken as told. */
  async evilPeer(opts: EvilOptions = {}): Promise<EvilPeer> {
    const evil = await EvilPeer.start();
    this.evils.push(evil);
    if (opts.serve) await evil.serve(opts.serve);
    await evil.connect(this.a.address);
    const handshake = opts.handshake ?? true;
    if (handshake !== false) await evil.handshake(handshake === true ? {} : handshake);
    return evil;
  }

  /**
   * A status claiming `tipHash` as a tip `blocks` blocks above A's, with that many blocks
   * of honest work more (whatever the block's own bits say): what a peer offering it says.
   */
  claimAbove(tipHash: string, blocks = 1): Partial<PeerStatus> {
    const tip = this.a.node.chain.tip;
    return { tipHash, height: tip.height + blocks, chainWork: tip.chainWork + BigInt(blocks) * getBlockWork(tip.header.bits) };
  }

  async stopEvils(): Promise<void> {
    for (const evil of this.evils.splice(0)) await evil.stop();
  }

  /** Stops every evil peer and node; nothing of them may outlive them: no listener, no socket. */
  async stop(): Promise<void> {
    await this.stopEvils();
    await this.net.stopAll();
    const sockets = () => process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP'));
    await waitFor(() => sockets().length === 0, 'every socket and listener to close', 5_000);
  }

  async state(n: TestNode): Promise<NodeState> {
    const digest = await n.node.chain.utxoDigest();
    return { tip: n.node.chain.tip.hashHex, height: n.node.chain.height, utxo: digest.hash, mempool: n.node.mempool.txids().sort() };
  }

  /** Both honest nodes' states, for before/after comparisons. */
  async states(): Promise<{ a: NodeState; b: NodeState }> {
    return { a: await this.state(this.a), b: await this.state(this.b) };
  }

  /** How many headers `n` knows (its whole header index, valid, invalid or waiting for data). */
  headerCount(n: TestNode = this.a): number {
    return [...n.node.chain.allEntries()].length;
  }

  /** True when A holds no connection to `evil` and `evil` none to A. */
  disconnected(evil: EvilPeer): boolean {
    return !evil.isConnected() && this.a.p2p.libp2p.getConnections(peerIdFromString(evil.peerId)).length === 0;
  }

  /** Streams open between A and `evil` (either direction) for `protocol`, or for any of Tally's request protocols. */
  requestStreams(evil: EvilPeer, protocol?: string): number {
    const connections = this.a.p2p.libp2p.getConnections(peerIdFromString(evil.peerId));
    const counted = (p: string | undefined) => (protocol ? p === protocol : p?.startsWith('/tally/') === true);
    return connections.reduce((n, c) => n + c.streams.filter((s) => counted(s.protocol)).length, 0);
  }

  /** A's ban of `evil` and its reason, once banned. */
  banOf(evil: EvilPeer): BanEntry | undefined {
    return this.a.p2p.peerManager.listBans().find((x) => x.peer === evil.peerId);
  }

  /** Waits until A has banned `evil` and dropped its connection. */
  async waitBanned(evil: EvilPeer, what = 'the evil peer'): Promise<BanEntry> {
    await waitFor(() => this.a.p2p.peerManager.isBanned(evil.peerId), `A to ban ${what}`, WAIT_MS);
    await waitFor(() => this.disconnected(evil), `A and ${what} to be disconnected`, WAIT_MS);
    return this.banOf(evil)!;
  }

  /** True when `peer` is in `node`'s banlist.json and a peer store loading it (as after a restart) still bans it. */
  bannedOnDisk(peer: string, node: TestNode = this.a): boolean {
    const datadir = node.node.config.datadir;
    const listed = (JSON.parse(readFileSync(join(datadir, 'banlist.json'), 'utf8')) as BanEntry[]).some((x) => x.peer === peer);
    const reloaded = new PeerManager(
      { datadir, banSeconds: node.p2p.opts.banSeconds, requestsPerSecond: node.p2p.opts.requestsPerSecond },
      { logger: silentLogger, clock: node.node.clock, onBan: () => undefined },
    );
    return listed && reloaded.isBanned(peer);
  }

  /**
   * Extends the honest chain by one block through A and waits for B to have it.
   * Gossip from A to B is validated and forwarded in order, so once B holds this
   * block anything A had forwarded before it has reached B too.
   */
  async advance(): Promise<Block> {
    const block = this.chain.add(this.chain.buildBlock());
    await this.a.node.submitBlock(block);
    await waitFor(() => this.b.node.chain.tip.hashHex === block.hash, 'B to receive the next honest block', WAIT_MS);
    return block;
  }

  /** Runs `attack` while probing A's JSON-RPC server every 50 ms. */
  async probed<T>(attack: () => Promise<T>): Promise<{ value: T; rpc: RpcProbeResult }> {
    const probe = new RpcProbe(this.a, 50);
    let value: T;
    try {
      value = await attack();
    } catch (err) {
      await probe.stop();
      throw err;
    }
    return { value, rpc: await probe.stop() };
  }
}

/** "RPC max 35 ms" for trial outcomes. */
export function rpcText(rpc: RpcProbeResult): string {
  return `RPC max ${Math.round(rpc.maxMs)} ms`;
}

/** What a node must conclude from an invalid block of the table once it has its bytes. */
export interface Expected {
  /** The reject code, or the decoding error's code when the bytes do not decode. */
  code: string;
  /** The penalty for the sender: the rule's score, or 20 for bytes that do not decode. */
  score: number;
  /** The block's wire encoding does not decode back to it (so no rule is ever checked). */
  undecodable: boolean;
  error?: RuleError;
}

/** The reject codes of header rules (PROTOCOL.md §6.4 B1-B2, §6.5 C1-C4): a block failing one has no valid proof of work, or no place in the chain. */
const HEADER_CODES = new Set(['high-hash', 'bad-diffbits', 'time-too-old', 'time-too-new', 'prev-blk-not-found']);

/**
 * How an invalid block of the table is wrong, for test names and trial records:
 * its header fails (proof of work, difficulty, time, unknown parent), or its
 * proof of work is valid and its body is a mutated copy of a valid block
 * (the header stays valid), or its proof of work is valid and its transactions
 * (or their structure) are not.
 */
/** The invalid-block table as `it.each` rows, titled with each case's kind, code and name. */
export function invalidBlockRows(): (readonly [string, InvalidBlockCase])[] {
  return INVALID_BLOCK_CASES.map((c) => [`[${invalidBlockKind(c)}] ${c.code}: ${c.name}`, c] as const);
}

export function invalidBlockKind(c: InvalidBlockCase): 'invalid header' | 'valid PoW, mutated body' | 'valid PoW, invalid transactions' {
  if (HEADER_CODES.has(c.code)) return 'invalid header';
  return c.corruptionPossible ? 'valid PoW, mutated body' : 'valid PoW, invalid transactions';
}

/**
 * How the table's `block` for case `c` must be judged once sent: the RuleError
 * `chain.validate` throws, unless its bytes do not even decode. One case cannot
 * be sent as built: a transaction without inputs reads as a segwit marker
 * (BIP144), so its block arrives as undecodable bytes, a malformed message.
 */
export function expectedVerdict(chain: TestChain, block: Block, c: InvalidBlockCase): Expected {
  const error = catchRuleError(() => chain.validate(block));
  if (error.code !== c.code) throw new Error(`expected ${c.code}, the block fails with ${error.code}`);
  const scope = invalidBlockKind(c) === 'invalid header' ? 'header' : 'block';
  if (error.scope !== scope || error.corruptionPossible !== (c.corruptionPossible ?? false)) {
    throw new Error(`${c.code}: scope ${error.scope}, corruptionPossible ${error.corruptionPossible}, not what invalidBlockKind says`);
  }
  try {
    Block.fromBytes(block.toBytes());
  } catch (err) {
    if (!isTallyError(err)) throw err;
    return { code: err.code, score: 20, undecodable: true };
  }
  return { code: c.code, score: error.score, undecodable: false, error };
}

/** The kind of an invalid block as sent, for trial records. */
export function sentKind(c: InvalidBlockCase, expected: Expected): string {
  const kind = invalidBlockKind(c);
  return expected.undecodable ? `${kind}; not representable on the wire, sent as undecodable bytes` : kind;
}

/** The penalty part of a trial outcome, e.g. "sender banned (100)". */
export function penaltyText(expected: Expected): string {
  if (expected.score >= 100) return `sender banned (${expected.score})`;
  if (expected.score > 0) return `sender penalized ${expected.score}`;
  return 'sender not penalized (score 0)';
}
