/**
 * Decides when the miner works. Paced mode (regtest `--mine`) makes one block
 * every interval so a demo chain stays alive; continuous mode (testnet) keeps
 * the workers on the newest template, refreshing it when the tip changes and,
 * at most every few seconds, when the mempool does.
 */
import type { Block } from '../primitives/block.js';
import { isTallyError } from '../primitives/errors.js';
import type { Miner } from '../mining/miner.js';
import type { BlockTemplate } from '../mining/template.js';
import type { Logger } from '../util/logger.js';

export interface BlockProducerOptions {
  paced: boolean;
  intervalSeconds: number;
  miner: Miner;
  template: () => BlockTemplate;
  submit: (block: Block) => Promise<unknown>;
  logger: Logger;
  /** Least seconds between template refreshes caused by new transactions. */
  mempoolRefreshSeconds?: number;
}

export class BlockProducer {
  private running = false;
  private timer?: NodeJS.Timeout;
  private wake?: () => void;
  private loop?: Promise<void>;
  private lastRefresh = 0;

  constructor(private readonly opts: BlockProducerOptions) {}

  async start(): Promise<void> {
    this.running = true;
    if (this.opts.paced) {
      this.loop = this.pacedLoop();
      return;
    }
    this.opts.miner.start();
    this.refresh();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.wake?.();
    this.opts.miner.abandon();
    await this.loop;
  }

  /** The best chain moved: old work is stale. */
  tipChanged(): void {
    if (this.running && !this.opts.paced) this.refresh();
  }

  /** New transactions: worth a fresh template now and then, not on every one. */
  mempoolChanged(): void {
    const every = (this.opts.mempoolRefreshSeconds ?? 5) * 1000;
    if (this.running && !this.opts.paced && performance.now() - this.lastRefresh >= every) this.refresh();
  }

  private refresh(): void {
    this.lastRefresh = performance.now();
    this.opts.miner.updateTemplate(this.opts.template());
  }

  private async pacedLoop(): Promise<void> {
    while (this.running) {
      try {
        const block = await this.opts.miner.mineBlock(this.opts.template());
        if (!this.running) break;
        await this.opts.submit(block);
      } catch (err) {
        // Superseded by an on-demand block or by stop(): just go round again.
        if (!isTallyError(err, 'abandoned') && !isTallyError(err, 'aborted')) {
          this.opts.logger.warn({ err: (err as Error).message }, 'paced mining failed');
        }
      }
      await this.sleep(this.opts.intervalSeconds * 1000);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }
}
