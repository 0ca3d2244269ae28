/**
 * Starts a node with its adapters and runs until a signal, the `stop` RPC or
 * a storage failure. Loaded only when `tally node` runs, so other commands
 * start without loading LevelDB and the rest; the adapters (libp2p above all)
 * are loaded only when enabled, so `--no-p2p` starts in a fraction of the time.
 */
import type { ChainError } from '../chain/errors.js';
import { isFatalStorageError, startupError } from '../chain/storage-errors.js';
import { explorerOptionsFromConfig } from '../explorer/config.js';
import { metricsOptionsFromConfig } from '../metrics/config.js';
import { tolerateClosedOutput } from '../node/closed-output.js';
import { ConfigError, locateOptionError, type NodeConfig } from '../node/config.js';
import { ListenError } from '../node/listen-error.js';
import { createLogger, type NodeLogger } from '../node/logging.js';
import { TallyNode } from '../node/node.js';
import { p2pListenError } from '../p2p/listen-failure.js';
import type { P2POptions } from '../p2p/options.js';
import type { P2PService } from '../p2p/p2p.js';
import { rpcOptionsFromConfig } from '../rpc/config.js';
import type { RpcServer } from '../rpc/server.js';
import type { MetricsServer } from '../metrics/server.js';
import { CliError, EXIT_FAILURE, type CliIo } from './program.js';

interface Adapters {
  p2p?: P2PService;
  rpc?: RpcServer;
  metrics?: MetricsServer;
  rpcStop: Promise<void>;
}

export async function runNode(config: NodeConfig, opts: { p2p?: boolean; rpc?: boolean }, io: CliIo): Promise<void> {
  // `tally node | tee log`: Ctrl-C ends tee too; the node must still stop cleanly (closed-output.ts).
  tolerateClosedOutput(process.stdout);
  tolerateClosedOutput(process.stderr);
  const { p2pOptions, rpcOptions, metricsOptions, explorerOptions, peerWarnings } = await adapterOptions(config, opts);
  const logger = createLogger(config.logLevel, config.logFormat);
  for (const w of peerWarnings) logger.warn({ module: 'p2p', option: w.option, addr: w.addr }, w.message);
  // Loading the adapters (libp2p is most of the start time) overlaps with opening the chain.
  const modules = loadAdapters({ p2p: p2pOptions !== undefined, rpc: rpcOptions !== undefined, explorer: explorerOptions !== undefined, metrics: metricsOptions !== undefined });
  const node = new TallyNode(config, { logger });
  // Listening from the start: a signal or a storage failure while starting stops the node
  // cleanly once it has started.
  const signal = waitForSignal();
  let fatal: ChainError | undefined;
  const failed = new Promise<void>((resolve) => node.once('fatal', (err) => { fatal = err; resolve(); }));
  let adapters: Adapters;
  try {
    try {
      await node.start();
    } catch (err) {
      throw asCliError(startupError(config.datadir, err));
    }
    adapters = await startAdapters(node, logger, modules, { p2pOptions, rpcOptions, metricsOptions, explorerOptions, datadir: config.datadir });
  } catch (err) {
    signal.cancel();
    throw err;
  }
  const { p2p, rpc, metrics, rpcStop } = adapters;
  io.out(`Tally ${config.network.name} node: data in ${config.datadir}${node.minerKeyPath ? `, miner key in ${node.minerKeyPath}` : ''}`);
  if (p2p) io.out(`P2P addresses: ${p2p.localAddresses().join(' ')}`);
  if (rpc) io.out(`RPC: http://${rpc.address.host}:${rpc.address.port}/ (cookie in ${config.datadir}/.cookie)`);
  if (rpc && explorerOptions) io.out(`Explorer: http://${rpc.address.host}:${rpc.address.port}/ (sign in as __cookie__ with the password in ${config.datadir}/.cookie, or with --rpc-user)`);
  if (metrics) io.out(`Metrics: http://${metrics.address.host}:${metrics.address.port}/metrics`);
  await Promise.race([signal.done, rpcStop, failed]);
  signal.cancel();
  logger.info({ module: 'node' }, 'shutting down');
  await metrics?.stop();
  await rpc?.stop();
  await p2p?.stop();
  await node.stop();
  // The fatal log line said it already; stderr gets the one-line summary and the exit code.
  if (fatal) throw asCliError(fatal);
}

/** A storage failure or a busy port is a runtime failure (exit 1), not bad input (exit 2); its line keeps the code. */
function asCliError(err: unknown): unknown {
  return isFatalStorageError(err) || err instanceof ListenError ? new CliError(`${err.message} (${err.code})`, EXIT_FAILURE) : err;
}

