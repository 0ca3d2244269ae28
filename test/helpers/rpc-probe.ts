/**
 * Proves a node stays responsive while it is attacked: polls its JSON-RPC
 * server (`getblockcount`, the cookie credentials, a real HTTP request) every
 * `intervalMs` and records each answer's latency. Start it before the attack,
 * stop it after, and assert on {@link RpcProbeResult.maxMs}.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TestNode } from './network.js';

/**
 * The slowest RPC answer a test accepts while a node is under attack. A healthy node answers in
 * tens of milliseconds; on a loaded 2-core machine one answer took 1,037 ms. A node the attack
 * actually blocks misses this by seconds, which is what the tests are there to catch.
 */
export const RPC_LATENCY_BOUND_MS = 2000;

export interface RpcProbeResult {
  /** Answers received. */
  answers: number;
  /** Requests that failed or got no JSON-RPC result. */
  failures: number;
  /** Slowest answer, in milliseconds (a failure counts as Infinity). */
  maxMs: number;
  medianMs: number;
}

export class RpcProbe {
  private readonly latencies: number[] = [];
  private failures = 0;
  private running = true;
  private readonly loop: Promise<void>;

  /** Starts probing `node`, which must have been started with `rpc: true`. */
  constructor(node: TestNode, private readonly intervalMs = 100) {
    const rpc = node.rpc;
    if (!rpc) throw new Error(`RpcProbe: node ${node.name} has no RPC server (start it with rpc: true)`);
    const url = `http://127.0.0.1:${rpc.address.port}/`;
    const cookie = readFileSync(join(node.node.config.datadir, '.cookie'), 'utf8');
    const authorization = `Basic ${Buffer.from(cookie).toString('base64')}`;
    this.loop = this.run(url, authorization);
  }

  private async run(url: string, authorization: string): Promise<void> {
    while (this.running) {
      const started = performance.now();
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { authorization },
          body: '{"method":"getblockcount","params":[],"id":1}',
          signal: AbortSignal.timeout(5_000),
        });
        const body = (await res.json()) as { result?: unknown };
        if (typeof body.result === 'number') this.latencies.push(performance.now() - started);
        else this.failures++;
      } catch {
        this.failures++;
      }
      await new Promise((r) => setTimeout(r, this.intervalMs));
    }
  }

  /** Stops probing and returns what it saw. */
  async stop(): Promise<RpcProbeResult> {
    this.running = false;
    await this.loop;
    const sorted = [...this.latencies].sort((x, y) => x - y);
    return {
      answers: sorted.length,
      failures: this.failures,
      maxMs: this.failures > 0 ? Infinity : (sorted.at(-1) ?? 0),
      medianMs: sorted[Math.floor(sorted.length / 2)] ?? 0,
    };
  }
}
