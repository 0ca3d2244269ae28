/**
 * The one place Tally reaches into gossipsub's private state (forgetSeenMessage in
 * src/network/libp2p.ts, used to relay an orphan resolved after its gossip verdict).
 * This fails when @libp2p/gossipsub changes how it remembers seen messages.
 * A host with no listen addresses: nothing is dialed or bound.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { createHost, forgetSeenMessage, type TallyLibp2p } from '../../../src/network/libp2p.js';
import { messageId } from '../../../src/network/gossip/topics.js';
import { defaultP2POptions } from '../../../src/network/options.js';
import { regtest } from '../../../src/consensus/params.js';

const TOPIC = '/tally/regtest/txs/1';
let host: TallyLibp2p;

beforeAll(async () => {
  const opts = { ...defaultP2POptions(regtest), listen: [] };
  host = await createHost(opts, await generateKeyPair('Ed25519'), () => false, [TOPIC]);
  await host.start();
});
afterAll(() => host.stop());

describe('forgetSeenMessage', () => {
  it('lets publish send a message gossipsub has already seen', async () => {
    const pubsub = host.services.pubsub;
    const data = new Uint8Array([1, 2, 3, 4]);
    // Gossipsub's default message-id string (the msgId of its message events): unpadded base64 of the id.
    const id = Buffer.from(messageId(TOPIC, data)).toString('base64').replace(/=+$/, '');
    // The host ignores duplicate publishes; this one call throws instead (the implementation takes the option).
    const strict = pubsub as unknown as { publish(topic: string, data: Uint8Array, opts: { ignoreDuplicatePublishError: boolean }): Promise<unknown> };
    await pubsub.publish(TOPIC, data);
    await expect(strict.publish(TOPIC, data, { ignoreDuplicatePublishError: false })).rejects.toThrow('PublishError.Duplicate');
    expect(forgetSeenMessage(pubsub, id)).toBe(true);
    await expect(strict.publish(TOPIC, data, { ignoreDuplicatePublishError: false })).resolves.toBeDefined();
  });
});
