/**
 * Package limits on unconfirmed chains (Core's -limitancestorcount and
 * -limitdescendantcount, 25 each, sizes 101 kvB). They bound the work every
 * later add, removal and block template does over a transaction's relatives.
 */
import { policyError } from './errors.js';
import type { TxGraph } from './graph.js';
import type { MempoolOptions } from './options.js';

/**
 * Checks that adding a transaction of `vsize` with in-pool `ancestors` keeps
 * every package within limits. Transactions in `evicted` (a replacement's
 * victims) no longer count toward their ancestors' descendants.
 * @throws MempoolError too-long-mempool-chain
 */
export function checkPackageLimits(
  graph: TxGraph,
  ancestors: ReadonlySet<string>,
  vsize: number,
  evicted: ReadonlySet<string>,
  opts: MempoolOptions,
): void {
  if (ancestors.size + 1 > opts.ancestorLimit) {
    throw policyError('too-long-mempool-chain', `too many unconfirmed ancestors [limit: ${opts.ancestorLimit}]`);
  }
  let ancestorSize = vsize;
  for (const txid of ancestors) ancestorSize += graph.get(txid)!.vsize;
  if (ancestorSize > opts.ancestorSizeLimitVbytes) {
    throw policyError('too-long-mempool-chain', `exceeds ancestor size limit [limit: ${opts.ancestorSizeLimitVbytes}]`);
  }
  for (const txid of ancestors) {
    const entry = graph.get(txid)!;
    let count = entry.descendantCount + 1;
    let size = entry.descendantSize + vsize;
    if (evicted.size > 0) {
      for (const d of graph.descendants(txid)) {
        if (!evicted.has(d)) continue;
        count--;
        size -= graph.get(d)!.vsize;
      }
    }
    if (count > opts.descendantLimit) {
      throw policyError('too-long-mempool-chain', `too many descendants for tx ${txid} [limit: ${opts.descendantLimit}]`);
    }
    if (size > opts.descendantSizeLimitVbytes) {
      throw policyError('too-long-mempool-chain', `exceeds descendant size limit for tx ${txid} [limit: ${opts.descendantSizeLimitVbytes}]`);
    }
  }
}
