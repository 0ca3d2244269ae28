/**
 * The one logging interface of Tally. Services never construct a logger: the
 * node makes one (pino, in node/logging.ts) and injects a child per subsystem;
 * tests inject nothing and get silence. Types only here, so every layer may
 * import it.
 */

/** Fields a child logger adds to every line it writes (`{ module: 'chain' }`). */
export type LogBindings = Record<string, unknown>;

/** One log method: structured fields first, then the message (pino's argument order). */
export type LogFn = (obj: unknown, msg?: string) => void;

/** A logger: pino's logger fits it. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  /** A failure that stops the node; written before it exits. */
  fatal: LogFn;
  /** A logger that adds `bindings` to every line (the node names each subsystem's `module` this way). */
  child(bindings: LogBindings): Logger;
}

/**
 * The part of a {@link Logger} that a service which only writes lines needs:
 * it never makes children or stops the node, and a test can pass a plain object.
 */
export type LogWriter = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

const noop = (): void => undefined;

/** A logger that drops everything. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop, fatal: noop, child: () => silentLogger };
