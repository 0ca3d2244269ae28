/** The error of a bad option or config file, shared by every options module. */
import { TallyError } from '../../primitives/errors.js';

/** Stable codes of {@link ConfigError}; the class's doc comment says what each means. */
export const CONFIG_ERROR_CODES = ['bad-config', 'bad-option'] as const;
export type ConfigErrorCode = typeof CONFIG_ERROR_CODES[number];

/**
 * A bad option or config file. Codes: `bad-config`, `bad-option`. A
 * `bad-option` error names its option (and the value, for a list), so that
 * locateOptionError can say which tally.conf line to fix.
 */
export class ConfigError extends TallyError<ConfigErrorCode> {
  constructor(code: ConfigErrorCode, message: string, readonly option?: string, readonly value?: string) {
    super(code, message);
  }
}

/** A `bad-option` error about `name` (and, for a repeatable option, the bad `value`), worded `<name>: <detail>`. */
export function badOption(name: string, detail: string, value?: string): ConfigError {
  return new ConfigError('bad-option', `${name}: ${detail}`, name, value);
}
