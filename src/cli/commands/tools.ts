/** Offline tools: keys, addresses, decoding. They need no running node. */
import type { Command } from 'commander';
import { fromHex, toHex } from '../../primitives/bytes.js';
import { decodeAddress, encodeAddress } from '../../primitives/address.js';
import { Block } from '../../primitives/block.js';
import { outputKeyFromSecret } from '../../primitives/sign.js';
import { randomSecretKey } from '../../primitives/signature.js';
import { Transaction } from '../../primitives/tx.js';
import { getGenesisBlock, type NetworkParams, regtest } from '../../consensus/params.js';
import type { CliIo } from '../io.js';
import { parseNetwork } from '../io.js';
import { blockToJson, txToJson } from '../../rpc/format.js';

const networkOption = ['-n, --network <name>', 'regtest or testnet', parseNetwork, regtest] as const;

export function registerToolCommands(program: Command, io: CliIo): void {
  const print = (value: unknown) => io.out(JSON.stringify(value, null, 2));

  program.command('info')
    .description('show a network\'s parameters and genesis block')
    .option(...networkOption)
    .action((opts: { network: NetworkParams }) => {
      const p = opts.network;
      print({
        network: p.name, addressPrefix: p.addressPrefix, p2pPort: p.defaultP2PPort, rpcPort: p.defaultRpcPort,
        targetSpacing: p.targetSpacing, powLimitBits: `0x${p.powLimitBits.toString(16)}`, difficulty: p.difficulty.kind,
        subsidy: p.initialSubsidy.toString(), halvingInterval: p.halvingInterval, coinbaseMaturity: p.coinbaseMaturity,
        genesis: getGenesisBlock(p).hash,
      });
    });

  program.command('keygen')
    .description('create a new secret key and its taproot (BIP86) address')
    .option(...networkOption)
    .action((opts: { network: NetworkParams }) => {
      const secret = randomSecretKey();
      print({ secretKey: toHex(secret), address: encodeAddress(opts.network.addressPrefix, outputKeyFromSecret(secret)) });
    });

  program.command('validateaddress')
    .description('check an address for a network')
    .argument('<address>')
    .option(...networkOption)
    .action((address: string, opts: { network: NetworkParams }) => {
      const key = decodeAddress(opts.network.addressPrefix, address);
      print({ isvalid: true, address, outputKey: toHex(key), scriptPubKey: `5120${toHex(key)}` });
    });

  program.command('decoderawtransaction')
    .description('decode a transaction given in hex')
    .argument('<hex>')
    .action((hex: string) => print(txToJson(Transaction.fromHex(hex.trim()))));

  program.command('decodeblock')
    .description('decode a block given in hex')
    .argument('<hex>')
    .option(...networkOption)
    .action((hex: string, opts: { network: NetworkParams }) => print(blockToJson(Block.fromBytes(fromHex(hex.trim())), opts.network)));
}
