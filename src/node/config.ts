/**
 * Node configuration: command-line options merged over a config file in the
 * datadir (`tally.conf`), over defaults. The file uses the long option names,
 * one `name=value` per line like bitcoin.conf; `#` starts a comment; a
 * repeatable option (bootstrap, connect) may appear on several lines.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { getNetwork, type NetworkParams } from '../consensus/params.js';
import type { VerifyPoolOptions } from '../chain/verify-options.js';
import type { SyncSettings } from './options/sync.js';
import { ConfigError, badOption } from './options/errors.js';
import { NODE_OPTION_DECLS } from './options/index.js';
import { verifyPoolOptionsFrom } from './options/chain.js';
import { syncOptionsFrom } from './options/sync.js';
import { loggingOptionsFrom } from './options/logging.js';
import { mempoolOptionsFrom } from './options/mempool.js';
import { nodeOptionsFrom } from './options/node.js';

export { ConfigError, badOption };

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Everything `tally node` can be told, after parsing. */
export interface NodeConfig {
  network: NetworkParams;
  datadir: string;
  mine: boolean;
  /** Address paid by mined blocks; when absent the node uses (and creates) a key in the datadir. */
  minerAddress?: string;
  minerThreads?: number;
  /** Seconds between paced blocks (regtest `--mine`). */
  blockInterval: number;
  reindex: boolean;
  /** A level, or a default plus per-module levels: `chain=debug,p2p=warn,info`. */
  logLevel: string;
  logFormat: 'pretty' | 'json' | 'auto';
  /** Minimum relay fee rate in sat/vB (`min-relay-fee`). */
  minRelayFeeRate?: number;
  /** Mempool size cap in megabytes (`max-mempool`). */
  maxMempoolMB?: number;
  /** Options of the signature-verification pool (`verify-*`); the pool fills in the rest. */
  verifyPool?: VerifyPoolOptions;
  /** Options of headers-first sync (`sync-*`); the sync manager fills in the rest. */
  sync?: SyncSettings;
  /** Every option's values by long name: read only by the options modules of src/node/options, never by a service. */
  extra: Record<string, string[]>;
  /** For options whose values come from tally.conf: `<file>:<line>` of each value, in the order of `extra`. */
  origins?: Record<string, string[]>;
}

/** Options a config file must not set, and why (the docs promise these are refused on purpose). */
const COMMAND_LINE_ONLY: Record<string, string> = Object.fromEntries(
  NODE_OPTION_DECLS.flatMap((d) => (d.commandLineOnly === undefined ? [] : [[d.name, d.commandLineOnly]])),
);

/** Option names the config file may set. */
const KNOWN = new Set(NODE_OPTION_DECLS.filter((d) => d.commandLineOnly === undefined).map((d) => d.name));

/** The default datadir of a network: `~/.tally/<network>`. */
export function defaultDatadir(network: string): string {
  return join(homedir(), '.tally', network);
}

/** Option lists read from a config file, with the `<file>:<line>` of each value. */
export interface ConfigFile {
  values: Record<string, string[]>;
  origins: Record<string, string[]>;
}

/** Parses `tally.conf` text into option lists. */
export function parseConfigFile(text: string, source = 'tally.conf'): Record<string, string[]> {
  return parseConfigLines(text, source).values;
}

/** Parses `tally.conf` text into option lists and where each value came from. */
export function parseConfigLines(text: string, source = 'tally.conf'): ConfigFile {
  const file: ConfigFile = { values: {}, origins: {} };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const where = `${source}:${i + 1}`;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new ConfigError('bad-config', `${where}: expected name=value, got "${line}"`);
    const name = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (Object.hasOwn(COMMAND_LINE_ONLY, name)) throw new ConfigError('bad-config', `${where}: ${COMMAND_LINE_ONLY[name]}`);
    if (!KNOWN.has(name)) throw new ConfigError('bad-config', `${where}: unknown option "${name}"`);
    (file.values[name] ??= []).push(value);
    (file.origins[name] ??= []).push(where);
  });
  return file;
}

/**
 * Puts the `<file>:<line>` of the bad value in front of a `bad-option` error
 * when the value came from tally.conf; other errors pass unchanged.
 */
export function locateOptionError(config: Pick<NodeConfig, 'extra' | 'origins'>, err: unknown): unknown {
  if (!(err instanceof ConfigError) || err.option === undefined) return err;
  const origins = config.origins?.[err.option];
  if (!origins) return err;
  const values = config.extra[err.option] ?? [];
  const index = err.value === undefined ? values.length - 1 : values.lastIndexOf(err.value);
  const where = origins[index];
  return where === undefined ? err : new ConfigError(err.code, `${where}: ${err.message}`, err.option, err.value);
}

/** Reads the datadir's config file if there is one. */
export function readConfigFile(datadir: string): ConfigFile {
  const path = join(datadir, 'tally.conf');
  if (!existsSync(path)) return { values: {}, origins: {} };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('bad-config', `cannot read ${path}: ${(err as Error).message}`);
  }
  return parseConfigLines(text, path);
}

/**
 * Merges command-line values (already split into option lists by the CLI) over
 * the config file. The network and datadir come from the command line only,
 * since they decide which config file to read. A bad value read from the file
 * is reported with its file and line.
 */
export function resolveConfig(cli: { network?: string; datadir?: string; options: Record<string, string[]> }): NodeConfig {
  let network: NetworkParams;
  try {
    network = getNetwork(cli.network ?? 'regtest');
  } catch (err) {
    throw new ConfigError('bad-option', (err as Error).message);
  }
  const datadir = cli.datadir ?? defaultDatadir(network.name);
  const file = readConfigFile(datadir);
  if (file.values.network && file.values.network[0] !== network.name) {
    throw new ConfigError('bad-config', `tally.conf in ${datadir} is for ${file.values.network[0]}, not ${network.name}`);
  }
  const extra: Record<string, string[]> = { ...file.values, ...cli.options };
  // The command line's list replaces the file's, and with it the file's lines.
  const origins = Object.fromEntries(Object.entries(file.origins).filter(([name]) => !Object.hasOwn(cli.options, name)));
  try {
    return readOptions(network, datadir, extra, origins);
  } catch (err) {
    throw locateOptionError({ extra, origins }, err);
  }
}

/** The node's options from the merged lists, each service's read by its options module. */
function readOptions(network: NetworkParams, datadir: string, merged: Record<string, string[]>, origins: Record<string, string[]>): NodeConfig {
  const logging = loggingOptionsFrom(merged);
  return {
    network,
    datadir,
    ...nodeOptionsFrom(merged, network),
    ...logging,
    ...mempoolOptionsFrom(merged),
    verifyPool: verifyPoolOptionsFrom(merged),
    sync: syncOptionsFrom(merged),
    extra: merged,
    origins,
  };
}
