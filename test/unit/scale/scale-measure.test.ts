import { describe, expect, it } from 'vitest';
import { isConnected, pollMs, quantile, retried } from '../../helpers/scale-measure.js';
import { parseScaleArgs } from '../../../scripts/scale/args.js';

describe('scale run measures', () => {
  it('takes quantiles by nearest rank', () => {
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(quantile([5, 1, 3, 2, 4], 0.95)).toBe(5);
    expect(quantile([7], 0.5)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('tells a connected peer graph from a split one, from either end of an edge', () => {
    const chain = new Map([['a', ['b']], ['b', ['c']], ['c', []]]);
    expect(isConnected(['a', 'b', 'c'], chain)).toBe(true);
    const split = new Map([['a', ['b']], ['b', []], ['c', ['d']], ['d', []]]);
    expect(isConnected(['a', 'b', 'c', 'd'], split)).toBe(false);
    // Edges to nodes outside the set (killed nodes) do not join it.
    const viaDead = new Map([['a', ['x']], ['b', ['x']], ['x', ['a', 'b']]]);
    expect(isConnected(['a', 'b'], viaDead)).toBe(false);
  });

  it('polls a hundred nodes less often than a few', () => {
    expect(pollMs(3)).toBe(500);
    expect(pollMs(40)).toBe(800);
    expect(pollMs(100)).toBe(2_000);
    expect(pollMs(1_000)).toBe(2_000);
  });

  it('parses the run arguments and refuses bad ones', () => {
    const args = parseScaleArgs(['--nodes', '40', '--blocks', '2', '--block-kb', '500']);
    expect(args).toMatchObject({ nodes: 40, blocks: 2, blockKb: 500, minPeers: 8, churnShare: 0.3 });
    expect(() => parseScaleArgs(['--nodes', '2'])).toThrow(/--nodes/);
    const idle = parseScaleArgs(['--idle-only', '--cpu-prof', '/tmp/p', '--dist', '/tmp/d']);
    expect([idle.idleOnly, idle.cpuProfDir, idle.dist]).toEqual([true, '/tmp/p', '/tmp/d']);
    expect(parseScaleArgs([]).idleOnly).toBe(false);
  });

  it('calls an RPC again only when the connection failed, and names the node when it gives up', async () => {
    let calls = 0;
    const flaky = async () => {
      calls++;
      if (calls === 1) throw new TypeError('fetch failed', { cause: new Error('other side closed') });
      return 'tip';
    };
    await expect(retried('n7', flaky)).resolves.toBe('tip');
    expect(calls).toBe(2);

    let rejected = 0;
    const refused = async () => {
      rejected++;
      throw new Error('RPC error -8');
    };
    await expect(retried('n7', refused)).rejects.toThrow(/^n7: RPC error -8/);
    expect(rejected).toBe(1);

    const down = async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    };
    await expect(retried('n3', down, 0)).rejects.toThrow('n3: fetch failed (connect ECONNREFUSED)');
  });
});
