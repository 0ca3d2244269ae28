/** Logging options: level (per module) and format. */
import { parseLogLevels } from '../logging.js';
import { lastValue, type OptionDecl, type OptionValues } from './declare.js';
import { badOption } from './errors.js';

export const LOGGING_OPTIONS: readonly OptionDecl[] = [
  { name: 'log-level', flag: '--log-level <spec>', description: 'log level, or per module: chain=debug,p2p=warn,info', kind: 'string' },
  { name: 'log-format', flag: '--log-format <format>', description: 'log format', kind: 'string', choices: ['pretty', 'json', 'auto'] },
];

export type LogFormat = 'pretty' | 'json' | 'auto';

/**
 * The log level spec (default `info`) and format (default `auto`).
 * @throws ConfigError bad-option for an unknown level or module, or an unknown format
 */
export function loggingOptionsFrom(values: OptionValues): { logLevel: string; logFormat: LogFormat } {
  const logLevel = lastValue(values, 'log-level') ?? 'info';
  try {
    parseLogLevels(logLevel);
  } catch (err) {
    throw badOption('log-level', (err as Error).message);
  }
  const logFormat = (lastValue(values, 'log-format') ?? 'auto') as LogFormat;
  if (!['pretty', 'json', 'auto'].includes(logFormat)) throw badOption('log-format', 'expected pretty, json or auto');
  return { logLevel, logFormat };
}
