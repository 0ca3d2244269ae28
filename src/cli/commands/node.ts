/** `tally node`: runs a full node until interrupted. Its flags come from the services' option declarations. */
import { mkdirSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { resolveConfig } from '../../node/config.js';
import { NODE_OPTION_DECLS, type OptionDecl } from '../../node/options/index.js';
import type { CliIo } from '../io.js';

/** Collects repeatable options into arrays. */
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The commander option of a declaration. */
export function commanderOption(decl: OptionDecl): Option {
  const option = new Option(decl.flag, decl.description);
  if (decl.choices) option.choices(decl.choices);
  if (decl.kind === 'list') option.argParser(collect);
  if (decl.cliDefault !== undefined) option.default(decl.cliDefault);
  return option;
}

/** The options commander parsed, as option lists by long name (what resolveConfig takes); network and datadir apart. */
export function optionLists(opts: Record<string, unknown>, decls: readonly OptionDecl[] = NODE_OPTION_DECLS): Record<string, string[]> {
  const lists: Record<string, string[]> = {};
  for (const decl of decls) {
    // network and datadir pick the config file; --no-p2p and --no-rpc are switches runNode reads.
    if (['network', 'datadir', 'p2p', 'rpc'].includes(decl.name)) continue;
    const value = opts[commanderOption(decl).attributeName()];
    if (value === undefined) continue;
    // commander turns a `--no-x` flag that was not given into x=true: not given, so tally.conf may still set x.
    if (decl.flag.startsWith('--no-') && value === true) continue;
    lists[decl.name] = Array.isArray(value) ? value.map(String) : [value === true ? 'true' : String(value)];
  }
  return lists;
}

export function registerNodeCommand(program: Command, io: CliIo): void {
  const command = program.command('node').description('run a Tally node');
  for (const decl of NODE_OPTION_DECLS) command.addOption(commanderOption(decl));
  command.action(async (opts: Record<string, unknown>) => {
    const config = resolveConfig({ network: opts.network as string, datadir: opts.datadir as string | undefined, options: optionLists(opts) });
    mkdirSync(config.datadir, { recursive: true });
    const { runNode } = await import('../run-node.js');
    await runNode(config, { p2p: opts.p2p !== false, rpc: opts.rpc !== false }, io);
  });
}
