/** The node's libp2p identity, kept in the datadir so its peer id survives restarts. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { writeFileAtomic } from '../node/atomic-file.js';
import { P2PError } from './errors.js';

export async function loadOrCreatePeerKey(datadir: string): Promise<PrivateKey> {
  const path = join(datadir, 'p2p.key');
  if (existsSync(path)) {
    try {
      return privateKeyFromProtobuf(readFileSync(path));
    } catch (err) {
      throw new P2PError('bad-peer-key', `${path} is not a libp2p private key (${(err as Error).message}); move it away to make a new identity`);
    }
  }
  const key = await generateKeyPair('Ed25519');
  // Whole or not at all: a full disk must not leave an empty key that the next start refuses.
  writeFileAtomic(path, privateKeyToProtobuf(key));
  return key;
}
