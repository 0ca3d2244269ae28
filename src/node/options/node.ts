/** Options of the node itself: network, datadir, mining and reindex. */
import type { NetworkParams } from '../../consensus/params.js';
import { decodeAddress } from '../../primitives/address.js';
import { lastValue, parseBool, parseNumber, type OptionDecl, type OptionValues } from './declare.js';
import { badOption } from './errors.js';

export const NODE_OPTIONS: readonly OptionDecl[] = [
  { name: 'network', flag: '-n, --network <name>', description: 'network', kind: 'string', choices: ['regtest', 'testnet'], cliDefault: 'regtest' },
  {
    name: 'datadir', flag: '-d, --datadir <path>', description: 'data folder (default ~/.tally/<network>)', kind: 'string',
    commandLineOnly: 'datadir is read from the command line only (-d), since it decides which tally.conf is read',
  },
  { name: 'mine', flag: '--mine', description: 'mine blocks (regtest: one every --block-interval seconds)', kind: 'bool' },
  { name: 'miner-address', flag: '--miner-address <address>', description: 'address paid by mined blocks (default: a key kept in the datadir)', kind: 'string' },
  { name: 'miner-threads', flag: '--miner-threads <n>', description: 'mining worker threads (default: one per core)', kind: 'number' },
  { name: 'block-interval', flag: '--block-interval <seconds>', description: 'seconds between paced regtest blocks', kind: 'number' },
  {
    name: 'reindex', flag: '--reindex', description: 'rebuild the chain state from the stored blocks', kind: 'bool',
    commandLineOnly: 'reindex is refused in tally.conf on purpose, so that a rebuild never sticks: run the node once with --reindex',
  },
];

/** The node's own settings: mining, pacing and reindex. */
export interface NodeSettings {
  mine: boolean;
  minerAddress?: string;
  minerThreads?: number;
  blockInterval: number;
  reindex: boolean;
}

/**
 * The node's own settings over their defaults (no mining, 10 s pacing, no reindex).
 * @throws ConfigError bad-option for a bad switch or number, or an address of another network
 */
export function nodeOptionsFrom(values: OptionValues, network: NetworkParams): NodeSettings {
  const last = (name: string) => lastValue(values, name);
  const settings: NodeSettings = {
    mine: values.mine ? parseBool('mine', last('mine')!) : false,
    blockInterval: values['block-interval'] ? parseNumber('block-interval', last('block-interval')!, 0) : 10,
    reindex: values.reindex ? parseBool('reindex', last('reindex')!) : false,
  };
  const minerAddress = last('miner-address');
  if (minerAddress !== undefined) {
    try {
      decodeAddress(network.addressPrefix, minerAddress);
    } catch (err) {
      throw badOption('miner-address', `${(err as Error).message} (a ${network.name} address starts with ${network.addressPrefix}1p)`);
    }
    settings.minerAddress = minerAddress;
  }
  const threads = last('miner-threads');
  if (threads !== undefined) settings.minerThreads = parseNumber('miner-threads', threads, 0);
  return settings;
}
