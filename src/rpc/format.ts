/**
 * JSON views shared by the RPC methods, shaped like Bitcoin Core's: amounts,
 * 256-bit numbers, compact bits, difficulty, scripts, transactions and blocks.
 */
import type { Block } from '../primitives/block.js';
import { hashToHex, toHex } from '../primitives/bytes.js';
import { scriptPubKeyToAddress } from '../primitives/address.js';
import type { Transaction } from '../primitives/tx.js';
import { COIN } from '../consensus/constants.js';
import type { NetworkParams } from '../consensus/params.js';
import { decodeBits } from '../consensus/pow.js';
import { scriptToAsm, scriptType } from './methods/script-asm.js';

/** Satoshis as a decimal coin amount string-free number (8 decimals), as Core prints amounts. */
export function formatAmount(sats: bigint): number {
  const sign = sats < 0n ? -1 : 1;
  const abs = sats < 0n ? -sats : sats;
  return sign * Number(`${abs / COIN}.${(abs % COIN).toString().padStart(8, '0')}`);
}

/** A fee rate in sat/vB as Core shows fee rates: coins per 1000 virtual bytes (CFeeRate keeps whole sat/kvB). */
export function formatFeeRate(satPerVb: number): number {
  return formatAmount(BigInt(Math.round(satPerVb * 1000)));
}

/** A 256-bit number (chain work, a target) as 64 hex digits, as Core prints `arith_uint256`. */
export function formatUint256(n: bigint): string {
  return n.toString(16).padStart(64, '0');
}

/** Compact bits as Core prints them: 8 hex digits. */
export function formatBits(bits: number): string {
  return (bits >>> 0).toString(16).padStart(8, '0');
}

/**
 * Difficulty of `bits`: how many times harder than the network's easiest
 * target (powLimit / target), so 1 on regtest. Core measures against Bitcoin
 * mainnet's limit instead; Tally's networks each have their own.
 */
export function formatDifficulty(bits: number, params: Pick<NetworkParams, 'powLimit'>): number {
  const { target, negative, overflow } = decodeBits(bits);
  if (negative || overflow || target === 0n) return 0;
  return Number(params.powLimit) / Number(target);
}

/**
 * Core's `scriptPubKey` object without `desc`, for the offline CLI tools
 * (`tally decoderawtransaction`, `decodeblock`); the RPC methods give the full
 * object, descriptor included (methods/script-json.ts).
 */
export function scriptPubKeyToJson(script: Uint8Array, params?: NetworkParams): Record<string, unknown> {
  const address = params ? scriptPubKeyToAddress(params.addressPrefix, script) : null;
  return { asm: scriptToAsm(script), hex: toHex(script), ...(address ? { address } : {}), type: scriptType(script) };
}

/**
 * Core's decoded transaction for the offline CLI tools; the RPC methods use
 * methods/tx-json.ts (Core's TxToUniv with descriptors, prevouts and fees).
 * `fee` (satoshis) is added after `vout`, as Core adds it when the spent coins are known.
 */
export function txToJson(tx: Transaction, params?: NetworkParams, fee?: bigint): Record<string, unknown> {
  return {
    txid: tx.txid, hash: tx.wtxid, version: tx.version, size: tx.totalSize, vsize: tx.vsize, weight: tx.weight, locktime: tx.locktime,
    vin: tx.inputs.map((input) => tx.isCoinbase()
      ? { coinbase: toHex(input.scriptSig), sequence: input.sequence, ...(input.witness.length ? { txinwitness: input.witness.map(toHex) } : {}) }
      : { txid: hashToHex(input.prevout.txid), vout: input.prevout.vout, scriptSig: { asm: scriptToAsm(input.scriptSig, true), hex: toHex(input.scriptSig) }, ...(input.witness.length ? { txinwitness: input.witness.map(toHex) } : {}), sequence: input.sequence }),
    vout: tx.outputs.map((output, n) => ({ value: formatAmount(output.value), n, scriptPubKey: scriptPubKeyToJson(output.scriptPubKey, params) })),
    ...(fee !== undefined ? { fee: formatAmount(fee) } : {}),
    hex: tx.toHex(),
  };
}

export function blockToJson(block: Block, params: NetworkParams): Record<string, unknown> {
  const h = block.header;
  return {
    hash: h.hash, version: h.version, previousblockhash: h.prevHash, merkleroot: h.merkleRoot, time: h.time,
    bits: formatBits(h.bits), nonce: h.nonce, size: block.size, strippedsize: block.strippedSize, weight: block.weight,
    nTx: block.transactions.length, tx: block.transactions.map((tx) => txToJson(tx, params)),
  };
}
