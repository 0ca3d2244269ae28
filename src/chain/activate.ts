/**
 * The fork choice's moves, once: which tips to disconnect and which blocks to
 * connect so that the best candidate (most work, first seen on a tie:
 * `betterThan` in block-index.ts) becomes the tip, stopping a branch at its first
 * invalid block. A generator, so that one loop serves two drivers: the chain's
 * ChainConnector, which awaits LevelDB between steps, and the consensus lab
 * (src/lab), which runs the same steps synchronously in memory.
 */
import type { RuleError } from '../consensus/errors.js';
import type { BlockIndex } from './block-index.js';
import { findFork, type ChainEntry } from './entry.js';

/**
 * One move. `switch` announces a reorganization (for logs); `disconnect` asks the
 * driver to undo the tip (then `index.retractTip()`); `connect` asks it to connect
 * `entry` on the tip (then `index.extendTip(entry)`), and to answer with the
 * RuleError that failed it, after marking the entry invalid; `route` lists the
 * blocks this branch connects in order, `entry` at `at`, so that a driver may
 * prepare the ones after it ahead (connect-pipeline.ts); `reorg` reports a
 * finished reorganization.
 */
export type ActivationStep =
  | { kind: 'switch'; oldTip: ChainEntry; fork: ChainEntry; target: ChainEntry }
  | { kind: 'disconnect'; entry: ChainEntry }
  | { kind: 'connect'; entry: ChainEntry; route: readonly ChainEntry[]; at: number }
  | { kind: 'reorg'; oldTip: ChainEntry; newTip: ChainEntry; fork: ChainEntry };

/** The steps that switch `index` to its best candidate, until none beats the tip. */
export function* activationSteps(index: BlockIndex): Generator<ActivationStep, void, RuleError | undefined> {
  for (let best = index.bestCandidate(); best; best = index.bestCandidate()) {
    const oldTip = index.tip;
    const fork = findFork(oldTip, best);
    if (fork !== oldTip) yield { kind: 'switch', oldTip, fork, target: best };
    while (index.tip !== fork) yield { kind: 'disconnect', entry: index.tip };
    const route: ChainEntry[] = [];
    for (let e: ChainEntry | null = best; e && e !== fork; e = e.prev) route.push(e);
    route.reverse();
    for (let at = 0; at < route.length; at++) {
      const failed = yield { kind: 'connect', entry: route[at]!, route, at };
      if (failed) break;
    }
    if (fork !== oldTip) yield { kind: 'reorg', oldTip, newTip: index.tip, fork };
  }
}
