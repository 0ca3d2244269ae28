/**
 * A real LevelDB-backed Chain gives the ASERT rule its anchor: the time of
 * each branch's own block 1, from the header index, also after a restart.
 * The network is regtest with the testnet's kind of rule and an easy initial
 * target, so that blocks are cheap to mine.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Chain } from '../../../src/chain/chain.js';
import { getNextWorkRequired } from '../../../src/consensus/difficulty.js';
import { regtest, type NetworkParams } from '../../../src/consensus/params.js';
import { bitsToTarget } from '../../../src/consensus/pow.js';
import { TestChain } from '../../helpers/chain.js';
import { feedStatuses, TestChains } from '../../helpers/chain-db.js';
import { tempDir } from '../../helpers/tmp.js';

const INITIAL_BITS = 0x2000ffff;
const ASERT_NET: NetworkParams = { ...regtest, targetSpacing: 30, difficulty: { kind: 'asert', initialBits: INITIAL_BITS, halfLife: 300 } };
/** Launched 400 days after the genesis time; the chain's clock is an hour later. */
const LAUNCH = regtest.genesis.time + 400 * 86_400;
const NOW = LAUNCH + 3600;

const chains = new TestChains('tally-difficulty-anchor');
const reopenDir = tempDir('tally-anchor-db');

/** Block 1 at `launch`, then `n - 1` blocks `spacing` seconds apart. */
function branch(launch: number, n: number, spacing: number): TestChain {
  const builder = new TestChain(ASERT_NET);
  builder.now = NOW;
  for (let i = 0; i < n; i++) builder.add(builder.buildBlock({ time: launch + i * spacing }));
  return builder;
}

describe('the chain passes block 1 to the difficulty rule', () => {
  it('connects blocks whose bits follow the schedule from block 1, before and after a restart', async () => {
    const path = join(reopenDir, 'db');
    // 5-second blocks run ahead of the 30-second schedule, so the bits rise block by block.
    const fast = branch(LAUNCH, 12, 5);
    expect(fast.blocks[1]!.header.bits).toBe(INITIAL_BITS);
    expect(bitsToTarget(fast.tip.header.bits)).toBeLessThan(bitsToTarget(INITIAL_BITS));
    // Anchored at genesis, this chain would be 400 days behind: the easiest target.
    expect(getNextWorkRequired({ height: 12, time: fast.tip.header.time, anchorTime: regtest.genesis.time }, ASERT_NET)).toBe(regtest.powLimitBits);

    let chain: Chain = await chains.open(NOW, { params: ASERT_NET, path });
    expect(await feedStatuses(chain, fast.blocks.slice(1))).toEqual(Array(12).fill('connected'));
    await chains.close(chain);

    // Reloaded from the database, the entries still know their block 1.
    chain = await chains.open(NOW, { params: ASERT_NET, path });
    fast.add(fast.buildBlock({ time: LAUNCH + 12 * 5 }));
    expect(await feedStatuses(chain, [fast.tip])).toEqual(['connected']);
    expect(chain.tip.height).toBe(13);
    expect(chain.tip.anchorTime).toBe(LAUNCH);
  });

  it('judges a side branch by its own block 1', async () => {
    const chain = await chains.open(NOW, { params: ASERT_NET });
    const fast = branch(LAUNCH, 12, 5);
    expect(await feedStatuses(chain, fast.blocks.slice(1))).toEqual(Array(12).fill('connected'));
    // Ten minutes later and on schedule: by the main branch's block 1 it would be two half-lives behind.
    const late = branch(LAUNCH + 600, 6, 30);
    expect(late.blocks.slice(1).map((b) => b.header.bits)).toEqual(Array(6).fill(INITIAL_BITS));
    expect(await feedStatuses(chain, late.blocks.slice(1))).toEqual(Array(6).fill('side'));
    expect(chain.tip.hashHex).toBe(fast.tip.hash);
  });
});
