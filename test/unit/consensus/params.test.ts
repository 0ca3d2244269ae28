import { describe, expect, it } from 'vitest';
import { COIN, COINBASE_MATURITY, MAX_BLOCK_WEIGHT, MAX_MONEY } from '../../../src/consensus/constants.js';
import { getNetwork, networks, regtest, testnet } from '../../../src/consensus/params.js';
import { bitsToTarget, targetToBits } from '../../../src/consensus/pow.js';

describe('getNetwork', () => {
  it('returns the parameters of each network by name', () => {
    expect(getNetwork('regtest')).toBe(regtest);
    expect(getNetwork('testnet')).toBe(testnet);
  });

  it.each(['nope', 'mainnet', 'Regtest', '', 'constructor', '__proto__'])('throws a RangeError naming the choices for %j', (name) => {
    expect(() => getNetwork(name)).toThrow(RangeError);
    expect(() => getNetwork(name)).toThrow(/regtest or testnet/);
  });
});

describe('networks', () => {
  it('lists every network under its own name', () => {
    expect(Object.keys(networks).sort()).toEqual(['regtest', 'testnet']);
    for (const [name, params] of Object.entries(networks)) expect(params.name).toBe(name);
  });

  it.each([regtest, testnet])('$name: powLimit is the target of powLimitBits, canonically encoded', (params) => {
    expect(params.powLimit).toBe(bitsToTarget(params.powLimitBits));
    expect(targetToBits(params.powLimit)).toBe(params.powLimitBits);
    expect(params.genesis.bits).toBe(params.powLimitBits);
  });

  it.each([regtest, testnet])('$name: shares Bitcoin\'s money and block limits', (params) => {
    expect(params.maxMoney).toBe(MAX_MONEY);
    expect(params.maxBlockWeight).toBe(MAX_BLOCK_WEIGHT);
    expect(params.coinbaseMaturity).toBe(COINBASE_MATURITY);
    expect(params.initialSubsidy).toBe(50n * COIN);
  });

  it('regtest: fixed minimum difficulty, blocks on demand, quick halvings', () => {
    expect(regtest.difficulty).toEqual({ kind: 'fixed' });
    expect(regtest.powLimitBits).toBe(0x207fffff);
    expect(regtest.mineOnDemand).toBe(true);
    expect(regtest.halvingInterval).toBe(150);
  });

  it('testnet: ASERT anchored at block 1, 30-second blocks', () => {
    expect(testnet.targetSpacing).toBe(30);
    expect(testnet.mineOnDemand).toBe(false);
    expect(testnet.difficulty).toEqual({ kind: 'asert', initialBits: 0x1e03ffff, halfLife: 300 });
    expect(targetToBits(bitsToTarget(0x1e03ffff))).toBe(0x1e03ffff);
    expect(testnet.powLimit).toBeLessThan(regtest.powLimit);
  });

  it('networks do not share address prefixes, ports or genesis blocks', () => {
    expect(regtest.addressPrefix).not.toBe(testnet.addressPrefix);
    const ports = [regtest.defaultP2PPort, regtest.defaultRpcPort, testnet.defaultP2PPort, testnet.defaultRpcPort];
    expect(new Set(ports).size).toBe(4);
    expect(regtest.genesisHash).not.toBe(testnet.genesisHash);
    expect(regtest.genesis.message).not.toBe(testnet.genesis.message);
  });
});
