/**
 * The one place that wires a whole node: the node itself and the adapters
 * (network, JSON-RPC with its notifier and explorer, metrics), each from its
 * options module. The adapters are loaded only when enabled, so `--no-p2p`
 * starts without loading libp2p; loading overlaps with opening the chain.
 */
import { startupError } from '../chain/storage-errors.js';
import type { MetricsServer } from '../metrics/server.js';
import type { Explorer } from '../explorer/explorer.js';
import type { P2POptions } from '../network/options.js';
import type { P2PService } from '../network/network.js';
import { p2pListenError } from '../network/listen-failure.js';
import type { RpcServer } from '../rpc/server.js';
import type { WalletManager, WalletManagerOptions } from '../wallet/index.js';
import type { Faucet, FaucetOptions } from '../faucet/index.js';
import { ConfigError, locateOptionError, type NodeConfig } from './config.js';
import type { Logger } from '../util/logger.js';
import { TallyNode } from './node.js';
import { explorerOptionsFromConfig } from './options/explorer.js';
import { metricsOptionsFromConfig } from './options/metrics.js';
import { p2pOptionsFromConfig, peerAddressWarnings } from './options/p2p.js';
import { rpcOptionsFromConfig } from './options/rpc.js';
import { faucetOptionsFromConfig, walletOptionsFromConfig } from './options/wallet.js';

/** Which adapters run besides the node (`--no-p2p`, `--no-rpc`). */
export interface AdapterSwitches {
  p2p?: boolean;
  rpc?: boolean;
}

/** Each enabled adapter's options, read and checked before anything starts. */
export interface NodePlan {
  p2p?: P2POptions;
  rpc?: ReturnType<typeof rpcOptionsFromConfig>;
  metrics?: ReturnType<typeof metricsOptionsFromConfig>;
  explorer?: ReturnType<typeof explorerOptionsFromConfig>;
  /** The wallet service's options; absent with --disablewallet. */
  wallet?: WalletManagerOptions;
  /** The faucet's options, with --faucet. */
  faucet?: FaucetOptions;
  /** Configured peer addresses worth a warning, for the caller to log. */
  peerWarnings: { option: string; addr: string; message: string }[];
}

/** A started node and its adapters. */
export interface WiredNode {
  node: TallyNode;
  p2p?: P2PService;
  rpc?: RpcServer;
  metrics?: MetricsServer;
  /** The wallets, unless --disablewallet. */
  wallets?: WalletManager;
  /** The faucet, with --faucet. */
  faucet?: Faucet;
  /** The explorer, when `--explorer` serves it on the RPC port (it issues the sign-in link printed at start-up). */
  explorer?: Explorer;
  /** Resolves when the `stop` RPC asks the node to stop. */
  stopRequested: Promise<void>;
  /** Stops the adapters, then the node. */
  stop(): Promise<void>;
}

/**
 * Reads each enabled adapter's options.
 * @throws ConfigError bad-option, with the tally.conf line when the value came from there
 */
export async function planNode(config: NodeConfig, on: AdapterSwitches): Promise<NodePlan> {
  try {
    const p2p = on.p2p === false ? undefined : p2pOptionsFromConfig(config);
    const plan: NodePlan = { peerWarnings: p2p ? peerAddressWarnings(p2p) : [] };
    if (p2p) plan.p2p = p2p;
    if (on.rpc !== false) plan.rpc = rpcOptionsFromConfig(config);
    const metrics = metricsOptionsFromConfig(config);
    if (metrics) plan.metrics = metrics;
    const explorer = explorerOptionsFromConfig(config);
    if (explorer && !plan.rpc) throw new ConfigError('bad-option', 'explorer is served by the JSON-RPC server: drop --no-rpc or --explorer');
    if (explorer) plan.explorer = explorer;
    const wallet = walletOptionsFromConfig(config);
    if (wallet) plan.wallet = wallet;
    const faucet = faucetOptionsFromConfig(config);
    if (faucet) plan.faucet = faucet;
    return plan;
  } catch (err) {
    throw locateOptionError(config, err);
  }
}

/** Starts loading the enabled adapters' modules. */
function loadAdapters(plan: NodePlan) {
  const all = Promise.all([
    plan.p2p ? import('../network/network.js') : undefined,
    plan.rpc ? import('../rpc/server.js') : undefined,
    plan.rpc ? import('../rpc/notifications.js') : undefined,
    plan.explorer ? import('../explorer/explorer.js') : undefined,
    plan.metrics ? import('../metrics/server.js') : undefined,
    plan.wallet ? import('../wallet/index.js') : undefined,
    plan.faucet ? import('../faucet/index.js') : undefined,
  ]).then(([p2p, rpc, notifications, explorer, metrics, wallet, faucet]) => ({ p2p, rpc, notifications, explorer, metrics, wallet, faucet }));
  all.catch(() => undefined); // awaited (and reported) only if the node starts
  return all;
}

