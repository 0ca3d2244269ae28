/**
 * Keeping the wallet in step with the chain: each connected or disconnected
 * block is one batch that also moves the last synced block, so after a crash
 * (kill -9 included) the wallet replays from where it stopped: back along a
 * branch the chain left while the wallet was down, then forward to the tip.
 */
import type { Block } from '../primitives/block.js';
import { hashToHex } from '../primitives/bytes.js';
import type { WalletCore } from './core.js';
import { walletError } from './errors.js';
import type { WalletBlockEntry, WalletChain } from './interface.js';

/** Applies a block that joined the best chain. */
export async function connectBlock(core: WalletCore, block: Block, entry: WalletBlockEntry): Promise<void> {
  await core.change((c) => core.tracker.connectBlock(block, entry, c), entry);
}

/** Applies a block that left the best chain; the last synced block becomes its parent. */
export async function disconnectBlock(core: WalletCore, block: Block, entry: WalletBlockEntry): Promise<void> {
  await core.change((c) => core.tracker.disconnectBlock(block, entry, c), { hash: block.header.prevHashBytes, height: entry.height - 1 });
}

/** Blocks between progress lines of a long catch-up (Core logs its rescans likewise). */
const PROGRESS_EVERY = 50;

function isMain(core: WalletCore, entry: WalletBlockEntry): boolean {
  return core.node.chain.getEntryAtHeight(entry.height)?.hashHex === entry.hashHex;
}

async function blockOf(core: WalletCore, entry: WalletBlockEntry): Promise<Block> {
  const block = await core.node.chain.getBlock(entry.hashHex);
  if (!block) throw walletError('wallet-error', `block ${entry.hashHex} at height ${entry.height} is not available (pruned?)`);
  return block;
}

/**
 * Brings a loaded wallet to the chain's tip from its last synced block:
 * disconnects the blocks of a branch the chain abandoned, then connects the
 * main chain's blocks after the fork, then reads the mempool. A wallet that
 * never synced, or whose block the chain does not know, rescans from genesis.
 */
export async function catchUp(core: WalletCore): Promise<void> {
  const chain = core.node.chain;
  let entry = core.best ? chain.getEntry(hashToHex(core.best.hash)) : undefined;
  while (entry && !isMain(core, entry)) {
    await disconnectBlock(core, await blockOf(core, entry), entry);
    entry = entry.prev ?? undefined;
  }
  let height = entry ? entry.height + 1 : 0;
  const behind = chain.tip.height - height;
  // The tip may move while we replay; events for those blocks queue behind this.
  while (height <= chain.tip.height) {
    const next = chain.getEntryAtHeight(height)!;
    await connectBlock(core, await blockOf(core, next), next);
    if (behind >= PROGRESS_EVERY && height % PROGRESS_EVERY === 0) core.log.info({ module: 'wallet', wallet: core.name, height, tip: chain.tip.height }, 'rescan progress');
    height++;
  }
  await scanMempool(core);
}

/** What the pool holds now: the wallet may have missed its events (Core's requestMempoolTransactions at load). */
export async function scanMempool(core: WalletCore): Promise<void> {
  await core.change((c) => {
    for (const { tx } of core.node.mempool.entries()) core.tracker.addMempool(tx, c);
  });
}

/**
 * rescanblockchain: reads main-chain blocks `from`..`to` again (idempotent for
 * what the wallet already has; finds what new descriptors pay to). The last
 * synced block only moves forward.
 */
export async function rescan(core: WalletCore, from = 0, to?: number): Promise<{ startHeight: number; stopHeight: number }> {
  const chain = core.node.chain;
  const stop = to ?? chain.tip.height;
  if (!Number.isInteger(from) || from < 0 || from > chain.tip.height) throw walletError('invalid-parameter', 'Invalid start_height');
  if (!Number.isInteger(stop) || stop < from || stop > chain.tip.height) throw walletError('invalid-parameter', 'Invalid stop_height');
  for (let h = from; h <= stop; h++) {
    const entry = chain.getEntryAtHeight(h)!;
    const block = await blockOf(core, entry);
    const advances = !core.best || h > core.best.height;
    await core.change((c) => core.tracker.connectBlock(block, entry, c), advances ? entry : undefined);
  }
  return { startHeight: from, stopHeight: stop };
}

/**
 * Offers the node every unconfirmed wallet transaction it lacks (Core's
 * ResubmitWalletTransactions at load): after a crash the node's mempool may
 * have lost them. What the pool refuses stays in the wallet as inactive.
 */
export async function resubmit(core: WalletCore): Promise<void> {
  const pool = core.node.mempool;
  const pending = core.ledger.all()
    .filter((w) => (w.record.state.kind === 'mempool' || w.record.state.kind === 'inactive') && !w.record.abandoned && !w.tx.isCoinbase())
    .sort((a, b) => a.record.orderPos - b.record.orderPos);
  for (const wtx of pending) {
    if (pool.has(wtx.txid)) continue;
    const accepted = await core.node.sendTransaction(wtx.tx).then(() => true, () => false);
    await core.change((c) => {
      if (accepted) core.tracker.addMempool(wtx.tx, c);
      else core.tracker.removeMempool(wtx.txid, 'expiry', c);
    });
  }
}

/** Core rescans from the first block within 2 hours before the timestamp (TIMESTAMP_WINDOW). */
export function firstBlockAfter(chain: WalletChain, timestamp: number): number {
  for (let h = 0; h <= chain.tip.height; h++) if (chain.getEntryAtHeight(h)!.header.time >= timestamp - 7200) return h;
  return chain.tip.height;
}
