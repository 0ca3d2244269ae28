/**
 * The link meter of PeerState and timedCall's re-asked timeout: what the
 * download schedules and times out by, on an injected clock.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PeerState } from '../../../src/sync/peer-state.js';
import { timedCall } from '../../../src/sync/timed-call.js';
import type { SyncPeer } from '../../../src/network/interface.js';

const sync: SyncPeer = { id: 'p', status: { network: 'regtest', genesis: '00', tipHash: 'tip', height: 1, chainWork: 1n } };

describe('PeerState link meter', () => {
  it('measures a new peer on its first block, then the link over windows while it owes blocks', () => {
    const peer = new PeerState(sync);
    peer.meterBytes(1_000, 10); // not metering: nothing owed
    expect(peer.bytesPerSecond).toBeUndefined();
    peer.meterStart(0);
    peer.meterBytes(100_000, 100); // first block: 1 MB/s, latency included
    expect(peer.bytesPerSecond).toBe(1_000_000);
    // Two replies side by side each carry half the link; the meter sees the whole link.
    peer.meterBytes(200_000, 200);
    peer.meterBytes(200_000, 300);
    expect(peer.bytesPerSecond).toBe(1_000_000); // the window is not over yet
    peer.meterBytes(400_000, 500); // 800 kB in 400 ms: 2 MB/s, averaged in
    expect(peer.bytesPerSecond).toBeCloseTo(0.7 * 1_000_000 + 0.3 * 2_000_000, 6);
  });

  it('keeps a last partial window only if it lasted long enough to mean something', () => {
    const peer = new PeerState(sync);
    Object.assign(peer, { bytesPerSecond: 1_000 });
    peer.meterStart(0);
    peer.meterBytes(1_000_000, 50);
    peer.meterStop(50);
    expect(peer.bytesPerSecond).toBe(1_000);
    peer.meterStart(100);
    peer.meterBytes(1_000, 300);
    peer.meterStop(300); // 200 ms at 5 kB/s
    expect(peer.bytesPerSecond).toBeCloseTo(0.7 * 1_000 + 0.3 * 5_000, 6);
  });
});

describe('timedCall', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('asks a timeout function again at each touch, so the wait follows what is expected now', async () => {
    vi.useFakeTimers();
    let waitMs = 100;
    let touch!: () => void;
    const never = new Promise<void>(() => undefined);
    const call = timedCall((_signal, t) => ((touch = t), never), () => waitMs, new AbortController().signal, 50);
    const outcome = call.then(() => 'resolved', (err: Error) => err.message);
    await vi.advanceTimersByTimeAsync(40);
    waitMs = 1_000; // blocks turned out larger
    touch();
    await vi.advanceTimersByTimeAsync(900);
    touch();
    await vi.advanceTimersByTimeAsync(999);
    waitMs = 10;
    touch();
    await vi.advanceTimersByTimeAsync(11);
    expect(await outcome).toBe('nothing received for 10 ms');
  });
});
