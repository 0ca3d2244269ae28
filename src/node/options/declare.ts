/**
 * The declaration of one node option: its flag, help, how its text is read,
 * and whether tally.conf may set it. Each service lists its options once (in
 * this folder, as Lodestar's cli/src/options/beaconNodeOptions/<service>.ts);
 * the commander definition, the config-file reader and the service's typed
 * options are all derived from that list.
 */
import { badOption } from './errors.js';

/** How an option's text is read: a string, a switch, a number, or a repeatable list. */
export type OptionKind = 'string' | 'bool' | 'number' | 'list';

/** Option values by long name, as the command line and tally.conf give them (last one wins, except for lists). */
export type OptionValues = Readonly<Record<string, readonly string[]>>;

export interface OptionDecl {
  /** Long name: the `--flag` without dashes and the tally.conf key. */
  readonly name: string;
  /** commander syntax, e.g. `--rpc-port <port>` or `-d, --datadir <path>` or `--no-p2p`. */
  readonly flag: string;
  readonly description: string;
  readonly kind: OptionKind;
  /** Values commander accepts, listed in --help. */
  readonly choices?: readonly string[];
  /** commander's default (shown in --help); services otherwise take their own defaults. */
  readonly cliDefault?: string;
  /** Why tally.conf must not set it; absent when it may. */
  readonly commandLineOnly?: string;
}

const TRUE = ['1', 'true', 'yes', 'on', ''];
const FALSE = ['0', 'false', 'no', 'off'];

/** The last value given for `name`, if any. */
export function lastValue(values: OptionValues, name: string): string | undefined {
  const list = values[name];
  return list?.[list.length - 1];
}

/** A switch's value. @throws ConfigError bad-option for anything but the usual spellings of true and false */
export function parseBool(name: string, value: string): boolean {
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  throw badOption(name, `expected true or false, got "${value}"`);
}

/** A switch that is on unless given a false value (`metrics`, `explorer`, `mdns`): any other value means on. */
export function switchedOn(value: string | undefined): boolean {
  return value !== undefined && !FALSE.includes(value);
}

/** A number at least `min`. @throws ConfigError bad-option otherwise */
export function parseNumber(name: string, value: string, min: number): number {
  const n = Number(value);
  if (value === '' || !Number.isFinite(n) || n < min) throw badOption(name, `expected a number >= ${min}, got "${value}"`);
  return n;
}

/** A whole number at least `min`. @throws ConfigError bad-option otherwise */
export function parseInteger(name: string, value: string, min: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < min) throw badOption(name, `expected a whole number >= ${min}, got "${value}"`);
  return n;
}

/** A TCP port, 0 to 65535 (0: the OS picks). @throws ConfigError bad-option otherwise */
export function parsePort(name: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) throw badOption(name, `expected a port number, got "${value}"`);
  return n;
}
