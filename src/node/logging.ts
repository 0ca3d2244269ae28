/**
 * Structured logging with pino: human-readable on a terminal, JSON lines
 * otherwise (or when asked). Services get a child logger named for their
 * subsystem (`logger.child({ module: 'chain' })`); secrets are redacted by key
 * name wherever they appear.
 *
 * Levels can be set per module: `chain=debug,p2p=warn,info` logs the `chain`
 * module at debug, `p2p` at warn and everything else at info. A module's level
 * applies to its child loggers (set when the child is made) and to lines a
 * logger writes with a `module` field (`log.info({ module: 'chain' }, ...)`).
 */
import { pino, type DestinationStream, type Logger as PinoLogger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';
import { tolerateClosedOutput } from './closed-output.js';
// Types only: config.ts may import this module at run time without a cycle.
import type { LogLevel } from './config.js';

/**
 * The implementation: pino's logger, which fits util/logger.ts `Logger` (startNode takes it as one). Only the
 * code that makes and configures the root logger uses pino's type; services
 * depend on `Logger` (or the narrower `LogWriter`).
 */
export type NodeLogger = PinoLogger;

/** Pino's levels from most to least verbose; the same names as config.ts LOG_LEVELS. */
const LEVEL_ORDER: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
/** Numeric values of the levels, as pino numbers them (silent: nothing passes). */
const LEVEL_VALUE: Readonly<Record<LogLevel, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

/** A default level and per-module overrides, as parsed from `--log-level`. */
export interface LogLevels {
  default: LogLevel;
  modules: Record<string, LogLevel>;
}

/** Field names whose values never reach a log (top level and one object down). */
const REDACT = [
  'password', 'rpcPassword', 'secret', 'secretKey', 'privateKey', 'cookie', 'authorization',
  '*.password', '*.rpcPassword', '*.secret', '*.secretKey', '*.privateKey', '*.cookie', '*.authorization',
];

const MODULE_NAME = /^[a-z][a-z0-9_-]*$/i;

/** The modules that log (the `module` field); a level for any other name would silently do nothing. */
export const LOG_MODULES = ['node', 'chain', 'mempool', 'miner', 'p2p', 'sync', 'rpc', 'ws', 'metrics', 'explorer'] as const;

/** Edit distance, for "did you mean" on a misspelled module. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

function checkModule(name: string, item: string): void {
  if ((LOG_MODULES as readonly string[]).includes(name)) return;
  const scored = LOG_MODULES.map((m) => ({ m, d: distance(m, name) })).sort((a, b) => a.d - b.d)[0]!;
  const near = scored.d <= Math.min(2, Math.floor(name.length / 2)) ? scored.m : undefined;
  throw new RangeError(`"${item}": unknown module ${name}${near ? ` (did you mean ${near}?)` : ''}; modules: ${LOG_MODULES.join(', ')}`);
}

function toLevel(text: string, item: string): LogLevel {
  const level = text.trim().toLowerCase() as LogLevel;
  if (!LEVEL_ORDER.includes(level)) throw new RangeError(`"${item}": expected a level (${LEVEL_ORDER.join(', ')})`);
  return level;
}

/**
 * Parses a level spec: comma-separated items, each a level (the default) or
 * `module=level`, e.g. `chain=debug,p2p=warn,info`. Without a default item the
 * default is `info`. Whitespace around items is ignored; level names are
 * case-insensitive.
 * @throws RangeError for an empty spec or item, an unknown level, a module
 *   not in LOG_MODULES, or a default or module given twice
 */
export function parseLogLevels(spec: string): LogLevels {
  if (spec.trim() === '') throw new RangeError('empty log level');
  let defaultLevel: LogLevel | undefined;
  const modules: Record<string, LogLevel> = Object.create(null) as Record<string, LogLevel>;
  for (const raw of spec.split(',')) {
    const item = raw.trim();
    if (item === '') throw new RangeError(`"${spec}": empty item`);
    const eq = item.indexOf('=');
    if (eq < 0) {
      if (defaultLevel !== undefined) throw new RangeError(`"${spec}": more than one default level`);
      defaultLevel = toLevel(item, item);
      continue;
    }
    const name = item.slice(0, eq).trim();
    if (!MODULE_NAME.test(name)) throw new RangeError(`"${item}": expected module=level with a module name like chain or p2p`);
    checkModule(name, item);
    if (name in modules) throw new RangeError(`"${spec}": module ${name} given twice`);
    modules[name] = toLevel(item.slice(eq + 1), item);
  }
  return { default: defaultLevel ?? 'info', modules: { ...modules } };
}

/** The level of `module` (the default for no module or one not named). */
export function levelFor(levels: LogLevels, module?: string): LogLevel {
  return (module !== undefined && Object.hasOwn(levels.modules, module) ? levels.modules[module] : undefined) ?? levels.default;
}

/** The most verbose level any module uses: the root logger's level, so that no child is cut off. */
export function mostVerbose(levels: LogLevels): LogLevel {
  let best = levels.default;
  for (const level of Object.values(levels.modules)) if (LEVEL_VALUE[level] < LEVEL_VALUE[best]) best = level;
  return best;
}

/** A child logger for a subsystem; under createLogger it gets the module's level. */
export function moduleLogger(parent: NodeLogger, module: string): NodeLogger {
  return parent.child({ module });
}

function moduleOfBindings(logger: NodeLogger): string | undefined {
  const module = (logger.bindings() as { module?: unknown }).module;
  return typeof module === 'string' ? module : undefined;
}

/**
 * The node's root logger. `level` is a single level or a spec such as
 * `chain=debug,p2p=warn,info` (see parseLogLevels).
 * @throws RangeError for a bad level spec
 */
export function createLogger(level: LogLevel | string | LogLevels, format: 'pretty' | 'json' | 'auto', destination: NodeJS.WritableStream = process.stdout): NodeLogger {
  const levels = typeof level === 'string' ? parseLogLevels(level) : level;
  // A reader that went away (`| tee` ended by Ctrl-C) must not take the node with it.
  tolerateClosedOutput(destination);
  const perModule = Object.keys(levels.modules).length > 0;
  const usePretty = format === 'pretty' || (format === 'auto' && (destination as { isTTY?: boolean }).isTTY === true);
  let root: NodeLogger | undefined;
  const options: LoggerOptions = { level: mostVerbose(levels), redact: { paths: REDACT, censor: '[redacted]' }, base: undefined };
  if (perModule) {
    options.onChild = (child) => {
      // A child made with an explicit { level } keeps it; otherwise it takes its module's level.
      const parent = Object.getPrototypeOf(child) as NodeLogger;
      if (child.levelVal !== parent.levelVal) return;
      child.level = levelFor(levels, moduleOfBindings(child));
    };
    options.hooks = {
      logMethod(args, method, value) {
        const first = args[0] as unknown;
        const module = typeof first === 'object' && first !== null ? (first as { module?: unknown }).module : undefined;
        // Children are already at their module's level; the root runs at the most verbose level of all.
        if (typeof module === 'string') {
          if (value < LEVEL_VALUE[levelFor(levels, module)]) return;
        } else if (this === root && value < LEVEL_VALUE[levels.default]) {
          return;
        }
        method.apply(this, args);
      },
    };
  }
  if (!usePretty) {
    root = pino(options, destination as DestinationStream);
    return root;
  }
  // sync: true keeps ordering with other output and loses nothing on a crash.
  root = pino(options, pretty({
    destination: destination as NodeJS.WritableStream & { fd?: number }, sync: true, colorize: true, ignore: 'pid,hostname,module',
    translateTime: 'SYS:HH:MM:ss.l', messageFormat: '{if module}[{module}] {end}{msg}', hideObject: false,
  }));
  return root;
}
