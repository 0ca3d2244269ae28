/**
 * The node's events as notifications: `block` (topic blocks), `reorg` then one
 * `disconnected` per block that left the chain (topic reorgs), `tx` and
 * `txremoved` (topic mempool), and `address` for every transaction, in the
 * mempool or in a connected block, that pays or spends a watched address.
 * Amounts are coins, as in the RPC. Events are handled one at a time, in the
 * order the node emitted them, so their sequence numbers follow that order.
 */
import type { Block } from '../primitives/block.js';
import { scriptPubKeyToAddress } from '../primitives/address.js';
import { hashToHex, toHex } from '../primitives/bytes.js';
import type { Transaction, TxOutput } from '../primitives/tx.js';
import type { ChainEntry } from '../chain/index.js';
import type { MempoolEntry } from '../mempool/interface.js';
import type { NetworkParams } from '../consensus/params.js';
import type { ChainReader, MempoolReader, NodeEventSource, NodeEvents } from '../node/interface.js';
import type { Logger } from '../util/logger.js';
import { addressActivity } from './address-activity.js';
import { formatAmount } from './format.js';
import type { Topic } from './subscriptions.js';

/** What the notifier reads of the node (TallyNode satisfies it): its events and narrow views. */
export interface NotifierNode extends NodeEventSource {
  readonly config: { readonly network: NetworkParams };
  readonly chain: ChainReader;
  readonly mempool: MempoolReader;
}

/** Where notifications go (the Notifier: it numbers, keeps and delivers them). */
export interface EventSink {
  /** Whether to make notifications at all (nobody has subscribed yet: no). */
  active(): boolean;
  /** A notification about `key`: a topic, or {@link addressKey} of a script. */
  emit(key: string, method: string, params: Record<string, unknown>): void;
  /** Whether the activity of this script (hex) is followed. */
  watches(script: string): boolean;
  /** Whether any script is followed (else the spent coins are not worth looking up). */
  watchesAny(): boolean;
}

/** The event-log key of an address's notifications is this prefix and its script (hex). */
export const ADDRESS_KEY = 'address:';
const addressKey = (script: string): string => `${ADDRESS_KEY}${script}`;

/** Listens to the node; returns the function that stops listening. */
export function watchNodeEvents(node: NotifierNode, sink: EventSink, log: Logger): { off: () => void; idle: () => Promise<void> } {
  let queue: Promise<void> = Promise.resolve();
  const offs: (() => void)[] = [];
  const events = new NodeEventTranslator(node, sink, log);
  const listen = <K extends keyof NodeEvents>(event: K, handler: (...args: NodeEvents[K]) => Promise<void> | void) => {
    const listener = (...args: NodeEvents[K]) => {
      if (!sink.active()) return;
      queue = queue.then(() => handler(...args)).catch((err: Error) => log.warn({ err: err.message }, 'notification failed'));
    };
    node.on(event as never, listener as never);
    offs.push(() => node.off(event as never, listener as never));
  };
  listen('block', (block, entry) => events.onBlock(block, entry));
  listen('disconnect', (block, entry) => sink.emit(topic('reorgs'), 'disconnected', {
    hash: entry.hashHex, height: entry.height, previousblockhash: block.header.prevHash, txids: block.transactions.map((t) => t.txid),
  }));
  listen('reorg', ({ oldTip, newTip, fork }) => sink.emit(topic('reorgs'), 'reorg', {
    oldTip: tipJson(oldTip), newTip: tipJson(newTip), fork: tipJson(fork), forkheight: fork.height, depth: oldTip.height - fork.height,
  }));
  listen('tx', (entry) => events.onTx(entry));
  listen('txRemoved', (entry, reason) => sink.emit(topic('mempool'), 'txremoved', { txid: entry.txid, wtxid: entry.wtxid, reason }));
  return { off: () => { for (const off of offs.splice(0)) off(); }, idle: () => queue };
}

const topic = (t: Topic): string => t;

class NodeEventTranslator {
  constructor(private readonly node: NotifierNode, private readonly sink: EventSink, private readonly log: Logger) {}

  async onBlock(block: Block, entry: ChainEntry): Promise<void> {
    this.sink.emit(topic('blocks'), 'block', {
      hash: entry.hashHex, height: entry.height, time: block.header.time, mediantime: entry.medianTimePast,
      previousblockhash: block.header.prevHash, chainwork: entry.chainWork.toString(16).padStart(64, '0'),
      size: block.size, weight: block.weight, nTx: block.transactions.length, txids: block.transactions.map((t) => t.txid),
    });
    if (!this.sink.watchesAny()) return;
    // The block's spent coins are gone from the UTXO set; the chain still knows them. Undefined when
    // the block was disconnected again before we got here: report what the outputs show.
    const spent = await this.node.chain.spentCoins(entry).catch((err: Error) => {
      this.log.warn({ hash: entry.hashHex, err: err.message }, 'spent coins of a block unavailable');
      return undefined;
    });
    block.transactions.forEach((tx, i) => {
      this.addressActivity(tx, spent?.[i] ?? [], { confirmed: true, height: entry.height, blockhash: entry.hashHex });
    });
  }

  async onTx(entry: MempoolEntry): Promise<void> {
    const tx = entry.tx;
    this.sink.emit(topic('mempool'), 'tx', {
      txid: entry.txid, wtxid: entry.wtxid, fee: formatAmount(entry.fee), vsize: entry.vsize, weight: entry.weight, time: entry.time,
      inputs: tx.inputs.map((i) => ({ txid: hashToHex(i.prevout.txid), vout: i.prevout.vout })),
      outputs: this.outputsJson(tx),
    });
    if (!this.sink.watchesAny()) return;
    const { chain, mempool } = this.node;
    const spent: (TxOutput | undefined)[] = [];
    for (const input of tx.inputs) {
      const parent = mempool.get(hashToHex(input.prevout.txid))?.tx.outputs[input.prevout.vout];
      spent.push(parent ?? (await chain.getCoin(input.prevout)));
    }
    this.addressActivity(tx, spent, { confirmed: false });
  }

  private outputsJson(tx: Transaction): Record<string, unknown>[] {
    const prefix = this.node.config.network.addressPrefix;
    return tx.outputs.map((o, n) => {
      const address = scriptPubKeyToAddress(prefix, o.scriptPubKey);
      return { n, value: formatAmount(o.value), scriptPubKey: toHex(o.scriptPubKey), ...(address ? { address } : {}) };
    });
  }

  /** One `address` notification per watched script the transaction touches. `spent`: the coin of each input, in input order, where known. */
  private addressActivity(tx: Transaction, spent: readonly (TxOutput | undefined)[], where: Record<string, unknown>): void {
    const prefix = this.node.config.network.addressPrefix;
    for (const [script, a] of addressActivity(tx, spent)) {
      if (!this.sink.watches(script)) continue;
      const address = scriptPubKeyToAddress(prefix, Buffer.from(script, 'hex'));
      this.sink.emit(addressKey(script), 'address', {
        address, txid: tx.txid, ...where, received: formatAmount(a.received), spent: formatAmount(a.spent), outputs: a.outputs, inputs: a.inputs,
      });
    }
  }
}

function tipJson(entry: ChainEntry): { hash: string; height: number } {
  return { hash: entry.hashHex, height: entry.height };
}
