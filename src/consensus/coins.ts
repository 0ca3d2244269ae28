/** The UTXO view that contextual checks read. Storage lives in src/chain; consensus sees only this. */
import type { OutPoint } from '../primitives/tx.js';

/** An unspent output with what the rules need to know about where it came from. */
export interface Coin {
  readonly value: bigint;
  readonly scriptPubKey: Uint8Array;
  /** Height of the block that created it. */
  readonly height: number;
  /** Created by a coinbase (and so subject to maturity). */
  readonly coinbase: boolean;
}

/** Read access to unspent outputs. */
export interface CoinView {
  getCoin(prevout: OutPoint): Coin | undefined;
}
