/**
 * The address index (btcd's indexers/addrindex.go): the unspent outputs and
 * the confirmed transactions of each output script. Written in the same batch
 * as the block's UTXO changes (state-changes.ts).
 */
import type { Block } from '../../primitives/block.js';
import { classifyOutput } from '../../primitives/script.js';
import { outpointKey } from '../../primitives/tx.js';
import type { ChainDB } from '../chaindb.js';
import type { ChainEntry } from '../entry.js';
import { keys, PREFIX, readU32BE } from '../layout.js';
import { decodeAddrUtxo, type UndoCoin } from '../records.js';

export interface AddressUtxo {
  txid: Uint8Array;
  vout: number;
  value: bigint;
  height: number;
}

export interface AddressHistoryItem {
  height: number;
  txid: Uint8Array;
}

/** Unspent outputs paying to `script`. */
export async function getAddressUtxos(db: ChainDB, script: Uint8Array): Promise<AddressUtxo[]> {
  const skip = 1 + script.length;
  const rows = await db.scan(keys.prefixRange(Uint8Array.of(PREFIX.addrUtxo), script));
  return rows.map(([key, value]) => ({ txid: key.slice(skip, skip + 32), vout: readU32BE(key, skip + 32), ...decodeAddrUtxo(value) }));
}

/** Confirmed transactions touching `script`, oldest first. */
export async function getAddressHistory(db: ChainDB, script: Uint8Array): Promise<AddressHistoryItem[]> {
  const skip = 1 + script.length;
  const found = await db.scanKeys(keys.prefixRange(Uint8Array.of(PREFIX.addrHistory), script));
  return found.map((key) => ({ height: readU32BE(key, skip), txid: key.slice(skip + 4, skip + 36) }));
}

/** Address-history keys of a block: each transaction under every script it pays or spends from. */
export function addressHistoryKeys(block: Block, entry: ChainEntry, undo: readonly UndoCoin[]): Uint8Array[] {
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  const add = (script: Uint8Array, txid: Uint8Array) => {
    const key = keys.addrHistory(script, entry.height, txid);
    const id = Buffer.from(key).toString('hex');
    if (!seen.has(id)) {
      seen.add(id);
      out.push(key);
    }
  };
  const scripts = new Map<string, Uint8Array>();
  for (const { prevout, coin } of undo) scripts.set(outpointKey(prevout), coin.scriptPubKey);
  for (const [i, tx] of block.transactions.entries()) {
    if (i > 0) {
      for (const input of tx.inputs) {
        const script = scripts.get(outpointKey(input.prevout));
        if (script) add(script, tx.txidBytes);
      }
    }
    tx.outputs.forEach((output, vout) => {
      if (classifyOutput(output.scriptPubKey).type !== 'taproot') return;
      add(output.scriptPubKey, tx.txidBytes);
      // Later transactions of the same block may spend it.
      scripts.set(outpointKey({ txid: tx.txidBytes, vout }), output.scriptPubKey);
    });
  }
  return out;
}
