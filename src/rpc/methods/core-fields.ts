/**
 * Building blocks of the comparison with Core's results (core-*.ts): field
 * lists by type, and the verbose transaction and script objects that several
 * methods share, written once as Core's TxToUniv and ScriptToUniv document them.
 */
import type { JsonType } from '../types.js';

export type Fields = Record<string, JsonType | JsonType[]>;

/** `names` (space-separated) under `prefix`, all of type `type`. */
export function fields(prefix: string, names: string, type: JsonType | JsonType[]): Fields {
  return Object.fromEntries(names.split(' ').map((n) => [`${prefix}${n}`, type]));
}

/** Core's scriptPubKey object (ScriptToUniv with an address and a descriptor). */
export function scriptPubKeyFields(prefix: string): Fields {
  return { ...fields(prefix, 'asm desc hex type', 'string'), [`${prefix}address?`]: 'string' };
}

export interface TxFieldOptions {
  /** Core's `hex` at the end (all but decoderawtransaction). */
  hex?: boolean;
  /** `fee` and each input's `prevout` (getblock 3, getrawtransaction 2). */
  prevout?: boolean;
}

/** Core's TxToUniv fields of a transaction under `prefix` (e.g. `tx[].`). */
export function txFields(prefix: string, opts: TxFieldOptions = {}): Fields {
  const vin = `${prefix}vin[].`;
  const vout = `${prefix}vout[].`;
  return {
    ...fields(prefix, 'txid hash', 'string'),
    ...fields(prefix, 'version size vsize weight locktime', 'number'),
    [`${prefix}vin`]: 'array',
    [`${prefix}vout`]: 'array',
    [`${vin}coinbase?`]: 'string',
    [`${vin}txid?`]: 'string',
    [`${vin}vout?`]: 'number',
    ...fields(`${vin}scriptSig?.`, 'asm hex', 'string'),
    [`${vin}txinwitness?`]: 'array',
    [`${vin}sequence`]: 'number',
    ...(opts.prevout ? {
      [`${vin}prevout?.generated`]: 'boolean',
      ...fields(`${vin}prevout?.`, 'height value', 'number'),
      ...scriptPubKeyFields(`${vin}prevout?.scriptPubKey.`),
      [`${prefix}fee?`]: 'number',
    } : {}),
    ...fields(vout, 'value n', 'number'),
    ...scriptPubKeyFields(`${vout}scriptPubKey.`),
    ...(opts.hex ? { [`${prefix}hex`]: 'string' } : {}),
  };
}

/** Core's blockheaderToJSON fields (getblockheader, and the header part of getblock). */
export function headerFields(): Fields {
  return {
    ...fields('', 'hash versionHex merkleroot bits target chainwork', 'string'),
    ...fields('', 'confirmations height version time mediantime nonce nTx', 'number'),
    ...fields('', 'previousblockhash? nextblockhash?', 'string'),
  };
}

/** Core's difficulty is against Bitcoin mainnet's easiest target; Tally's against its own network's. */
export const DIFFICULTY_WHY = 'relative to the easiest target of this network (1 on regtest), where Core divides by Bitcoin mainnet\'s';
