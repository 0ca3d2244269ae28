/**
 * The wallet methods compared with Bitcoin Core's documented results (Core 28's
 * RPC help), field by field. See CoreComparison in ../types.ts. They are
 * checked on a real node with a wallet in test/integration/rpc/wallet-rpc.test.ts.
 */
import type { CoreComparison } from '../types.js';
import { fields } from './core-fields.js';

const NULL: CoreComparison = { same: { '': 'null' } };
const STRING: CoreComparison = { same: { '': 'string' } };
const NAME: CoreComparison = { same: { '': 'object', name: 'string' }, missing: { warnings: 'Tally has no warnings to give at creation or load (Core\'s are about legacy wallets and load_on_startup)' } };
const SEND_TXID: CoreComparison = { same: { '': ['string', 'object'], 'txid?': 'string', 'fee_reason?': 'string' } };
const PARENT_DESCS = 'Tally\'s wallets hold only their own descriptors; Core lists the descriptors of the output\'s parents';

/** A listtransactions line (Core's ListTransactions + WalletTxToJSON). */
function entryFields(p: string): CoreComparison['same'] {
  return {
    ...fields(p, 'category txid wtxid bip125-replaceable', 'string'),
    [`${p}address`]: ['string', 'null'],
    ...fields(p, 'amount vout confirmations time timereceived', 'number'),
    ...fields(p, 'fee? blockheight? blockindex? blocktime?', 'number'),
    ...fields(p, 'blockhash? replaced_by_txid? replaces_txid? label?', 'string'),
    ...fields(p, 'generated? trusted? abandoned?', 'boolean'),
    [`${p}walletconflicts`]: 'array',
  };
}
const ENTRY_MISSING = (p: string): Record<string, string> => ({ [`${p}comment`]: 'comments are not stored', [`${p}parent_descs`]: PARENT_DESCS, [`${p}involvesWatchonly`]: 'a descriptor wallet never sets it (Core the same)', [`${p}mempoolconflicts`]: 'a Core 28 field; Tally reports mempool double spends through walletconflicts' });

