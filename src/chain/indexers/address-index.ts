/**
 * The address index, write side (btcd's indexers/addrindex.go; the records of
 * the insight/bitcore addressindex patches): per output script, its unspent
 * outputs in height order (`U`) and every change a transaction made to it in
 * block order (`D`, one record per output paid and per input spent). Written in
 * the same batch as the block's UTXO changes (state-changes.ts); reads are in
 * address-reads.ts.
 */
import type { Block } from '../../primitives/block.js';
import { isTaprootScript } from '../../primitives/script.js';
import { toHex } from '../../primitives/bytes.js';
import { outpointKey, type OutPoint, type Transaction, type TxOutput } from '../../primitives/tx.js';
import { BufferReader, BufferWriter } from '../../primitives/encoding.js';
import type { Coin } from '../../consensus/coins.js';
import type { BatchOp } from '../chaindb.js';
import { keys } from '../layout.js';
import type { UndoCoin } from '../records.js';

/** One change a confirmed transaction made to an output script (a `D` record). */
export interface AddressDelta {
  height: number;
  /** The transaction's position in its block (the dialect's `blockindex`). */
  position: number;
  txid: Uint8Array;
  /** True for an input spending the script's coin, false for an output paying it. */
  spending: boolean;
  /** The input's index when spending, else the output's. */
  index: number;
  /** Satoshis: negative when spending. */
  satoshis: bigint;
}

/** `U` value: the coin's amount and whether a coinbase created it. */
export function encodeAddrUnspent(value: bigint, coinbase: boolean): Uint8Array {
  return new BufferWriter(9).i64(value).u8(coinbase ? 1 : 0).finishExact();
}

export function decodeAddrUnspent(bytes: Uint8Array): { value: bigint; coinbase: boolean } {
  const r = new BufferReader(bytes);
  return { value: r.i64(), coinbase: r.u8() === 1 };
}

/** `D` value: the signed amount. */
export function encodeAddrDelta(satoshis: bigint): Uint8Array {
  return new BufferWriter(8).i64(satoshis).finishExact();
}

export function decodeAddrDelta(bytes: Uint8Array): bigint {
  return new BufferReader(bytes).i64();
}

/**
 * Every delta of a block, with the script it touches. `undo`: the coins the block
 * spent from the UTXO set; an input spending an output of an earlier transaction
 * of the same block finds its coin among the block's own outputs.
 */
export function blockAddressDeltas(block: Block, height: number, undo: readonly UndoCoin[]): { script: Uint8Array; delta: AddressDelta }[] {
  const spent = new Map<string, Pick<Coin, 'value' | 'scriptPubKey'>>();
  for (const { prevout, coin } of undo) spent.set(outpointKey(prevout), coin);
  // The block's own transactions by txid, one entry each rather than one per output.
  const own = new Map<string, Transaction>();
  const out: { script: Uint8Array; delta: AddressDelta }[] = [];
  for (const [position, tx] of block.transactions.entries()) {
    const txid = tx.txidBytes;
    if (position > 0) {
      tx.inputs.forEach((input, index) => {
        const coin = spent.get(outpointKey(input.prevout)) ?? ownOutput(own, input.prevout);
        if (coin) out.push({ script: coin.scriptPubKey, delta: { height, position, txid, spending: true, index, satoshis: -coin.value } });
      });
    }
    tx.outputs.forEach((output, index) => {
      // Only taproot outputs are spendable coins (block-spends.ts); nothing else can be an address's.
      if (!isTaprootScript(output.scriptPubKey)) return;
      out.push({ script: output.scriptPubKey, delta: { height, position, txid, spending: false, index, satoshis: output.value } });
    });
    own.set(toHex(txid), tx);
  }
  return out;
}

/** An output of an earlier transaction of the block, when it is a (taproot) coin. */
function ownOutput(own: ReadonlyMap<string, Transaction>, prevout: OutPoint): TxOutput | undefined {
  const output = own.get(toHex(prevout.txid))?.outputs[prevout.vout];
  return output && isTaprootScript(output.scriptPubKey) ? output : undefined;
}

/** Index writes that connect a block at `height`: unspent records follow the coins, deltas are added. */
export function addressIndexConnectOps(block: Block, height: number, spends: { undo: readonly UndoCoin[]; created: readonly UndoCoin[] }): BatchOp[] {
  const ops: BatchOp[] = [];
  for (const { prevout, coin } of spends.undo) ops.push({ type: 'del', key: keys.addrUnspent(coin.scriptPubKey, coin.height, prevout.txid, prevout.vout) });
  for (const { prevout, coin } of spends.created) {
    ops.push({ type: 'put', key: keys.addrUnspent(coin.scriptPubKey, coin.height, prevout.txid, prevout.vout), value: encodeAddrUnspent(coin.value, coin.coinbase) });
  }
  for (const { script, delta } of blockAddressDeltas(block, height, spends.undo)) ops.push({ type: 'put', key: keys.addrDelta(script, delta), value: encodeAddrDelta(delta.satoshis) });
  return ops;
}

/** Index writes that disconnect a block at `height`: its outputs leave, the coins it spent return, its deltas go. */
export function addressIndexDisconnectOps(block: Block, height: number, undo: readonly UndoCoin[]): BatchOp[] {
  const ops: BatchOp[] = [];
  // Deleting every output is enough: one spent within the block has no record to begin with.
  for (const tx of block.transactions) {
    tx.outputs.forEach((output, vout) => {
      if (isTaprootScript(output.scriptPubKey)) ops.push({ type: 'del', key: keys.addrUnspent(output.scriptPubKey, height, tx.txidBytes, vout) });
    });
  }
  for (const { prevout, coin } of undo) {
    ops.push({ type: 'put', key: keys.addrUnspent(coin.scriptPubKey, coin.height, prevout.txid, prevout.vout), value: encodeAddrUnspent(coin.value, coin.coinbase) });
  }
  for (const { script, delta } of blockAddressDeltas(block, height, undo)) ops.push({ type: 'del', key: keys.addrDelta(script, delta) });
  return ops;
}