type AdapterModules = Awaited<ReturnType<typeof loadAdapters>>;

/** What startNode reports before it starts anything, so that a caller can listen from the start. */
export interface StartHooks {
  /** Called with the node before it starts (to hear its `fatal` event). */
  created?: (node: TallyNode) => void;
}

/**
 * Creates and starts the node, then its adapters. On failure, stops what
 * started and throws the error (a disk-full error names the datadir).
 */
export async function startNode(config: NodeConfig, plan: NodePlan, modules: { logger: Logger; clock?: () => number }, hooks: StartHooks = {}): Promise<WiredNode> {
  const loading = loadAdapters(plan);
  const node = new TallyNode(config, modules);
  hooks.created?.(node);
  try {
    await node.start();
  } catch (err) {
    throw startupError(config.datadir, err);
  }
  return startAdapters(node, modules.logger, await settle(loading, node, config.datadir), plan, config.datadir);
}

/** The loaded adapter modules; a failure to load stops the node. */
async function settle(loading: Promise<AdapterModules>, node: TallyNode, datadir: string): Promise<AdapterModules> {
  try {
    return await loading;
  } catch (err) {
    await node.stop();
    throw startupError(datadir, err);
  }
}

/** Starts the enabled adapters; on failure stops what started, and the node. */
async function startAdapters(node: TallyNode, logger: Logger, m: AdapterModules, plan: NodePlan, datadir: string): Promise<WiredNode> {
  let requestStop: () => void = () => undefined;
  const stopRequested = new Promise<void>((resolve) => { requestStop = resolve; });
  const wired: WiredNode = { node, stopRequested, stop: () => stopAll(wired) };
  try {
    if (plan.p2p && m.p2p) wired.p2p = new m.p2p.P2PService(plan.p2p, { node, logger });
    const p2p = wired.p2p ? { p2p: wired.p2p } : {};
    // The node is the wallet's WalletNode and its event source; the wallets follow the node's clock.
    if (plan.wallet && m.wallet) wired.wallets = new m.wallet.WalletManager(plan.wallet, { node, events: node, clock: node.clock, logger: logger.child({ module: 'wallet' }) });
    const wallets = wired.wallets ? { wallets: wired.wallets } : {};
    if (plan.faucet && m.faucet && wired.wallets) {
      wired.faucet = new m.faucet.Faucet(plan.faucet, { wallets: wired.wallets, network: node.config.network, datadir, clock: node.clock, logger: logger.child({ module: 'faucet' }) });
    }
    const faucet = wired.faucet ? { faucet: wired.faucet } : {};
    if (plan.rpc && m.rpc && m.notifications) {
      wired.rpc = new m.rpc.RpcServer(plan.rpc, { node, ...p2p, ...wallets, ...faucet, logger, requestStop: () => requestStop() });
      wired.rpc.use(new m.notifications.Notifier({ node, logger, maxBuffer: plan.rpc.maxSubscriberBuffer }));
      if (plan.explorer && m.explorer) {
        wired.explorer = new m.explorer.Explorer(plan.explorer, { logger, ...(wired.faucet ? { faucet: { endpoint: wired.faucet, trustForwardedFor: wired.faucet.opts.trustForwardedFor } } : {}) });
        wired.rpc.use(wired.explorer);
      }
    }
    if (plan.metrics && m.metrics) {
      wired.metrics = new m.metrics.MetricsServer(plan.metrics, { node, ...p2p, ...(wired.rpc ? { rpc: wired.rpc } : {}), logger });
    }
    await wired.wallets?.start();
    await wired.faucet?.start();
    await wired.p2p?.start().catch((err: unknown) => { throw p2pListenError(plan.p2p?.listen ?? [], err); });
    await wired.rpc?.start();
    await wired.metrics?.start();
  } catch (err) {
    await wired.rpc?.stop().catch(() => undefined);
    await wired.p2p?.stop().catch(() => undefined);
    await wired.faucet?.stop().catch(() => undefined);
    await wired.wallets?.stop().catch(() => undefined);
    await node.stop();
    throw startupError(datadir, err);
  }
  return wired;
}

async function stopAll(wired: WiredNode): Promise<void> {
  await wired.metrics?.stop();
  await wired.rpc?.stop();
  await wired.p2p?.stop();
  await wired.faucet?.stop();
  await wired.wallets?.stop();
  await wired.node.stop();
}