export const CORE_WALLET: Record<string, CoreComparison> = {
  createwallet: NAME,
  loadwallet: NAME,
  unloadwallet: { same: { '': 'object' }, missing: { warnings: 'no warnings to give' } },
  listwallets: { same: { '': 'array', '[]': 'string' } },
  listwalletdir: { same: { '': 'object', wallets: 'array', 'wallets[].name': 'string' }, missing: { 'wallets[].warnings': 'no warnings to give' } },
  getwalletinfo: {
    same: {
      walletname: 'string',
      ...fields('', 'walletversion txcount keypoolsize keypoolsize_hd_internal unlocked_until? paytxfee birthtime', 'number'),
      ...fields('', 'private_keys_enabled avoid_reuse scanning descriptors external_signer blank', 'boolean'),
      'lastprocessedblock?': 'object', 'lastprocessedblock?.hash': 'string', 'lastprocessedblock?.height': 'number',
    },
    different: { format: { type: 'string', why: '"leveldb": each wallet is its own LevelDB, where Core\'s are "sqlite"' } },
  },
  backupwallet: NULL,
  encryptwallet: STRING,
  walletpassphrase: NULL,
  walletlock: NULL,
  walletpassphrasechange: NULL,
  getnewaddress: STRING,
  getrawchangeaddress: STRING,
  getaddressinfo: {
    same: {
      ...fields('', 'address scriptPubKey witness_program desc? hdkeypath? hdmasterfingerprint?', 'string'),
      ...fields('', 'ismine solvable iswatchonly isscript iswitness ischange', 'boolean'),
      witness_version: 'number', labels: 'array',
    },
    missing: { parent_desc: PARENT_DESCS, timestamp: 'descriptor timestamps are listed by listdescriptors', hdseedid: 'a legacy-wallet field', pubkey: 'taproot outputs are the key; witness_program gives it', embedded: 'no script-hash wrapping in Tally', iscompressed: 'x-only keys have no compression' },
  },
  listdescriptors: {
    same: {
      wallet_name: 'string', descriptors: 'array', 'descriptors[].desc': 'string', 'descriptors[].timestamp': 'number', 'descriptors[].active': 'boolean',
      'descriptors[].internal?': 'boolean', 'descriptors[].range?': 'array', 'descriptors[].next?': 'number', 'descriptors[].next_index?': 'number',
    },
  },
  importdescriptors: { same: { '': 'array', '[].success': 'boolean', '[].error?': 'object' }, missing: { '[].warnings': 'no warnings to give' } },
  rescanblockchain: { same: { start_height: 'number', stop_height: 'number' } },
  getbalance: { same: { '': 'number' } },
  getbalances: {
    same: { mine: 'object', ...fields('mine.', 'trusted untrusted_pending immature', 'number'), 'lastprocessedblock?': 'object', 'lastprocessedblock?.hash': 'string', 'lastprocessedblock?.height': 'number' },
    missing: { 'mine.used': 'avoid_reuse is not supported', watchonly: 'a descriptor wallet has no separate watch-only balance (Core the same)' },
  },
  listunspent: {
    same: {
      '': 'array', ...fields('[].', 'txid scriptPubKey desc? label?', 'string'), '[].address': ['string', 'null'],
      ...fields('[].', 'vout amount confirmations', 'number'), ...fields('[].', 'spendable solvable safe', 'boolean'),
    },
    missing: { '[].parent_descs': PARENT_DESCS, '[].ancestorcount': 'not computed', '[].redeemScript': 'no script-hash outputs', '[].witnessScript': 'key-path taproot only', '[].reused': 'avoid_reuse is not supported' },
  },
  lockunspent: { same: { '': 'boolean' } },
  listlockunspent: { same: { '': 'array', '[].txid': 'string', '[].vout': 'number' } },
  listtransactions: { same: { '': 'array', ...entryFields('[].') }, missing: ENTRY_MISSING('[].') },
  listsinceblock: {
    same: { transactions: 'array', removed: 'array', lastblock: 'string', ...entryFields('transactions[].') },
    missing: ENTRY_MISSING('transactions[].'),
  },
  gettransaction: {
    same: {
      ...fields('', 'amount confirmations time timereceived fee? blockheight? blockindex? blocktime?', 'number'),
      ...fields('', 'txid wtxid hex bip125-replaceable blockhash? replaced_by_txid? replaces_txid?', 'string'),
      ...fields('', 'generated? trusted? abandoned?', 'boolean'),
      walletconflicts: 'array', details: 'array', 'decoded?': 'object',
      ...fields('details[].', 'category label?', 'string'), 'details[].address': ['string', 'null'], ...fields('details[].', 'amount vout', 'number'),
    },
    missing: { comment: 'comments are not stored', 'details[].parent_descs': PARENT_DESCS, mempoolconflicts: 'a Core 28 field; see walletconflicts' },
  },
  sendtoaddress: SEND_TXID,
  sendmany: SEND_TXID,
  send: {
    same: { complete: 'boolean', 'txid?': 'string', 'psbt?': 'string' },
    missing: { hex: 'given only when Core does not broadcast (add_to_wallet false), which Tally does not offer; an incomplete transaction comes as its PSBT' },
  },
  setlabel: NULL,
  // { "address": { purpose } }: the keys are addresses, so only the object itself can be named here.
  getaddressesbylabel: { same: { '': 'object' } },
  listlabels: { same: { '': 'array', '[]': 'string' } },
  listreceivedbyaddress: {
    same: { '': 'array', '[].involvesWatchonly?': 'boolean', ...fields('[].', 'address label', 'string'), ...fields('[].', 'amount confirmations', 'number'), '[].txids': 'array' },
  },
  listreceivedbylabel: { same: { '': 'array', '[].involvesWatchonly?': 'boolean', '[].label': 'string', ...fields('[].', 'amount confirmations', 'number') } },
  settxfee: { same: { '': 'boolean' } },
  fundrawtransaction: { same: { hex: 'string', fee: 'number', changepos: 'number' } },
  signrawtransactionwithwallet: {
    same: { hex: 'string', complete: 'boolean', 'errors?': 'array', 'errors?[].txid': 'string', 'errors?[].vout': 'number', 'errors?[].error': 'string' },
  },
  bumpfee: { same: { txid: 'string', origfee: 'number', fee: 'number', errors: 'array' } },
  abandontransaction: NULL,
  walletcreatefundedpsbt: { same: { psbt: 'string', fee: 'number', changepos: 'number' } },
  walletprocesspsbt: { same: { psbt: 'string', complete: 'boolean', 'hex?': 'string' } },
  finalizepsbt: { same: { 'psbt?': 'string', 'hex?': 'string', complete: 'boolean' } },
  // The PSBT methods without a wallet (Core's rawtransactions group, methods/psbt.ts).
  createpsbt: STRING,
  converttopsbt: STRING,
  combinepsbt: STRING,
  utxoupdatepsbt: STRING,
  decodepsbt: {
    same: {
      tx: 'object', global_xpubs: 'array', psbt_version: 'number', proprietary: 'array', unknown: 'object', inputs: 'array', outputs: 'array', 'fee?': 'number',
      'inputs[].witness_utxo?': 'object', 'inputs[].witness_utxo?.amount': 'number', 'inputs[].witness_utxo?.scriptPubKey': 'object',
      ...fields('inputs[].', 'taproot_key_path_sig? taproot_internal_key?', 'string'), ...fields('inputs[].', 'taproot_bip32_derivs? final_scriptwitness?', 'array'),
      'outputs[].taproot_internal_key?': 'string', 'outputs[].taproot_bip32_derivs?': 'array',
    },
    missing: { 'inputs[].non_witness_utxo': 'Tally has only segwit v1 outputs: witness_utxo is enough', 'inputs[].partial_signatures': 'taproot has no ECDSA partial signatures', tx_version: 'a PSBT version 2 field; Tally writes version 0' },
  },
  analyzepsbt: {
    same: { inputs: 'array', 'inputs[].has_utxo': 'boolean', 'inputs[].is_final': 'boolean', 'inputs[].next': 'string', ...fields('', 'estimated_vsize? estimated_feerate? fee?', 'number'), next: 'string' },
    missing: { 'inputs[].missing': 'the next role says what an input lacks', error: 'an invalid PSBT is refused with -22 instead' },
  },
};
