/**
 * Checks a block's transactions against the UTXO set: every input exists and is
 * mature, values add up, the coinbase claims no more than subsidy plus fees.
 * Outputs created earlier in the same block may be spent later in it. The
 * result lists the spent coins (the block's undo data) and the signature checks
 * to run, so the caller can verify signatures in parallel and then commit.
 */
import type { Block } from '../primitives/block.js';
import { outpointKey, type OutPoint } from '../primitives/tx.js';
import { isTaprootScript } from '../primitives/script.js';
import type { Coin, CoinView } from './coins.js';
import { asBlockError } from './block-checks.js';
import { blockError } from './errors.js';
import type { NetworkParams } from './params.js';
import { collectSignatureChecks, type SignatureCheck } from './signatures.js';
import { getBlockSubsidy } from './subsidy.js';
import { checkTxInputs } from './tx-checks.js';

/** A coin a block creates, with its outpoint. */
export interface CreatedCoin {
  prevout: OutPoint;
  coin: Coin;
}

export interface BlockSpends {
  fees: bigint;
  /**
   * Coins of the UTXO set the block spends, in block order: its undo data.
   * Outputs created and spent within the block appear neither here nor in `created`.
   */
  undo: CreatedCoin[];
  /** Spendable outputs created by the block that remain unspent at its end (OP_RETURN outputs never enter the UTXO set). */
  created: CreatedCoin[];
  signatureChecks: SignatureCheck[];
}

/**
 * Called after each transaction's signature checks are collected, with every check so far,
 * so that verifying can start before the last is collected (chain/check-stream.ts). A block
 * that breaks a rule later still throws: checks handed out by then are for nothing.
 */
export type ChecksListener = (checksSoFar: readonly SignatureCheck[]) => void;

/**
 * Runs the UTXO-dependent rules over a block that already passed
 * checkBlockSanity and checkBlockContext.
 * @throws RuleError bad-txns-inputs-missingorspent, bad-txns-premature-spend-of-coinbase,
 *   bad-txns-in-belowout (and the other input rules), mandatory-script-verify-flag-failed
 *   for malformed witnesses, bad-cb-amount
 */
export function checkBlockSpends(block: Block, view: CoinView, height: number, params: NetworkParams, onChecks?: ChecksListener): BlockSpends {
  const overlay = new BlockCoinView(view);
  const result: BlockSpends = { fees: 0n, undo: [], created: [], signatureChecks: [] };
  for (const [index, tx] of block.transactions.entries()) {
    if (index > 0) {
      try {
        const { spent, fee } = checkTxInputs(tx, overlay, height, params.coinbaseMaturity);
        const checks = collectSignatureChecks(tx, spent);
        result.fees += fee;
        for (const check of checks) result.signatureChecks.push(check);
      } catch (err) {
        throw asBlockError(err, tx.txid, 100);
      }
      onChecks?.(result.signatureChecks);
      for (const input of tx.inputs) {
        const fromBase = overlay.spend(input.prevout);
        if (fromBase) result.undo.push({ prevout: input.prevout, coin: fromBase });
      }
    }
    tx.outputs.forEach((output, vout) => {
      if (!isTaprootScript(output.scriptPubKey)) return;
      const prevout = { txid: tx.txidBytes, vout };
      const coin: Coin = { value: output.value, scriptPubKey: output.scriptPubKey, height, coinbase: index === 0 };
      overlay.add(prevout, coin);
      result.created.push({ prevout, coin });
    });
  }
  const claimed = block.transactions[0]!.outputs.reduce((sum, o) => sum + o.value, 0n);
  const allowed = getBlockSubsidy(height, params) + result.fees;
  if (claimed > allowed) throw blockError('bad-cb-amount', `coinbase pays ${claimed}, limit ${allowed}`);
  // Keep only the coins that survive the block: an output spent within it is neither created nor undone.
  result.created = result.created.filter((c) => overlay.has(c.prevout));
  return result;
}

/** The base view plus the block's own changes so far. */
class BlockCoinView implements CoinView {
  private readonly added = new Map<string, Coin>();
  private readonly spentKeys = new Set<string>();

  constructor(private readonly base: CoinView) {}

  getCoin(prevout: OutPoint): Coin | undefined {
    const key = outpointKey(prevout);
    const own = this.added.get(key);
    if (own) return own;
    return this.spentKeys.has(key) ? undefined : this.base.getCoin(prevout);
  }

  has(prevout: OutPoint): boolean {
    return this.getCoin(prevout) !== undefined;
  }

  add(prevout: OutPoint, coin: Coin): void {
    this.added.set(outpointKey(prevout), coin);
  }

  /** Marks a coin spent; returns it when it came from the base view (so it belongs in the undo data). */
  spend(prevout: OutPoint): Coin | undefined {
    const key = outpointKey(prevout);
    const ownCoin = this.added.get(key);
    this.spentKeys.add(key);
    if (ownCoin) {
      this.added.delete(key);
      return undefined;
    }
    return this.base.getCoin(prevout);
  }
}
