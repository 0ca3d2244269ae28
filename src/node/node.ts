/**
 * The composition root: wires chain, signature pool, mempool and miner, and
 * keeps the mempool and the miner in step with the chain. Adapters (p2p, rpc)
 * talk to the node, never to each other.
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { Block } from '../primitives/block.js';
import type { Transaction } from '../primitives/tx.js';
import { addressToScriptPubKey } from '../primitives/address.js';
import { Chain, type ProcessResult } from '../chain/chain.js';
import type { ChainEntry } from '../chain/entry.js';
import type { ChainError } from '../chain/errors.js';
import { VerifyPool } from '../chain/verify-pool.js';
import { Mempool } from '../mempool/mempool.js';
import type { AcceptOptions, AcceptResult } from '../mempool/interface.js';
import { Miner } from '../mining/miner.js';
import { createBlockTemplate, type BlockTemplate } from '../mining/template.js';
import type { NodeConfig } from './config.js';
import { chainStateOptionsFrom, flushTestHook } from './options/chain.js';
import { loadOrCreateMinerKey } from './miner-key.js';
import type { Logger } from '../util/logger.js';
import { BlockProducer } from './producer.js';
import { BLOCK_GC_DEFAULTS, BlockGc } from './block-gc.js';
import { systemClock } from '../util/clock.js';
import type { NodeEvents } from './interface.js';

export type { NodeEvents } from './interface.js';

export interface NodeModules {
  logger: Logger;
  /** Seconds since the epoch (tests may fix it). */
  clock?: () => number;
}

export class TallyNode extends EventEmitter<NodeEvents> {
  readonly config: NodeConfig;
  readonly chain: Chain;
  readonly mempool: Mempool;
  readonly miner: Miner;
  readonly verifyPool: VerifyPool;
  readonly log: Logger;
  /** Where the mining key lives, when the node made or loaded one. */
  minerKeyPath?: string;
  private payoutScript?: Uint8Array;
  private producer?: BlockProducer;
  /** Seconds since the epoch: the one clock every service of this node reads (tests inject a fixed one). */
  readonly clock: () => number;
  private pending: { kind: 'connect' | 'disconnect'; block: Block; entry: ChainEntry }[] = [];
  private started = false;
  private chainOpen = false;
  private fatalError?: ChainError;
  /** A collection after large blocks on a small heap (block-gc.ts). */
  private readonly blockGc = new BlockGc(BLOCK_GC_DEFAULTS, { release: () => this.chain.releaseBlockCache() });

  constructor(config: NodeConfig, modules: NodeModules) {
    super();
    this.config = config;
    this.log = modules.logger;
    this.clock = modules.clock ?? systemClock;
    this.verifyPool = new VerifyPool(config.verifyPool ?? {});
    const flushHook = flushTestHook(process.env);
    this.chain = new Chain(
      { path: join(config.datadir, 'chain'), params: config.network, ...chainStateOptionsFrom(config.extra) },
      { verifier: this.verifyPool, clock: this.clock, logger: this.log.child({ module: 'chain' }), ...(flushHook ? { beforeFlushWrite: flushHook } : {}) },
    );
    const mempoolOpts = {
      ...(config.minRelayFeeRate !== undefined ? { minRelayFeeRate: config.minRelayFeeRate } : {}),
      ...(config.maxMempoolMB !== undefined ? { maxMempoolBytes: config.maxMempoolMB * 1_000_000 } : {}),
    };
    this.mempool = new Mempool(mempoolOpts, { chain: this.mempoolChain(), clock: this.clock, logger: this.log.child({ module: 'mempool' }) });
    const minerOpts = config.minerThreads === undefined ? {} : { threads: config.minerThreads };
    this.miner = new Miner(minerOpts, { logger: this.log.child({ module: 'miner' }), now: this.clock, onBlock: (b) => this.onMinedBlock(b) });
  }

  private mempoolChain() {
    return {
      params: this.config.network,
      tipHeight: () => this.chain.height,
      medianTimePast: () => this.chain.tip.medianTimePast,
      getCoin: (prevout: Parameters<Chain['getCoin']>[0]) => this.chain.getCoin(prevout),
    };
  }

  get mempoolPath(): string {
    return join(this.config.datadir, 'mempool.dat');
  }

  /** Starts every service; on failure, stops what already started and rethrows. */
  async start(): Promise<void> {
    try {
      await this.startServices();
    } catch (err) {
      this.started = true;
      await this.stop().catch(() => undefined);
      throw err;
    }
  }

  private async startServices(): Promise<void> {
    this.chain.on('connect', (block, entry) => this.pending.push({ kind: 'connect', block, entry }));
    this.chain.on('disconnect', (block, entry) => this.pending.push({ kind: 'disconnect', block, entry }));
    this.chain.on('reorg', (info) => this.emit('reorg', info));
    this.chain.on('fatal', (err) => {
      this.fatalError = err;
      this.log.fatal({ module: 'node', code: err.code, datadir: this.config.datadir }, err.message);
      this.emit('fatal', err);
    });
    // The signature workers load while the chain opens: verify() queues until they are ready.
    const [pool, chain] = await Promise.allSettled([this.verifyPool.start(), this.openChain()]);
    if (chain.status === 'rejected') throw chain.reason;
    if (pool.status === 'rejected') throw pool.reason;
    this.chainOpen = true;
    this.pending = [];
    await this.mempool.start();
    this.mempool.on('added', (entry) => this.emit('tx', entry));
    this.mempool.on('removed', (entry, reason) => this.emit('txRemoved', entry, reason));
    const loaded = await this.mempool.load(this.mempoolPath);
    this.log.info({ module: 'node', network: this.config.network.name, height: this.chain.height, tip: this.chain.tip.hashHex, mempool: loaded }, 'node started');
    if (this.config.mine) await this.startMining();
    this.started = true;
  }