/** Each enabled adapter's options; a bad value read from tally.conf is reported with its file and line. */
async function adapterOptions(config: NodeConfig, opts: { p2p?: boolean; rpc?: boolean }) {
  try {
    // Loaded only with p2p on: its address parsing pulls in libp2p's peer ids.
    const p2pConfig = opts.p2p === false ? undefined : await import('../p2p/config.js');
    const p2pOptions = p2pConfig?.p2pOptionsFromConfig(config);
    const peerWarnings = p2pOptions ? p2pConfig!.peerAddressWarnings(p2pOptions) : [];
    const rpcOptions = opts.rpc === false ? undefined : rpcOptionsFromConfig(config);
    const metricsOptions = metricsOptionsFromConfig(config);
    const explorerOptions = explorerOptionsFromConfig(config);
    if (explorerOptions && !rpcOptions) throw new ConfigError('bad-option', 'explorer is served by the JSON-RPC server: drop --no-rpc or --explorer');
    return { p2pOptions, rpcOptions, metricsOptions, explorerOptions, peerWarnings };
  } catch (err) {
    throw locateOptionError(config, err);
  }
}

type AdapterOptions = {
  p2pOptions: P2POptions | undefined;
  rpcOptions: ReturnType<typeof rpcOptionsFromConfig> | undefined;
  metricsOptions: ReturnType<typeof metricsOptionsFromConfig>;
  explorerOptions: ReturnType<typeof explorerOptionsFromConfig>;
  datadir: string;
};

type AdapterModules = Awaited<ReturnType<typeof loadAdapters>>;

/** Starts loading the enabled adapters' modules. */
function loadAdapters(enabled: { p2p: boolean; rpc: boolean; explorer: boolean; metrics: boolean }) {
  const all = Promise.all([
    enabled.p2p ? import('../p2p/p2p.js') : undefined,
    enabled.rpc ? import('../rpc/server.js') : undefined,
    enabled.rpc ? import('../rpc/notifications.js') : undefined,
    enabled.explorer ? import('../explorer/explorer.js') : undefined,
    enabled.metrics ? import('../metrics/server.js') : undefined,
  ]).then(([p2p, rpc, notifications, explorer, metrics]) => ({ p2p, rpc, notifications, explorer, metrics }));
  all.catch(() => undefined); // awaited (and reported) only if the node starts
  return all;
}

/** Starts the enabled adapters; on failure stops what started, and the node. */
async function startAdapters(node: TallyNode, logger: NodeLogger, modules: Promise<AdapterModules>, o: AdapterOptions): Promise<Adapters> {
  let stopRequested: () => void = () => undefined;
  const rpcStop = new Promise<void>((resolve) => { stopRequested = resolve; });
  let p2p: P2PService | undefined;
  let rpc: RpcServer | undefined;
  let metrics: MetricsServer | undefined;
  try {
    const m = await modules;
    if (o.p2pOptions && m.p2p) p2p = new m.p2p.P2PService(o.p2pOptions, { node, logger });
    if (o.rpcOptions && m.rpc && m.notifications) {
      rpc = new m.rpc.RpcServer(o.rpcOptions, { node, ...(p2p ? { p2p } : {}), logger, requestStop: () => stopRequested() });
      rpc.use(new m.notifications.Notifier({ node, logger, maxBuffer: o.rpcOptions.maxSubscriberBuffer }));
      if (o.explorerOptions && m.explorer) rpc.use(new m.explorer.Explorer(o.explorerOptions, { logger }));
    }
    if (o.metricsOptions && m.metrics) {
      metrics = new m.metrics.MetricsServer(o.metricsOptions, { node, ...(p2p ? { p2p } : {}), ...(rpc ? { rpc } : {}), logger });
    }
    await p2p?.start().catch((err: unknown) => { throw p2pListenError(o.p2pOptions?.listen ?? [], err); });
    await rpc?.start();
    await metrics?.start();
  } catch (err) {
    await rpc?.stop().catch(() => undefined);
    await p2p?.stop().catch(() => undefined);
    await node.stop();
    throw asCliError(startupError(o.datadir, err));
  }
  return { ...(p2p ? { p2p } : {}), ...(rpc ? { rpc } : {}), ...(metrics ? { metrics } : {}), rpcStop };
}

/** Resolves on the first SIGINT or SIGTERM; holds the process open until then or until cancelled. */
function waitForSignal(): { done: Promise<void>; cancel: () => void } {
  let cancel: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    // Signal handlers alone do not keep Node running (with --no-p2p --no-rpc nothing else would).
    const keepAlive = setInterval(() => undefined, 1 << 30);
    cancel = () => {
      clearInterval(keepAlive);
      process.off('SIGINT', cancel);
      process.off('SIGTERM', cancel);
      resolve();
    };
    process.on('SIGINT', cancel);
    process.on('SIGTERM', cancel);
  });
  return { done, cancel };
}
