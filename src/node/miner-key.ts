/**
 * The key a node mines to when no --miner-address is given: created once in
 * the datadir (mode 0600) so a demo node's coins are spendable by its wallet.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { fromHex, toHex } from '../primitives/bytes.js';
import { encodeAddress } from '../primitives/address.js';
import { outputKeyFromSecret } from '../primitives/sign.js';
import { randomSecretKey } from '../primitives/signature.js';
import type { NetworkParams } from '../consensus/params.js';
import { ConfigError } from './config.js';

export interface MinerKey {
  path: string;
  secretKey: Uint8Array;
  address: string;
  created: boolean;
}

export function loadOrCreateMinerKey(datadir: string, params: NetworkParams): MinerKey {
  const path = join(datadir, 'miner.key');
  let created = false;
  let secretKey: Uint8Array;
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(text)) throw new ConfigError('bad-config', `${path} does not hold a 64-digit hex secret key`);
    secretKey = fromHex(text);
  } else {
    secretKey = randomSecretKey();
    writeFileAtomic(path, `${toHex(secretKey)}\n`);
    created = true;
  }
  return { path, secretKey, address: encodeAddress(params.addressPrefix, outputKeyFromSecret(secretKey)), created };
}
