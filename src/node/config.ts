/**
 * Node configuration: command-line options merged over a config file in the
 * datadir (`tally.conf`), over defaults. The file uses the long option names,
 * one `name=value` per line like bitcoin.conf; `#` starts a comment; a
 * repeatable option (bootstrap, connect) may appear on several lines.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TallyError } from '../primitives/errors.js';
import { getNetwork, type NetworkParams } from '../consensus/params.js';
import { decodeAddress } from '../primitives/address.js';
import { parseLogLevels } from './logging.js';

/**
 * A bad option or config file. Codes: `bad-config`, `bad-option`. A
 * `bad-option` error names its option (and the value, for a list), so that
 * locateOptionError can say which tally.conf line to fix.
 */
export class ConfigError extends TallyError {
  constructor(code: string, message: string, readonly option?: string, readonly value?: string) {
    super(code, message);
  }
}

/** A `bad-option` error about `name` (and, for a repeatable option, the bad `value`), worded `<name>: <detail>`. */
export function badOption(name: string, detail: string, value?: string): ConfigError {
  return new ConfigError('bad-option', `${name}: ${detail}`, name, value);
}

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
  /** Any further options, for adapters that read them (p2p, rpc). */
  extra: Record<string, string[]>;
  /** For options whose values come from tally.conf: `<file>:<line>` of each value, in the order of `extra`. */
  origins?: Record<string, string[]>;
}

/** Options a config file must not set, and why (the docs promise these are refused on purpose). */
const COMMAND_LINE_ONLY: Record<string, string> = {
  reindex: 'reindex is refused in tally.conf on purpose, so that a rebuild never sticks: run the node once with --reindex',
  datadir: 'datadir is read from the command line only (-d), since it decides which tally.conf is read',
  p2p: 'p2p is a command-line switch only: use --no-p2p',
  rpc: 'rpc is a command-line switch only: use --no-rpc',
};

/** Option names the config file may set, with how to read their values. */
const KNOWN: Record<string, 'string' | 'bool' | 'number' | 'list'> = {
  network: 'string', mine: 'bool', 'miner-address': 'string', 'miner-threads': 'number', 'block-interval': 'number',
  'log-level': 'string', 'log-format': 'string', bootstrap: 'list', connect: 'list', listen: 'list', announce: 'list',
  mdns: 'bool', 'max-peers': 'number', 'rpc-bind': 'string', 'rpc-port': 'number', 'rpc-user': 'string',
  'rpc-password': 'string', 'rpc-allow-ip': 'list', metrics: 'bool', 'metrics-port': 'number', explorer: 'bool',
  'min-relay-fee': 'number', 'max-mempool': 'number',
  'rpc-rate-limit': 'number', 'rpc-rate-burst': 'number', 'rpc-rate-limit-loopback': 'bool',
};

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
    if (!Object.hasOwn(KNOWN, name)) throw new ConfigError('bad-config', `${where}: unknown option "${name}"`);
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

function parseBool(name: string, value: string): boolean {
  if (['1', 'true', 'yes', 'on', ''].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw badOption(name, `expected true or false, got "${value}"`);
}

function parseNumber(name: string, value: string, min: number): number {
  const n = Number(value);
  if (value === '' || !Number.isFinite(n) || n < min) throw badOption(name, `expected a number >= ${min}, got "${value}"`);
  return n;
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

/** The node's own options from the merged lists. */
function readOptions(network: NetworkParams, datadir: string, merged: Record<string, string[]>, origins: Record<string, string[]>): NodeConfig {
  const last = (name: string) => merged[name]?.[merged[name]!.length - 1];
  const logLevel = last('log-level') ?? 'info';
  try {
    parseLogLevels(logLevel);
  } catch (err) {
    throw badOption('log-level', (err as Error).message);
  }
  const logFormat = (last('log-format') ?? 'auto') as NodeConfig['logFormat'];
  if (!['pretty', 'json', 'auto'].includes(logFormat)) throw badOption('log-format', 'expected pretty, json or auto');
  const threads = last('miner-threads');
  const config: NodeConfig = {
    network,
    datadir,
    mine: merged.mine ? parseBool('mine', last('mine')!) : false,
    blockInterval: merged['block-interval'] ? parseNumber('block-interval', last('block-interval')!, 0) : 10,
    reindex: merged.reindex ? parseBool('reindex', last('reindex')!) : false,
    logLevel,
    logFormat,
    extra: merged,
    origins,
  };
  if (last('min-relay-fee') !== undefined) config.minRelayFeeRate = parseNumber('min-relay-fee', last('min-relay-fee')!, 0);
  if (last('max-mempool') !== undefined) config.maxMempoolMB = parseNumber('max-mempool', last('max-mempool')!, 5);
  const minerAddress = last('miner-address');
  if (minerAddress !== undefined) {
    try {
      decodeAddress(network.addressPrefix, minerAddress);
    } catch (err) {
      throw badOption('miner-address', `${(err as Error).message} (a ${network.name} address starts with ${network.addressPrefix}1p)`);
    }
    config.minerAddress = minerAddress;
  }
  if (threads !== undefined) config.minerThreads = parseNumber('miner-threads', threads, 0);
  return config;
}
