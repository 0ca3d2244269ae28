/**
 * The blockchain and raw-transaction methods compared with Bitcoin Core's
 * documented results (Core 28's RPC help, src/rpc/blockchain.cpp and
 * rawtransaction.cpp), field by field. See CoreComparison in ../types.ts.
 */
import type { CoreComparison } from '../types.js';
import { DIFFICULTY_WHY, fields, headerFields, scriptPubKeyFields, txFields } from './core-fields.js';

const WARNINGS_WHY = 'a string, as Core before 28 gives it (and 28 with -deprecatedrpc=warnings); Core 28 gives an array';

export const CORE_CHAIN: Record<string, CoreComparison> = {
  getblockchaininfo: {
    same: {
      ...fields('', 'chain bestblockhash bits target chainwork', 'string'),
      ...fields('', 'blocks headers time mediantime', 'number'),
      ...fields('', 'initialblockdownload pruned', 'boolean'),
    },
    different: {
      difficulty: { type: 'number', why: DIFFICULTY_WHY },
      verificationprogress: { type: 'number', why: 'blocks over headers known, where Core estimates from transaction counts' },
      size_on_disk: { type: 'number', why: 'the whole database (blocks, coins, indexes), where Core counts its block and undo files' },
      warnings: { type: 'string', why: WARNINGS_WHY },
    },
    missing: {
      pruneheight: 'Tally never prunes; Core gives it only when pruning',
      automatic_pruning: 'Tally never prunes; Core gives it only when pruning',
      prune_target_size: 'Tally never prunes; Core gives it only when pruning',
      signet_challenge: 'Tally has no signet',
    },
  },
  getblockcount: { same: { '': 'number' } },
  getbestblockhash: { same: { '': 'string' } },
  getblockhash: { same: { '': 'string' } },
  getblock: {
    same: {
      ...headerFields(),
      ...fields('', 'size strippedsize weight', 'number'),
      tx: 'array',
      ...txFields('tx[].', { hex: true, prevout: true }),
    },
    different: { difficulty: { type: 'number', why: DIFFICULTY_WHY } },
  },
  getblockheader: { same: headerFields(), different: { difficulty: { type: 'number', why: DIFFICULTY_WHY } } },
  getchaintips: { same: { ...fields('[].', 'height branchlen', 'number'), ...fields('[].', 'hash status', 'string') } },
  getdifficulty: { same: {}, different: { '': { type: 'number', why: DIFFICULTY_WHY } } },
  gettxout: {
    same: { bestblock: 'string', confirmations: 'number', value: 'number', coinbase: 'boolean', ...scriptPubKeyFields('scriptPubKey.') },
  },
  gettxoutsetinfo: {
    same: { ...fields('', 'height txouts bogosize transactions total_amount', 'number'), bestblock: 'string' },
    different: {
      'hash_serialized_3?': { type: 'string', why: 'sha256 over Tally\'s coin records in key order: equal sets agree between Tally nodes, not with Core\'s serialization' },
      disk_size: { type: 'number', why: 'the whole database: Tally keeps coins, blocks and indexes in one LevelDB' },
    },
    missing: {
      muhash: 'no MuHash implementation; hash_type muhash is refused',
      total_unspendable_amount: 'Core gives it only from coinstatsindex, which Tally does not have',
      block_info: 'Core gives it only from coinstatsindex, which Tally does not have',
    },
  },
  getblockstats: {
    same: {
      ...fields('', 'avgfee avgfeerate avgtxsize height ins maxfee maxfeerate maxtxsize medianfee mediantime mediantxsize minfee minfeerate mintxsize outs subsidy swtotal_size swtotal_weight swtxs time total_out total_size total_weight totalfee txs utxo_increase utxo_size_inc utxo_increase_actual utxo_size_inc_actual', 'number'),
      blockhash: 'string',
      feerate_percentiles: 'array',
    },
  },
  getchaintxstats: {
    same: {
      ...fields('', 'time window_final_block_height window_block_count', 'number'),
      ...fields('', 'txcount? window_interval? window_tx_count? txrate?', 'number'),
      window_final_block_hash: 'string',
    },
  },
  getindexinfo: {
    same: { 'txindex.synced': 'boolean', 'txindex.best_block_height': 'number' },
    added: { addressindex: 'Tally\'s address index (the insight dialect\'s addressindex), always on' },
    missing: {
      coinstatsindex: 'Tally has no coin statistics index',
      'basic block filter index': 'Tally has no BIP157 block filters',
    },
  },
  getdeploymentinfo: {
    same: {
      hash: 'string', height: 'number', deployments: 'object',
      ...Object.fromEntries(['bip34', 'segwit'].flatMap((d) => [[`deployments.${d}.type`, 'string'], [`deployments.${d}.active`, 'boolean'], [`deployments.${d}.height`, 'number']])),
      'deployments.taproot.active': 'boolean',
    },
    different: { 'deployments.taproot.type': { type: 'string', why: '"buried" at height 0: active from genesis, never signalled, where Core reports a bip9 deployment' } },
    missing: {
      'deployments.bip65': 'no CHECKLOCKTIMEVERIFY: Tally has no script interpreter (taproot key-path spends only)',
      'deployments.bip66': 'no DER signatures: taproot spends use Schnorr signatures',
      'deployments.csv': 'Tally enforces BIP113 (median time past for locktime) but not BIP68/BIP112 sequence locks',
      'deployments.testdummy': 'no version-bits deployments',
      'deployments.taproot.bip9': 'buried, not a bip9 deployment',
    },
  },
  getrawtransaction: {
    same: { ...txFields('', { hex: true, prevout: true }), ...fields('', 'blockhash?', 'string'), ...fields('', 'confirmations? time? blocktime?', 'number'), 'in_active_chain?': 'boolean' },
  },
  decoderawtransaction: { same: txFields('') },
  decodescript: {
    same: { ...fields('', 'asm type', 'string'), 'address?': 'string' },
    different: { desc: { type: 'string', why: 'rawtr() for taproot and raw() for the rest: Tally has no keys or addresses for other script types (Core infers pkh(), wpkh(), multi() and addr())' } },
    missing: {
      p2sh: 'Tally has no P2SH addresses',
      segwit: 'Tally has no segwit v0 (P2WSH) addresses',
    },
  },
  createrawtransaction: { same: { '': 'string' } },
  sendrawtransaction: { same: { '': 'string' } },
  testmempoolaccept: {
    same: {
      ...fields('[].', 'txid wtxid', 'string'),
      ...fields('[].', 'package-error? reject-reason?', 'string'),
      '[].allowed?': 'boolean', '[].vsize?': 'number',
      '[].fees?.base': 'number', '[].fees?.effective-feerate': 'number', '[].fees?.effective-includes': 'array',
    },
  },
};
