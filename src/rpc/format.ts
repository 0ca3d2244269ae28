/** JSON views of transactions and blocks, shaped like Bitcoin Core's decoderawtransaction and getblock. */
import type { Block } from '../primitives/block.js';
import { hashToHex, toHex } from '../primitives/bytes.js';
import { scriptPubKeyToAddress } from '../primitives/address.js';
import { classifyOutput } from '../primitives/script.js';
import type { Transaction } from '../primitives/tx.js';
import { COIN } from '../consensus/constants.js';
import type { NetworkParams } from '../consensus/params.js';

/** Satoshis as a decimal coin amount string-free number (8 decimals), as Core prints amounts. */
export function formatAmount(sats: bigint): number {
  const sign = sats < 0n ? -1 : 1;
  const abs = sats < 0n ? -sats : sats;
  return sign * Number(`${abs / COIN}.${(abs % COIN).toString().padStart(8, '0')}`);
}

export function txToJson(tx: Transaction, params?: NetworkParams): Record<string, unknown> {
  return {
    txid: tx.txid, hash: tx.wtxid, version: tx.version, size: tx.totalSize, vsize: tx.vsize, weight: tx.weight, locktime: tx.locktime,
    vin: tx.inputs.map((input) => tx.isCoinbase()
      ? { coinbase: toHex(input.scriptSig), sequence: input.sequence, ...(input.witness.length ? { txinwitness: input.witness.map(toHex) } : {}) }
      : { txid: hashToHex(input.prevout.txid), vout: input.prevout.vout, scriptSig: { hex: toHex(input.scriptSig) }, txinwitness: input.witness.map(toHex), sequence: input.sequence }),
    vout: tx.outputs.map((output, n) => {
      const kind = classifyOutput(output.scriptPubKey).type;
      const address = params ? scriptPubKeyToAddress(params.addressPrefix, output.scriptPubKey) : null;
      return {
        value: formatAmount(output.value), n,
        scriptPubKey: { hex: toHex(output.scriptPubKey), type: kind === 'taproot' ? 'witness_v1_taproot' : kind, ...(address ? { address } : {}) },
      };
    }),
    hex: tx.toHex(),
  };
}

export function blockToJson(block: Block, params: NetworkParams): Record<string, unknown> {
  const h = block.header;
  return {
    hash: h.hash, version: h.version, previousblockhash: h.prevHash, merkleroot: h.merkleRoot, time: h.time,
    bits: h.bits.toString(16).padStart(8, '0'), nonce: h.nonce, size: block.size, strippedsize: block.strippedSize, weight: block.weight,
    nTx: block.transactions.length, tx: block.transactions.map((tx) => txToJson(tx, params)),
  };
}
