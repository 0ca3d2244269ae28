/**
 * Finds the nonce of a network's genesis block. Run once when a network's
 * genesis fields change, then pin the printed nonce and hash in
 * src/consensus/params.ts:  npx tsx scripts/mine-genesis.ts testnet
 */
import '../src/polyfills.js';
import { buildGenesisBlock } from '../src/consensus/genesis.js';
import { getNetwork } from '../src/consensus/params.js';
import { verifyHeaderHash } from '../src/consensus/pow.js';

const params = getNetwork(process.argv[2] ?? 'regtest');
const block = buildGenesisBlock({ ...params.genesis, nonce: 0 });
for (let nonce = 0; nonce <= 0xffffffff; nonce++) {
  const header = block.header.with({ nonce });
  if (verifyHeaderHash(header.hashBytes, header.bits, params.powLimit)) {
    console.log(JSON.stringify({ network: params.name, nonce, hash: header.hash, merkleRoot: header.merkleRoot }));
    process.exit(0);
  }
}
console.error('no nonce found: change the genesis time');
process.exit(1);
