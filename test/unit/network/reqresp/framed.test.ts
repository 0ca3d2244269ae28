/**
 * Frames as large as the largest message a peer may send (a 4.2 MB block
 * reply) must pass the stream's read buffer: libp2p's default buffer is
 * 4 MiB, and a swarm sync of 4 MB blocks once failed with "Read buffer
 * overflow - N > 4194304". A peer may also send the next frame before the
 * first is read.
 */
import { streamPair } from '@libp2p/utils';
import { describe, expect, it } from 'vitest';
import { networks } from '../../../../src/consensus/params.js';
import { defaultP2POptions } from '../../../../src/network/options.js';
import { Framed } from '../../../../src/network/reqresp/protocols.js';

const MAX = defaultP2POptions(networks.regtest).maxMessageSize;

function filled(size: number, byte: number): Uint8Array {
  return new Uint8Array(size).fill(byte);
}

describe('Framed', () => {
  it('reads frames of the largest allowed size, two sent back to back before either is read', async () => {
    const [outbound, inbound] = await streamPair({ delay: 0 });
    const writer = new Framed(outbound, MAX);
    const reader = new Framed(inbound, MAX);
    try {
      const sent = Promise.all([writer.write(filled(MAX, 1)), writer.write(filled(MAX, 2))]);
      const first = await reader.read(AbortSignal.timeout(10_000));
      const second = await reader.read(AbortSignal.timeout(10_000));
      await sent;
      expect([first.length, first[0], first[MAX - 1]]).toEqual([MAX, 1, 1]);
      expect([second.length, second[0], second[MAX - 1]]).toEqual([MAX, 2, 2]);
    } finally {
      outbound.abort(new Error('done'));
      inbound.abort(new Error('done'));
    }
  });

  it('still refuses a frame one byte over the limit, with a coded error', async () => {
    const [outbound, inbound] = await streamPair({ delay: 0 });
    const writer = new Framed(outbound, MAX + 1);
    const reader = new Framed(inbound, MAX);
    try {
      void writer.write(filled(MAX + 1, 3)).catch(() => undefined);
      await expect(reader.read(AbortSignal.timeout(10_000))).rejects.toMatchObject({ code: expect.any(String) });
    } finally {
      outbound.abort(new Error('done'));
      inbound.abort(new Error('done'));
    }
  });
});
