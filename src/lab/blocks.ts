/**
 * Blocks for the lab: coinbase-only, on the lab network's easy target, their
 * time taken from the simulated clock. The proof of work is "solved instantly":
 * under regtest's powLimit (bits 0x207fffff) half of all hashes meet the
 * target, so grinding the nonce takes two hashes on average. Each block is built
 * once and the same object is handed to every node, which validates it itself.
 */
import { createHash } from 'node:crypto';
import { Block, BlockHeader } from '../primitives/block.js';
import { concatBytes } from '../primitives/bytes.js';
import { computeMerkleRoot } from '../primitives/merkle.js';
import { encodeHeightPush, pushData, taprootScript } from '../primitives/script.js';
import { NULL_TXID, NULL_VOUT, Transaction } from '../primitives/tx.js';
import { getNextWorkRequired } from '../consensus/difficulty.js';
import { regtest, type NetworkParams } from '../consensus/params.js';
import { verifyHeaderHash } from '../consensus/pow.js';
import { getBlockSubsidy } from '../consensus/subsidy.js';
import type { ChainEntry } from '../chain/entry.js';
import { LabError } from './errors.js';

/** The lab's network: regtest's rules (fixed easiest difficulty), so any miner finds a block in a couple of hashes. */
export const LAB_PARAMS: NetworkParams = regtest;

/** Block version of lab blocks. */
const VERSION = 0x20000000;

/** Builds blocks for the miners of one simulation and remembers who mined each. */
export class BlockFactory {
  private serial = 0;
  private readonly miners = new Map<string, number>();

  constructor(private readonly params: NetworkParams = LAB_PARAMS) {}

  /**
   * A valid block by `miner` on `parent`, dated `now` (seconds since the epoch) or,
   * when that is not after the parent's median time past, one second after it (as
   * a real miner's template does).
   */
  build(parent: ChainEntry, miner: number, now: number): Block {
    const height = parent.height + 1;
    const coinbase = this.coinbase(height, miner);
    const header = new BlockHeader({
      version: VERSION,
      prevHashBytes: parent.hash,
      merkleRootBytes: computeMerkleRoot([coinbase.txidBytes]).root,
      time: Math.max(Math.floor(now), parent.medianTimePast + 1),
      bits: getNextWorkRequired(parent.asParent(), this.params),
      nonce: 0,
    });
    const block = new Block(this.grind(header), [coinbase]);
    this.miners.set(block.hash, miner);
    return block;
  }

  /** The miner of a block this factory built, or -1 (genesis, or a block from elsewhere). */
  minerOf(hash: string): number {
    return this.miners.get(hash) ?? -1;
  }

  /** Coinbase paying the subsidy to the miner's key; a serial number keeps every block distinct. */
  private coinbase(height: number, miner: number): Transaction {
    const tag = new Uint8Array(8);
    new DataView(tag.buffer).setUint32(0, this.serial++, true);
    new DataView(tag.buffer).setUint32(4, miner, true);
    const key = new Uint8Array(32);
    new DataView(key.buffer).setUint32(0, miner + 1, true);
    return new Transaction({
      version: 2,
      inputs: [{ prevout: { txid: NULL_TXID, vout: NULL_VOUT }, scriptSig: concatBytes(encodeHeightPush(height), pushData(tag)), sequence: 0xffffffff, witness: [] }],
      outputs: [{ value: getBlockSubsidy(height, this.params), scriptPubKey: taprootScript(key) }],
      locktime: 0,
    });
  }

  /**
   * The header with the first nonce that meets its target. The search hashes with
   * node:crypto (native, several times faster); the header it returns is hashed and
   * checked again by the primitives' own code wherever a node validates it.
   */
  private grind(header: BlockHeader): BlockHeader {
    const bytes = header.toBytes();
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let nonce = 0; nonce < 1_000_000; nonce++) {
      view.setUint32(76, nonce, true);
      const hash = createHash('sha256').update(createHash('sha256').update(bytes).digest()).digest();
      if (verifyHeaderHash(hash, header.bits, this.params.powLimit)) return header.with({ nonce });
    }
    throw new LabError('lab-invariant', 'no nonce met the lab target: its network parameters are not a lab network');
  }
}
