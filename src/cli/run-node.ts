/**
 * Starts a node with its adapters and runs until a signal or the `stop` RPC.
 * Loaded only when `tally node` runs, so other commands start without
 * loading libp2p, LevelDB and the rest.
 */
import { Explorer, explorerOptionsFromConfig } from '../explorer/index.js';
import { metricsOptionsFromConfig, MetricsServer } from '../metrics/index.js';
import { ConfigError, type NodeConfig } from '../node/config.js';
import { createLogger } from '../node/logging.js';
import { TallyNode } from '../node/node.js';
import { p2pOptionsFromConfig } from '../p2p/config.js';
import { P2PService } from '../p2p/p2p.js';
import { rpcOptionsFromConfig } from '../rpc/config.js';
import { Notifier } from '../rpc/notifications.js';
import { RpcServer } from '../rpc/server.js';
import type { CliIo } from './program.js';

export async function runNode(config: NodeConfig, opts: { p2p?: boolean; rpc?: boolean }, io: CliIo): Promise<void> {
  const p2pOptions = opts.p2p === false ? undefined : p2pOptionsFromConfig(config);
  const rpcOptions = opts.rpc === false ? undefined : rpcOptionsFromConfig(config);
  const metricsOptions = metricsOptionsFromConfig(config);
  const explorerOptions = explorerOptionsFromConfig(config);
  if (explorerOptions && !rpcOptions) throw new ConfigError('bad-option', 'explorer is served by the JSON-RPC server: drop --no-rpc or --explorer');
  const logger = createLogger(config.logLevel, config.logFormat);
  const node = new TallyNode(config, { logger });
  await node.start();
  const p2p = p2pOptions ? new P2PService(p2pOptions, { node, logger }) : undefined;
  let stopRequested: () => void = () => undefined;
  const rpcStop = new Promise<void>((resolve) => { stopRequested = resolve; });
  const rpc = rpcOptions ? new RpcServer(rpcOptions, { node, ...(p2p ? { p2p } : {}), logger, requestStop: () => stopRequested() }) : undefined;
  if (rpc) rpc.use(new Notifier({ node, logger, maxBuffer: rpcOptions!.maxSubscriberBuffer }));
  if (rpc && explorerOptions) rpc.use(new Explorer(explorerOptions, { logger }));
  const metrics = metricsOptions ? new MetricsServer(metricsOptions, { node, ...(p2p ? { p2p } : {}), ...(rpc ? { rpc } : {}), logger }) : undefined;
  try {
    await p2p?.start();
    await rpc?.start();
    await metrics?.start();
  } catch (err) {
    await rpc?.stop().catch(() => undefined);
    await p2p?.stop().catch(() => undefined);
    await node.stop();
    throw err;
  }
  io.out(`Tally ${config.network.name} node: data in ${config.datadir}${node.minerKeyPath ? `, miner key in ${node.minerKeyPath}` : ''}`);
  if (p2p) io.out(`P2P addresses: ${p2p.localAddresses().join(' ')}`);
  if (rpc) io.out(`RPC: http://${rpc.address.host}:${rpc.address.port}/ (cookie in ${config.datadir}/.cookie)`);
  if (rpc && explorerOptions) io.out(`Explorer: http://${rpc.address.host}:${rpc.address.port}/ (sign in as __cookie__ with the password in ${config.datadir}/.cookie, or with --rpc-user)`);
  if (metrics) io.out(`Metrics: http://${metrics.address.host}:${metrics.address.port}/metrics`);
  await Promise.race([waitForSignal(), rpcStop]);
  logger.info({ module: 'node' }, 'shutting down');
  await metrics?.stop();
  await rpc?.stop();
  await p2p?.stop();
  await node.stop();
}

/** Resolves on the first SIGINT or SIGTERM; holds the process open until then. */
function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    // Signal handlers alone do not keep Node running (with --no-p2p --no-rpc nothing else would).
    const keepAlive = setInterval(() => undefined, 1 << 30);
    const done = () => {
      clearInterval(keepAlive);
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}
