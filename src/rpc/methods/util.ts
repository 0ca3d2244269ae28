/** Utility and control methods: help, uptime, stop, getrpcinfo, validateaddress, estimatesmartfee. */
import { decodeSegwitAddress } from '../../primitives/address.js';
import { toHex } from '../../primitives/bytes.js';
import { segwitScriptPubKey } from '../../primitives/address.js';
import { RPC, RpcError } from '../errors.js';
import { formatHelp, openRpcDocument } from '../help.js';
import { defineMethod, type RpcMethod } from '../types.js';

export const utilMethods: RpcMethod[] = [
  defineMethod({
    name: 'help',
    category: 'control',
    description: 'Lists every method, or explains one.',
    params: [{ name: 'command', type: 'string', description: 'the method to explain' }],
    result: 'text',
    handler: ({ command }, ctx) => {
      const available = [...ctx.methods.values()].filter((m) => !m.regtestOnly || ctx.params.mineOnDemand);
      if (command === undefined) return formatHelp(available);
      const method = available.find((m) => m.name === command);
      if (!method) throw new RpcError(RPC.MISC_ERROR, `help: unknown command: ${String(command)}`);
      return formatHelp([method], true);
    },
  }),
  defineMethod({
    name: 'rpc.discover',
    category: 'control',
    description: 'The method table as an OpenRPC document.',
    params: [],
    result: '{ openrpc, info, methods } (json object) an OpenRPC document',
    handler: (_args, ctx) => openRpcDocument([...ctx.methods.values()].filter((m) => !m.regtestOnly || ctx.params.mineOnDemand), ctx.params.name),
  }),
  defineMethod({
    name: 'uptime',
    category: 'control',
    description: 'Seconds since the server started.',
    params: [],
    result: 'n (numeric) seconds since the server started',
    handler: (_args, ctx) => ctx.uptime(),
  }),
  defineMethod({
    name: 'stop',
    category: 'control',
    description: 'Shuts the node down cleanly.',
    params: [],
    result: '"Tally server stopping"',
    handler: (_args, ctx) => {
      setImmediate(ctx.requestStop);
      return 'Tally server stopping';
    },
  }),
  defineMethod({
    name: 'getrpcinfo',
    category: 'control',
    description: 'Requests being served now.',
    params: [],
    result: '{ active_commands: [{ method, duration }], logpath }',
    handler: (_args, ctx) => ({ active_commands: ctx.activeCommands(), logpath: '' }),
  }),
  defineMethod({
    name: 'validateaddress',
    category: 'util',
    description: 'Checks an address: whether it is valid for this network and what it pays to.',
    params: [{ name: 'address', type: 'string', required: true, description: 'the address to check' }],
    result: '{ isvalid, address?, scriptPubKey?, iswitness?, witness_version?, witness_program?, error? }',
    handler: ({ address }, ctx) => {
      try {
        const decoded = decodeSegwitAddress(address as string, ctx.params.addressPrefix);
        const isTaproot = decoded.version === 1 && decoded.program.length === 32;
        if (!isTaproot) return { isvalid: false, error: 'Tally accepts only taproot (segwit v1, 32-byte) addresses' };
        return {
          isvalid: true, address, scriptPubKey: toHex(segwitScriptPubKey(decoded.version, decoded.program)),
          isscript: false, iswitness: true, witness_version: decoded.version, witness_program: toHex(decoded.program),
        };
      } catch (err) {
        return { isvalid: false, error: (err as Error).message };
      }
    },
  }),
];
