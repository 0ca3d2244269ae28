/**
 * Chain metrics: height and work are read on each scrape; reorganizations,
 * block validation time and signature checks are counted from node events.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { NodeEvents } from '../node/interface.js';
import type { MetricsNode } from './interface.js';

/** Seconds: from a ~1 ms empty regtest block to a long reorganization. */
const VALIDATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Blocks disconnected by one reorganization. */
const REORG_DEPTH_BUCKETS = [1, 2, 3, 4, 6, 10, 20, 50, 100, 1000];

type Listener<K extends keyof NodeEvents> = (...args: NodeEvents[K]) => void;

/**
 * Registers the chain metrics in `registry` and subscribes to `node`.
 * @returns a function that unsubscribes
 */
export function registerChainMetrics(registry: Registry, node: MetricsNode): () => void {
  const registers = [registry];
  const chain = node.chain;
  new Gauge({
    name: 'tally_chain_height', help: 'Height of the best valid block.', registers,
    collect() { this.set(chain.height); },
  });
  new Gauge({
    name: 'tally_chain_work',
    help: 'Cumulative proof of work of the best chain in expected hashes, as a float64 (exact to 53 bits; rate() estimates the network hash rate).',
    registers,
    collect() { this.set(Number(chain.tip.chainWork)); },
  });
  new Gauge({
    name: 'tally_chain_work_log2', help: 'log2 of the best chain\'s cumulative work (Bitcoin Core\'s log2_work).', registers,
    collect() { this.set(Math.log2(Number(chain.tip.chainWork))); },
  });
  const reorgs = new Counter({ name: 'tally_chain_reorgs_total', help: 'Reorganizations of the best chain.', registers });
  const depth = new Histogram({
    name: 'tally_chain_reorg_depth_blocks', help: 'Blocks disconnected by each reorganization (old tip height minus fork height).',
    buckets: REORG_DEPTH_BUCKETS, registers,
  });
  const validation = new Histogram({
    name: 'tally_block_validation_seconds',
    help: 'Wall time of Chain.processBlock per block submitted to the node (miner, peer, RPC), by result '
      + '(connected, side, orphan, duplicate, rejected); includes waiting behind queued blocks and any orphans or reorg the block set off.',
    labelNames: ['status'] as const, buckets: VALIDATION_BUCKETS, registers,
  });
  validation.zero({ status: 'connected' });
  const signatures = new Counter({
    name: 'tally_signature_checks_total',
    help: 'Schnorr signatures verified to connect blocks (one per non-coinbase input; a reconnected block counts again). rate() gives checks per second.',
    registers,
  });

  const onReorg: Listener<'reorg'> = ({ oldTip, fork }) => {
    reorgs.inc();
    depth.observe(oldTip.height - fork.height);
  };
  const onProcessed: Listener<'blockProcessed'> = ({ ms, status }) => validation.observe({ status }, ms / 1000);
  const onBlock: Listener<'block'> = (block) => {
    let inputs = 0;
    for (const tx of block.transactions.slice(1)) inputs += tx.inputs.length;
    if (inputs > 0) signatures.inc(inputs);
  };
  node.on('reorg', onReorg);
  node.on('blockProcessed', onProcessed);
  node.on('block', onBlock);
  return () => {
    node.off('reorg', onReorg);
    node.off('blockProcessed', onProcessed);
    node.off('block', onBlock);
  };
}
