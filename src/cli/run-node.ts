/**
 * Starts a node with its adapters (src/node/wire.ts) and runs until a signal,
 * the `stop` RPC or a storage failure. Loaded only when `tally node` runs, so
 * other commands start without loading LevelDB and the rest.
 */
import { isFatalStorageError, type ChainError } from '../chain/index.js';
import { tolerateClosedOutput } from '../node/closed-output.js';
import type { NodeConfig } from '../node/config.js';
import { ListenError } from '../node/listen-error.js';
import { createLogger } from '../node/logging.js';
import { planNode, startNode, type AdapterSwitches, type WiredNode } from '../node/wire.js';
import { CliError, EXIT_FAILURE, type CliIo } from './io.js';
import { SyncLine } from './sync-line.js';

export async function runNode(given: NodeConfig, on: AdapterSwitches, io: CliIo): Promise<void> {
  // On a terminal a live line replaces the periodic 'sync progress' log line (unless one is asked for).
  const terminal = process.stderr.isTTY === true;
  const config: NodeConfig = terminal ? { ...given, sync: { progressIntervalMs: 0, ...given.sync } } : given;
  // `tally node | tee log`: Ctrl-C ends tee too; the node must still stop cleanly (closed-output.ts).
  tolerateClosedOutput(process.stdout);
  tolerateClosedOutput(process.stderr);
  const plan = await planNode(config, on);
  const logger = createLogger(config.logLevel, config.logFormat);
  for (const w of plan.peerWarnings) logger.warn({ module: 'p2p', option: w.option, addr: w.addr }, w.message);
  // Listening from the start: a signal or a storage failure while starting stops the node
  // cleanly once it has started.
  const signal = waitForSignal();
  let fatal: ChainError | undefined;
  let failed: Promise<void> = new Promise<void>(() => undefined);
  let wired: WiredNode;
  try {
    wired = await startNode(config, plan, { logger }, {
      created: (node) => { failed = new Promise<void>((resolve) => node.once('fatal', (err) => { fatal = err; resolve(); })); },
    });
  } catch (err) {
    signal.cancel();
    throw asCliError(err);
  }
  const { node, p2p, rpc, metrics } = wired;
  io.out(`Tally ${config.network.name} node: data in ${config.datadir}${node.minerKeyPath ? `, miner key in ${node.minerKeyPath}` : ''}`);
  if (p2p) io.out(`P2P addresses: ${p2p.localAddresses().join(' ')}`);
  if (rpc) io.out(`RPC: http://${rpc.address.host}:${rpc.address.port}/ (cookie in ${config.datadir}/.cookie)`);
  if (rpc && wired.explorer && plan.explorer) {
    // A wildcard bind is no address to open: the link names loopback, which such a bind serves too.
    const host = ['0.0.0.0', '::', ''].includes(rpc.address.host) ? '127.0.0.1' : rpc.address.host.includes(':') ? `[${rpc.address.host}]` : rpc.address.host;
    const link = wired.explorer.signInLink(`http://${host}:${rpc.address.port}`);
    io.out(`Explorer: ${link} (a one-time sign-in link, valid for ${Math.round(plan.explorer.signInTtlMs / 3_600_000)} hours; or sign in as __cookie__ with the password in ${config.datadir}/.cookie, or with --rpc-user)`);
    if (wired.faucet) io.out(`Faucet: http://${host}:${rpc.address.port}/faucet (public: no sign-in needed)`);
  }
  if (metrics) io.out(`Metrics: http://${metrics.address.host}:${metrics.address.port}/metrics`);
  const syncLine = terminal && p2p ? new SyncLine({ stream: process.stderr, source: () => p2p.syncStatus()?.progress }) : undefined;
  syncLine?.start();
  await Promise.race([signal.done, wired.stopRequested, failed]);
  signal.cancel();
  syncLine?.stop();
  logger.info({ module: 'node' }, 'shutting down');
  await wired.stop();
  // The fatal log line said it already; stderr gets the one-line summary and the exit code.
  if (fatal) throw asCliError(fatal);
}

/** A storage failure or a busy port is a runtime failure (exit 1), not bad input (exit 2); its line keeps the code. */
function asCliError(err: unknown): unknown {
  return isFatalStorageError(err) || err instanceof ListenError ? new CliError(`${err.message} (${err.code})`, EXIT_FAILURE) : err;
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
