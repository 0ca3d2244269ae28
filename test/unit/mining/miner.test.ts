/**
 * The miner service: blocks mined in worker threads and inline pass the
 * consensus checks; new templates, abandon(), abort signals and stop() end old
 * work; the extra nonce rolls when a (test-sized) nonce space runs out; and a
 * process using the miner exits on its own.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { checkBlockContext, checkBlockSanity, headerContext } from '../../../src/consensus/block-checks.js';
import { getGenesisBlock, regtest, type NetworkParams } from '../../../src/consensus/params.js';
import { bitsToTarget } from '../../../src/consensus/pow.js';
import { MiningError } from '../../../src/mining/errors.js';
import { mine } from '../../../src/mining/mine.js';
import { Miner } from '../../../src/mining/miner.js';
import type { MinerOptions } from '../../../src/mining/options.js';
import { createBlockTemplate, type BlockTemplate } from '../../../src/mining/template.js';
import type { Block } from '../../../src/primitives/block.js';
import { scriptFromSecret } from '../../../src/primitives/sign.js';
import { testKey } from '../../helpers/chain.js';
import { waitUntil } from '../../helpers/wait.js';

const PAYOUT = scriptFromSecret(testKey(3));
const genesis = getGenesisBlock(regtest);
const NOW = regtest.genesis.time + 600;
const PARENT = { hashBytes: genesis.hashBytes, height: 0, time: genesis.header.time, medianTimePast: genesis.header.time };

/** regtest with another proof-of-work limit (the fixed rule mines at the limit). */
function withBits(bits: number): NetworkParams {
  return { ...regtest, powLimitBits: bits, powLimit: bitsToTarget(bits) };
}
/** Target 1: never met, so searches on it run until they are ended. */
const IMPOSSIBLE = withBits(0x03000001);
/** About one header in 64 meets this target. */
const ONE_IN_64 = withBits(0x2003ffff);

function template(params: NetworkParams = regtest, now = NOW): BlockTemplate {
  return createBlockTemplate({ params, parent: PARENT, now, payoutScript: PAYOUT });
}

function expectValid(block: Block, params: NetworkParams = regtest): void {
  checkBlockSanity(block, params);
  checkBlockContext(block, headerContext(PARENT, params, NOW));
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(MiningError);
    return (err as MiningError).code;
  }
  throw new Error('expected the promise to reject');
}


/** The shared bounded wait, polling every 10 ms. */
const until = (condition: () => boolean, timeoutMs = 20_000, pollMs = 10): Promise<void> => waitUntil(condition, 'the miner', timeoutMs, pollMs);

const miners: Miner[] = [];
function newMiner(opts: Partial<MinerOptions>, onBlock?: (block: Block) => void): Miner {
  // Small ranges so that hash counts (reported per range) move soon after the workers start.
  const miner = new Miner({ chunkSize: 1024, rangeSize: 8192, ...opts }, { ...(onBlock ? { onBlock } : {}), now: () => NOW });
  miners.push(miner);
  return miner;
}

afterEach(async () => {
  await Promise.all(miners.splice(0).map((m) => m.stop()));
});

describe('Miner.mineBlock', () => {
  it('mines a regtest block with 2 workers', async () => {
    const miner = newMiner({ threads: 2 });
    const t = template();
    const block = await miner.mineBlock(t);
    expectValid(block);
    expect(block.transactions[0]!.txid).toBe(t.block.transactions[0]!.txid);
    expect(miner.stats.blocksFound).toBe(1);
    expect(miner.isMining).toBe(false);
  });

  it('mines inline with threads: 0', async () => {
    const block = await newMiner({ threads: 0 }).mineBlock(template(ONE_IN_64));
    expectValid(block, ONE_IN_64);
  });

  for (const threads of [0, 2]) {
    it(`rolls the extra nonce when the nonce space is exhausted (threads: ${threads})`, async () => {
      const maxNonce = 3;
      // A template none of whose first four nonces meets the target, so a roll is certain.
      let now = NOW;
      while (mine(template(ONE_IN_64, now).block.header, bitsToTarget(ONE_IN_64.powLimitBits), 0, maxNonce) !== null) now++;
      const t = template(ONE_IN_64, now);
      const miner = newMiner({ threads, maxNonce, rangeSize: 2 });
      const block = await miner.mineBlock(t);
      expect(miner.stats.extraNonceRolls).toBeGreaterThanOrEqual(1);
      expect(block.header.nonce).toBeLessThanOrEqual(maxNonce);
      expect(block.transactions[0]!.txid).not.toBe(t.block.transactions[0]!.txid);
      expectValid(block, ONE_IN_64);
    });
  }

  it('rejects with "aborted" when the signal fires, and at once when it already has', async () => {
    const miner = newMiner({ threads: 2 });
    const controller = new AbortController();
    const pending = miner.mineBlock(template(IMPOSSIBLE), controller.signal);
    await until(() => miner.stats.hashes > 0);
    controller.abort();
    expect(await rejection(pending)).toBe('aborted');
    expect(await rejection(miner.mineBlock(template(), controller.signal))).toBe('aborted');
  });
});

