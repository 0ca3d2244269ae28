import { describe, expect, it } from 'vitest';
import { ASERT_ANCHOR_HEIGHT, difficultyAnchorTime, getNextWorkRequired } from '../../../src/consensus/difficulty.js';
import { regtest, testnet } from '../../../src/consensus/params.js';
import { bitsToTarget } from '../../../src/consensus/pow.js';
import { isTallyError } from '../../../src/primitives/errors.js';

const SPACING = testnet.targetSpacing;
const rule = testnet.difficulty.kind === 'asert' ? testnet.difficulty : undefined;
const HALF_LIFE = rule?.halfLife ?? 0;
const INITIAL_BITS = rule?.initialBits ?? 0;
const INITIAL_TARGET = bitsToTarget(INITIAL_BITS);
/** Block 1 of a testnet launched on 2026-12-06, two weeks after its genesis time. */
const A = 1_796_515_200;
/** A testnet parent at `height` whose time is `ahead` seconds earlier than the 30-second schedule from block 1 at `anchorTime`. */
const parent = (height: number, ahead = 0, anchorTime = A): { height: number; time: number; anchorTime: number } =>
  ({ height, time: anchorTime + SPACING * (height - 1) - ahead, anchorTime });

describe('getNextWorkRequired', () => {
  describe('regtest: fixed', () => {
    it('always requires powLimitBits, whatever the parent', () => {
      for (const p of [{ height: 0, time: 0 }, { height: 1000, time: regtest.genesis.time }, { height: 5, time: 2 ** 32 - 1 }]) {
        expect(getNextWorkRequired(p, regtest)).toBe(regtest.powLimitBits);
      }
    });
  });

  describe('testnet: ASERT anchored at block 1', () => {
    it('starts CPU miners at a quarter of powLimit, with a five-minute half-life', () => {
      expect(INITIAL_BITS).toBe(0x1e03ffff);
      expect(HALF_LIFE).toBe(300);
      expect(bitsToTarget(INITIAL_BITS) * 4n).toBeLessThanOrEqual(testnet.powLimit);
    });

    it('requires the initial bits of block 1, whenever it is mined', () => {
      for (const time of [testnet.genesis.time, A, A + 400 * 86_400]) {
        expect(getNextWorkRequired({ height: 0, time }, testnet)).toBe(INITIAL_BITS);
      }
    });

    it('keeps the initial bits for block 1\'s child: block 1 is on schedule by definition', () => {
      expect(getNextWorkRequired({ height: 1, time: A, anchorTime: A }, testnet)).toBe(INITIAL_BITS);
    });

    it('keeps the initial bits while blocks follow the schedule from block 1, on any launch date', () => {
      // Under the old rule (anchored at genesis) a chain launched two weeks late was 40,000 blocks behind: powLimit.
      for (const anchorTime of [testnet.genesis.time + 1, A, A + 400 * 86_400, A + 10 * 365 * 86_400]) {
        for (const h of [1, 2, 10, 1000, 100_000]) expect(getNextWorkRequired(parent(h, 0, anchorTime), testnet)).toBe(INITIAL_BITS);
      }
    });

    it('halves the target per half-life ahead of schedule and doubles it per half-life behind', () => {
      expect(getNextWorkRequired(parent(201, HALF_LIFE), testnet)).toBe(0x1e01ffff);
      expect(getNextWorkRequired(parent(100, 5 * HALF_LIFE), testnet)).toBe(0x1d1ffff8);
      expect(getNextWorkRequired(parent(201, -HALF_LIFE), testnet)).toBe(0x1e07fffe);
      expect(bitsToTarget(getNextWorkRequired(parent(201, -HALF_LIFE), testnet)) / INITIAL_TARGET).toBe(2n);
    });

    it('moves the target a little for a little drift', () => {
      expect(getNextWorkRequired(parent(2, 10), testnet)).toBe(0x1e03e8ab);
      expect(getNextWorkRequired(parent(5, 70), testnet)).toBe(0x1e036727);
      expect(getNextWorkRequired(parent(10, -1), testnet)).toBe(0x1e04025e);
    });

    it('is clamped at powLimit when blocks are far too slow', () => {
      for (const late of [3 * HALF_LIFE, 100 * HALF_LIFE, 10 * 365 * 86_400]) {
        expect(getNextWorkRequired(parent(50, -late), testnet)).toBe(testnet.powLimitBits);
      }
    });

    it('recovers once blocks are back on schedule (the schedule is absolute)', () => {
      expect(getNextWorkRequired(parent(100, HALF_LIFE), testnet)).not.toBe(INITIAL_BITS);
      expect(getNextWorkRequired(parent(300), testnet)).toBe(INITIAL_BITS);
    });

    it('refuses a parent above genesis without its anchor time (missing-anchor)', () => {
      let caught: unknown;
      try {
        getNextWorkRequired({ height: 5, time: A + 120 }, testnet);
      } catch (err) {
        caught = err;
      }
      expect(isTallyError(caught, 'missing-anchor')).toBe(true);
    });
  });
});

describe('difficultyAnchorTime', () => {
  it('is undefined at genesis, a block\'s own time at block 1 and inherited above', () => {
    expect(ASERT_ANCHOR_HEIGHT).toBe(1);
    expect(difficultyAnchorTime(0, 100, undefined)).toBeUndefined();
    expect(difficultyAnchorTime(1, A, undefined)).toBe(A);
    expect(difficultyAnchorTime(2, A + 30, A)).toBe(A);
    expect(difficultyAnchorTime(50_000, A + 999_999, A)).toBe(A);
  });
});