  private async openChain(): Promise<void> {
    if (!this.config.reindex) return this.chain.open();
    const log = this.log.child({ module: 'chain' });
    const started = performance.now();
    let last = 0;
    log.info('reindexing from stored blocks');
    await this.chain.open({
      reindex: true,
      onReindexProgress: (height, best) => {
        if (height - last >= 1000 || height === best) {
          last = height;
          const rate = height / Math.max(0.001, (performance.now() - started) / 1000);
          log.info({ height, best, blocksPerSecond: Math.round(rate), secondsLeft: Math.round((best - height) / Math.max(rate, 1)) }, 'reindex progress');
        }
      },
    });
    log.info({ height: this.chain.height }, 'reindex done');
  }

  private async startMining(): Promise<void> {
    const params = this.config.network;
    if (this.config.minerAddress) {
      this.payoutScript = addressToScriptPubKey(params.addressPrefix, this.config.minerAddress);
    } else {
      const key = loadOrCreateMinerKey(this.config.datadir, params);
      this.minerKeyPath = key.path;
      this.payoutScript = addressToScriptPubKey(params.addressPrefix, key.address);
      this.log.info({ module: 'miner', address: key.address, keyFile: key.path, created: key.created }, 'mining to the datadir key');
    }
    const payout = this.payoutScript;
    this.producer = new BlockProducer({
      paced: params.mineOnDemand,
      intervalSeconds: this.config.blockInterval,
      miner: this.miner,
      template: () => this.template(payout),
      submit: (block) => this.submitBlock(block),
      logger: this.log.child({ module: 'miner' }),
    });
    await this.producer.start();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.blockGc.stop();
    await this.producer?.stop();
    await this.miner.stop();
    // On a full disk the save could only leave a partial temporary file; the last saved mempool stays.
    if (this.chainOpen && this.fatalError?.code !== 'disk-full') {
      await this.mempool.save(this.mempoolPath).catch((err: Error) => this.log.warn({ module: 'mempool', err: err.message }, 'could not save the mempool'));
    }
    await this.mempool.stop();
    await this.chain.close();
    await this.verifyPool.stop();
    this.log.info({ module: 'node' }, 'node stopped');
  }

  /** A template on the current tip paying `payoutScript`, with the best mempool transactions. */
  template(payoutScript: Uint8Array): BlockTemplate {
    const tip = this.chain.tip;
    return createBlockTemplate({
      params: this.config.network,
      parent: tip.asParent(),
      now: this.clock(),
      payoutScript,
      candidates: this.mempool.getCandidates(),
    });
  }

  /**
   * Validates a block from anywhere (miner, peer, RPC) and brings the mempool
   * and miner up to date with whatever the chain did.
   */
  async submitBlock(block: Block): Promise<ProcessResult> {
    const started = performance.now();
    let status: ProcessResult['status'] | 'rejected' = 'rejected';
    try {
      const result = await this.chain.processBlock(block);
      status = result.status;
      return result;
    } finally {
      this.emit('blockProcessed', { hash: block.hash, ms: performance.now() - started, status });
      await this.flushChainEvents();
    }
  }

  /** Applies chain changes to the mempool after the chain settled, as Core does after a reorg. */
  private async flushChainEvents(): Promise<void> {
    const events = this.pending;
    this.pending = [];
    if (events.length === 0) return;
    const disconnected: Block[] = [];
    for (const { kind, block, entry } of events) {
      if (kind === 'connect') {
        await this.mempool.removeForBlock(block, entry.height);
        this.log.info({ module: 'chain', height: entry.height, hash: entry.hashHex, txs: block.transactions.length }, 'block connected');
        this.emit('block', block, entry);
        this.blockGc.blockConnected(block.size);
      } else {
        disconnected.push(block);
        this.log.info({ module: 'chain', height: entry.height, hash: entry.hashHex }, 'block disconnected');
        this.emit('disconnect', block, entry);
      }
    }
    // Oldest first, so parents return before the children that spend them.
    for (const block of disconnected.reverse()) await this.mempool.addDisconnectedBlockTxs(block);
    this.producer?.tipChanged();
  }

  /** Accepts a transaction into the mempool (RPC, p2p). */
  async sendTransaction(tx: Transaction, opts: AcceptOptions = {}): Promise<AcceptResult> {
    const result = await this.mempool.acceptTransaction(tx, opts);
    if (result.status === 'accepted') this.producer?.mempoolChanged();
    return result;
  }

  /** Mines `count` blocks on demand to `payoutScript` (regtest generatetoaddress). */
  async generate(count: number, payoutScript: Uint8Array): Promise<string[]> {
    const hashes: string[] = [];
    for (let i = 0; i < count; i++) {
      const block = await this.miner.mineBlock(this.template(payoutScript));
      await this.submitBlock(block);
      hashes.push(block.hash);
    }
    return hashes;
  }

  private async onMinedBlock(block: Block): Promise<void> {
    try {
      await this.submitBlock(block);
    } catch (err) {
      this.log.warn({ module: 'miner', hash: block.hash, err: (err as Error).message }, 'mined block rejected');
    }
  }
}
