/**
 * Structured logging with pino: human-readable on a terminal, JSON lines
 * otherwise (or when asked). Services get a child logger named for their
 * subsystem; secrets are redacted by key name wherever they appear.
 */
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';
import type { LogLevel } from './config.js';

export type NodeLogger = PinoLogger;

/** Field names whose values never reach a log. */
const REDACT = ['password', 'rpcPassword', 'secret', 'secretKey', 'privateKey', 'cookie', '*.password', '*.secretKey', '*.cookie'];

export function createLogger(level: LogLevel, format: 'pretty' | 'json' | 'auto', destination: NodeJS.WritableStream = process.stdout): NodeLogger {
  const usePretty = format === 'pretty' || (format === 'auto' && (destination as { isTTY?: boolean }).isTTY === true);
  const options = { level, redact: { paths: REDACT, censor: '[redacted]' }, base: undefined };
  if (!usePretty) return pino(options, destination as DestinationStream);
  // sync: true keeps ordering with other output and loses nothing on a crash.
  return pino(options, pretty({ destination: destination as NodeJS.WritableStream & { fd?: number }, sync: true, colorize: true, ignore: 'pid,hostname,module', translateTime: 'SYS:HH:MM:ss.l', messageFormat: '[{module}] {msg}', hideObject: false }));
}
