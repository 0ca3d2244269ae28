/** `tally node`: runs a full node until interrupted. */
import { mkdirSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { resolveConfig } from '../../node/config.js';
import type { CliIo } from '../program.js';

/** CLI option names (camelCase, as commander gives them) and their config-file names. */
const PASS_THROUGH: Record<string, string> = {
  mine: 'mine', minerAddress: 'miner-address', minerThreads: 'miner-threads', blockInterval: 'block-interval',
  reindex: 'reindex', logLevel: 'log-level', logFormat: 'log-format', bootstrap: 'bootstrap', connect: 'connect',
  listen: 'listen', announce: 'announce', mdns: 'mdns', maxPeers: 'max-peers', rpcBind: 'rpc-bind', rpcPort: 'rpc-port',
  rpcUser: 'rpc-user', rpcPassword: 'rpc-password', rpcAllowIp: 'rpc-allow-ip', rpcRateLimit: 'rpc-rate-limit',
  rpcRateBurst: 'rpc-rate-burst', rpcRateLimitLoopback: 'rpc-rate-limit-loopback', metrics: 'metrics', metricsPort: 'metrics-port',
  explorer: 'explorer', minRelayFee: 'min-relay-fee', maxMempool: 'max-mempool',
};

/** Collects repeatable options into arrays. */
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerNodeCommand(program: Command, io: CliIo): void {
  program.command('node')
    .description('run a Tally node')
    .addOption(new Option('-n, --network <name>', 'network').choices(['regtest', 'testnet']).default('regtest'))
    .option('-d, --datadir <path>', 'data folder (default ~/.tally/<network>)')
    .option('--mine', 'mine blocks (regtest: one every --block-interval seconds)')
    .option('--miner-address <address>', 'address paid by mined blocks (default: a key kept in the datadir)')
    .option('--miner-threads <n>', 'mining worker threads (default: one per core)')
    .option('--block-interval <seconds>', 'seconds between paced regtest blocks')
    .option('--reindex', 'rebuild the chain state from the stored blocks')
    .option('--listen <multiaddr>', 'address to listen on for peers (repeatable)', collect)
    .option('--announce <multiaddr>', 'address to tell peers instead (repeatable)', collect)
    .option('--bootstrap <multiaddr>', 'peer to connect to at start (repeatable)', collect)
    .option('--connect <multiaddr>', 'connect only to this peer (repeatable)', collect)
    .option('--mdns', 'discover peers on the local network')
    .option('--max-peers <n>', 'most peers to keep connected')
    .option('--no-p2p', 'run without networking')
    .option('--rpc-bind <address>', 'address the JSON-RPC server binds (default 127.0.0.1)')
    .option('--rpc-port <port>', 'JSON-RPC port (default per network; 0 picks a free one)')
    .option('--rpc-user <user>', 'JSON-RPC user besides the cookie')
    .option('--rpc-password <password>', 'JSON-RPC password for --rpc-user')
    .option('--rpc-allow-ip <ip/cidr>', 'allow RPC clients from these addresses besides loopback (repeatable)', collect)
    .option('--rpc-rate-limit <n>', 'requests per second each RPC client address may make; 0 for no limit (default 100)')
    .option('--rpc-rate-burst <n>', 'requests an RPC client may make at once before the rate limit applies (default 200)')
    .option('--rpc-rate-limit-loopback', 'rate-limit loopback RPC clients too (behind a local reverse proxy)')
    .option('--no-rpc', 'run without the JSON-RPC server')
    .option('--metrics', 'serve Prometheus metrics at http://127.0.0.1:<port>/metrics')
    .option('--metrics-port <port>', 'metrics port (default per network; 0 picks a free one)')
    .option('--min-relay-fee <sat/vB>', 'minimum fee rate to relay and accept transactions (default 1)')
    .option('--max-mempool <MB>', 'mempool size cap in megabytes (default 300)')
    .option('--explorer', 'serve the block explorer web page on the RPC port (at / and /explorer/, same credentials)')
    .option('--log-level <spec>', 'log level, or per module: chain=debug,p2p=warn,info')
    .addOption(new Option('--log-format <format>', 'log format').choices(['pretty', 'json', 'auto']))
    .action(async (opts: Record<string, unknown>) => {
      const options: Record<string, string[]> = {};
      for (const [key, name] of Object.entries(PASS_THROUGH)) {
        const value = opts[key];
        if (value === undefined) continue;
        options[name] = Array.isArray(value) ? value.map(String) : [value === true ? 'true' : String(value)];
      }
      const config = resolveConfig({ network: opts.network as string, datadir: opts.datadir as string | undefined, options });
      mkdirSync(config.datadir, { recursive: true });
      const { runNode } = await import('../run-node.js');
      await runNode(config, { p2p: opts.p2p !== false, rpc: opts.rpc !== false }, io);
    });
}