describe('abandoning work', () => {
  it('abandon() stops the workers, which then take new work', async () => {
    const miner = newMiner({ threads: 2 });
    const pending = miner.mineBlock(template(IMPOSSIBLE));
    await until(() => miner.stats.hashes > 0);
    miner.abandon();
    expect(await rejection(pending)).toBe('abandoned');
    // Workers still hashing the abandoned (never solvable) template would report a new range
    // every few milliseconds; stopped ones report at most the chunk they were in.
    let last = -1;
    await until(() => {
      const stable = miner.stats.hashes === last;
      last = miner.stats.hashes;
      return stable;
    }, 10_000, 250);
    expectValid(await miner.mineBlock(template()));
  });

  it('updateTemplate() replaces the background work, and onBlock receives the block', async () => {
    const found: Block[] = [];
    const miner = newMiner({ threads: 2 }, (block) => found.push(block));
    miner.start();
    miner.updateTemplate(template(IMPOSSIBLE));
    await until(() => miner.stats.hashes > 0);
    const easy = template();
    miner.updateTemplate(easy);
    await until(() => found.length > 0);
    expect(found).toHaveLength(1);
    expect(found[0]!.transactions[0]!.txid).toBe(easy.block.transactions[0]!.txid);
    expectValid(found[0]!);
    // Having found its block, the miner waits for the next template.
    expect(miner.isMining).toBe(false);
  });

  it('a new mineBlock supersedes a pending one', async () => {
    const miner = newMiner({ threads: 2 });
    const first = miner.mineBlock(template(IMPOSSIBLE));
    const second = miner.mineBlock(template());
    expect(await rejection(first)).toBe('abandoned');
    expectValid(await second);
  });

  it('stop() rejects pending work and terminates the workers', async () => {
    const miner = newMiner({ threads: 2 });
    miner.start();
    const pending = miner.mineBlock(template(IMPOSSIBLE));
    const outcome = rejection(pending);
    await until(() => miner.stats.hashes > 0);
    await miner.stop();
    expect(await outcome).toBe('abandoned');
    expect(miner.isRunning).toBe(false);
    expect(miner.isMining).toBe(false);
  });
});

describe('Miner options', () => {
  it('refuses invalid options with "bad-options"', () => {
    for (const opts of [{ threads: -1 }, { rangeSize: 0 }, { maxNonce: 2 ** 32 }, { chunkSize: 1.5 }]) {
      let err: unknown;
      try {
        new Miner(opts);
      } catch (e) {
        err = e;
      }
      expect((err as MiningError).code).toBe('bad-options');
    }
  });
});

describe('process lifetime', () => {
  it('lets a process that used the miner exit by itself, stopped or merely idle', async () => {
    const minerUrl = new URL('../../../src/mining/miner.ts', import.meta.url).href;
    const templateUrl = new URL('../../../src/mining/template.ts', import.meta.url).href;
    const paramsUrl = new URL('../../../src/consensus/params.ts', import.meta.url).href;
    const script = `
      const { Miner } = await import(${JSON.stringify(minerUrl)});
      const { createBlockTemplate } = await import(${JSON.stringify(templateUrl)});
      const { regtest, getGenesisBlock } = await import(${JSON.stringify(paramsUrl)});
      const g = getGenesisBlock(regtest);
      const t = createBlockTemplate({ params: regtest, now: ${NOW}, payoutScript: Uint8Array.of(0x6a),
        parent: { hashBytes: g.hashBytes, height: 0, time: g.header.time, medianTimePast: g.header.time } });
      const stopped = new Miner({ threads: 2 });
      await stopped.mineBlock(t);
      await stopped.stop();
      const idle = new Miner({ threads: 2 });
      const block = await idle.mineBlock(t);
      console.log('mined', block.hash);
    `;
    const cwd = fileURLToPath(new URL('../../../', import.meta.url));
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd, timeout: 25_000 }, (err, out, errOut) =>
        err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out),
      );
    });
    expect(stdout).toMatch(/^mined [0-9a-f]{64}/);
  });
});
