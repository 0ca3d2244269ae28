/**
 * Real LevelDB-backed Chains for integration tests: each in its own folder of
 * one temporary directory, all closed after every test (even when open() threw).
 */
import { afterEach } from 'vitest';
import { join } from 'node:path';
import { Chain, type BatchVerifier } from '../../src/chain/chain.js';
import { regtest, type NetworkParams } from '../../src/consensus/params.js';
import type { Block } from '../../src/primitives/block.js';
import { tempDir } from './tmp.js';

export interface OpenOptions {
  path?: string;
  maxOrphans?: number;
  verifier?: BatchVerifier;
  params?: NetworkParams;
}

export class TestChains {
  private readonly root: string;
  private readonly opened: Chain[] = [];
  private count = 0;

  /** Call at the top level of a test file: it registers the cleanup hooks. */
  constructor(label: string) {
    this.root = tempDir(label);
    afterEach(async () => {
      while (this.opened.length) await this.opened.pop()!.close();
    });
  }

  /** Opens a Chain whose clock is `now` (seconds, or a function giving them). */
  async open(now: number | (() => number), opts: OpenOptions = {}): Promise<Chain> {
    const chain = new Chain(
      { path: opts.path ?? join(this.root, `db${this.count++}`), params: opts.params ?? regtest, ...(opts.maxOrphans ? { maxOrphans: opts.maxOrphans } : {}) },
      { clock: typeof now === 'function' ? now : () => now, ...(opts.verifier ? { verifier: opts.verifier } : {}) },
    );
    this.track(chain);
    await chain.open();
    return chain;
  }

  /** Closes `chain` now (to reopen its folder, say). */
  async close(chain: Chain): Promise<void> {
    const i = this.opened.indexOf(chain);
    if (i >= 0) this.opened.splice(i, 1);
    await chain.close();
  }

  /** Closes a Chain made elsewhere along with the others. */
  track(chain: Chain): void {
    this.opened.push(chain);
  }
}

/** Feeds blocks in order; the status of each. */
export async function feedStatuses(chain: Chain, blocks: readonly Block[]): Promise<string[]> {
  const out: string[] = [];
  for (const block of blocks) out.push((await chain.processBlock(block)).status);
  return out;
}
