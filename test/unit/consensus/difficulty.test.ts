import { describe, expect, it } from 'vitest';
import { getNextWorkRequired } from '../../../src/consensus/difficulty.js';
import { regtest, testnet } from '../../../src/consensus/params.js';
import { bitsToTarget } from '../../../src/consensus/pow.js';

const T0 = testnet.genesis.time;
const SPACING = testnet.targetSpacing;
const HALF_LIFE = testnet.difficulty.kind === 'asert' ? testnet.difficulty.halfLife : 0;
/** A testnet parent at `height` whose time is `ahead` seconds earlier than the 30-second schedule. */
const parent = (height: number, ahead = 0): { height: number; time: number } => ({ height, time: T0 + SPACING * height - ahead });

describe('getNextWorkRequired', () => {
  describe('regtest: fixed', () => {
    it('always requires powLimitBits, whatever the parent', () => {
      for (const p of [{ height: 0, time: 0 }, { height: 1000, time: regtest.genesis.time }, { height: 5, time: 2 ** 32 - 1 }]) {
        expect(getNextWorkRequired(p, regtest)).toBe(regtest.powLimitBits);
      }
    });
  });

  describe('testnet: ASERT', () => {
    it('keeps the anchor bits for the genesis block\'s child', () => {
      expect(getNextWorkRequired({ height: 0, time: T0 }, testnet)).toBe(testnet.powLimitBits);
    });

    it('keeps the anchor bits while blocks arrive on schedule', () => {
      for (const h of [1, 2, 10, 1000, 100_000]) {
        expect(getNextWorkRequired(parent(h), testnet)).toBe(testnet.powLimitBits);
      }
    });

    it('makes blocks harder (a smaller target) when they arrive too fast', () => {
      const onTime = bitsToTarget(getNextWorkRequired(parent(200), testnet));
      const fast = bitsToTarget(getNextWorkRequired(parent(200, 600), testnet));
      const faster = bitsToTarget(getNextWorkRequired(parent(200, 1800), testnet));
      expect(fast).toBeLessThan(onTime);
      expect(faster).toBeLessThan(fast);
    });

    it('halves the target one half-life ahead of schedule', () => {
      const bits = getNextWorkRequired(parent(120, HALF_LIFE), testnet);
      expect(bits).toBe(0x1e07ffff);
      const ratio = Number((testnet.powLimit * 1000n) / bitsToTarget(bits));
      expect(ratio).toBeGreaterThanOrEqual(1999);
      expect(ratio).toBeLessThanOrEqual(2001);
    });

    it('quarters it two half-lives ahead', () => {
      expect(getNextWorkRequired(parent(500, 2 * HALF_LIFE), testnet)).toBe(0x1e03ffff);
    });

    it('is clamped at powLimit when blocks are slow', () => {
      for (const late of [1, SPACING, HALF_LIFE, 100 * HALF_LIFE]) {
        expect(getNextWorkRequired(parent(50, -late), testnet)).toBe(testnet.powLimitBits);
      }
    });

    it('recovers once blocks are back on schedule (the schedule is absolute)', () => {
      // Ahead at height 100, then on time at height 300: the target returns to the anchor's.
      expect(getNextWorkRequired(parent(100, HALF_LIFE), testnet)).not.toBe(testnet.powLimitBits);
      expect(getNextWorkRequired(parent(300), testnet)).toBe(testnet.powLimitBits);
    });
  });
});
