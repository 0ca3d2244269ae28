// Lookups shared by pages and the search box, their failures in words.
import { PageError, shortHash } from './format.js';
import { rpc, RpcError } from './rpc.js';

/** The best chain's block hash at `height`; "no block at height 99999 yet; the tip is 152" past the tip. */
export async function hashAtHeight(height) {
  try {
    return await rpc('getblockhash', height);
  } catch (err) {
    if (!(err instanceof RpcError) || err.code !== -8) throw err;
    const tip = await rpc('getblockcount');
    throw new PageError('Not found', `No block at height ${height} yet; the tip is ${tip}.`);
  }
}

/** getblock of a hash or a height, its failure in words. */
export async function blockOf(hashOrHeight, verbosity) {
  const hash = /^\d+$/.test(hashOrHeight) ? await hashAtHeight(Number(hashOrHeight)) : hashOrHeight;
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new PageError('Not found', `"${hash}" is neither a block height nor a block hash (64 hex digits).`);
  try {
    return await rpc('getblock', hash, verbosity);
  } catch (err) {
    if (err instanceof RpcError && err.code === -5) throw new PageError('Not found', `No block ${shortHash(hash)} is known to this node.`);
    throw err;
  }
}

/** getrawtransaction at verbosity 2, its failure in words. */
export async function transactionOf(txid) {
  if (!/^[0-9a-f]{64}$/.test(txid)) throw new PageError('Not found', `"${txid}" is not a transaction id (64 hex digits).`);
  try {
    return await rpc('getrawtransaction', txid, 2);
  } catch (err) {
    if (!(err instanceof RpcError) || err.code !== -5) throw err;
    throw new PageError('Not found', `No transaction ${shortHash(txid)} in the mempool or in a block of the best chain (one that is only in a side branch's blocks is not found).`);
  }
}
