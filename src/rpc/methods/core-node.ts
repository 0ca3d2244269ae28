/**
 * The mempool, mining, network and utility methods compared with Bitcoin
 * Core's documented results (Core 28's RPC help), field by field; and the
 * methods Core does not have. See CoreComparison in ../types.ts.
 */
import type { CoreComparison } from '../types.js';
import { DIFFICULTY_WHY, fields } from './core-fields.js';

const NULL: CoreComparison = { same: { '': 'null' } };
const TXIDS: CoreComparison = { same: { '': 'array', '[]': 'string' } };
const WARNINGS_WHY = 'a string, as Core before 28 gives it (and 28 with -deprecatedrpc=warnings); Core 28 gives an array';
const NO_ADDR_RELAY = 'Tally peers find each other through libp2p (bootstrap, mDNS), not by relaying addresses';
const PEER_ID_WHY = 'a libp2p peer id where Core has an IP address or subnet: Tally bans peers, not addresses';

const PEER_INFO: CoreComparison = {
  same: {
    ...fields('[].', 'addr network services subver connection_type', 'string'),
    ...fields('[].', 'id lastsend lastrecv bytessent bytesrecv conntime pingtime? minping?', 'number'),
    ...fields('[].', 'relaytxes inbound bip152_hb_to bip152_hb_from addr_relay_enabled', 'boolean'),
    '[].servicesnames': 'array', '[].permissions': 'array',
  },
  different: {
    '[].last_block': { type: 'number', why: 'blocks the peer gossiped; blocks that sync fetched from it are not counted' },
    '[].last_transaction': { type: 'number', why: 'transactions the peer gossiped that entered the mempool; like Core, 0 until one does' },
    '[].timeoffset': { type: 'number', why: 'always 0: Tally peers do not exchange clocks (blocks are judged by the node clock alone)' },
    '[].version': { type: 'number', why: 'Tally\'s p2p protocol version (1), not Bitcoin\'s' },
    '[].startingheight': { type: 'number', why: 'the height from the peer\'s latest status message, which is refreshed, not only the one at connection' },
    '[].synced_headers': { type: 'number', why: 'the peer\'s reported height, where Core counts the headers it knows the peer has' },
    '[].synced_blocks': { type: 'number', why: 'the peer\'s reported height, where Core counts the blocks it knows the peer has' },
  },
  added: {
    '[].peer_id': 'the libp2p peer id: what setban, disconnectnode and --bootstrap take',
    '[].multiaddr': 'the connection\'s remote multiaddr, which `addr` shortens to host:port',
    '[].addresses': 'remote multiaddrs of every connection to the peer',
    '[].banscore': 'the peer\'s misbehaviour score (Core removed banscore in 0.21; Tally still bans at 100)',
  },
  missing: {
    '[].addrbind': 'libp2p does not expose the local socket address per connection',
    '[].addrlocal': 'peers do not tell each other our address',
    '[].mapped_as': 'no ASN map (-asmap)',
    '[].pingwait': 'pings are libp2p\'s; a ping in flight is not visible',
    '[].presynced_headers': 'no headers presync (Tally checks header work differently, sync/low-work.ts)',
    '[].inflight': 'block requests are assigned per range by sync, not kept per peer for RPC',
    '[].addr_processed': NO_ADDR_RELAY,
    '[].addr_rate_limited': NO_ADDR_RELAY,
    '[].minfeefilter': 'no feefilter message in Tally\'s protocol',
    '[].bytessent_per_msg': 'bytes are counted per connection, not per message type',
    '[].bytesrecv_per_msg': 'bytes are counted per connection, not per message type',
    '[].transport_protocol_type': 'libp2p noise, which is neither of Core\'s v1 or v2 (BIP324)',
    '[].session_id': 'no BIP324 session',
  },
};

/** What the address methods are, for any of them (the table gives it to addresses methods without an entry here). */
export const INSIGHT = 'the insight/bitcore addressindex dialect; Core has no address index';

export const CORE_NODE: Record<string, CoreComparison> = {
  getmempoolinfo: {
    same: {
      ...fields('', 'size bytes usage total_fee maxmempool mempoolminfee minrelaytxfee incrementalrelayfee unbroadcastcount', 'number'),
      ...fields('', 'loaded fullrbf', 'boolean'),
    },
  },
  getrawmempool: TXIDS,
  getmempoolentry: {
    same: {
      ...fields('', 'vsize weight time height descendantcount descendantsize ancestorcount ancestorsize', 'number'),
      ...fields('fees.', 'base modified ancestor descendant', 'number'),
      wtxid: 'string', depends: 'array', spentby: 'array', 'bip125-replaceable': 'boolean', unbroadcast: 'boolean',
    },
  },
  getmempoolancestors: TXIDS,
  getmempooldescendants: TXIDS,
  getmininginfo: {
    same: {
      ...fields('', 'blocks networkhashps pooledtx', 'number'), ...fields('', 'bits target chain', 'string'),
      'next.height': 'number', 'next.bits': 'string', 'next.target': 'string',
    },
    different: {
      difficulty: { type: 'number', why: DIFFICULTY_WHY }, 'next.difficulty': { type: 'number', why: DIFFICULTY_WHY },
      warnings: { type: 'string', why: WARNINGS_WHY },
    },
    missing: {
      currentblockweight: 'Core gives it only after building a template; Tally keeps no template for RPC',
      currentblocktx: 'Core gives it only after building a template; Tally keeps no template for RPC',
    },
  },
  getnetworkhashps: { same: { '': 'number' } },
  getblocktemplate: {
    same: {
      ...fields('', 'capabilities rules mutable transactions', 'array'), ...fields('', 'vbavailable coinbaseaux', 'object'),
      ...fields('', 'version vbrequired coinbasevalue mintime sizelimit weightlimit curtime height', 'number'),
      ...fields('', 'previousblockhash longpollid target noncerange bits default_witness_commitment?', 'string'),
      ...fields('transactions[].', 'data txid hash', 'string'), ...fields('transactions[].', 'fee weight', 'number'), 'transactions[].depends': 'array',
    },
    missing: {
      sigoplimit: 'no signature-operation limit: Tally has no script interpreter, every input is one taproot key-path signature',
      'transactions[].sigops': 'no signature-operation counts (see sigoplimit)',
      signet_challenge: 'Tally has no signet',
    },
  },
  submitblock: { same: { '': ['null', 'string'] } },
  generatetoaddress: TXIDS,
  generateblock: { same: { hash: 'string', 'hex?': 'string' } },
  estimatesmartfee: { same: { blocks: 'number', 'feerate?': 'number', 'errors?': 'array' } },
  getpeerinfo: PEER_INFO,
  getconnectioncount: { same: { '': 'number' } },
  getnetworkinfo: {
    same: {
      ...fields('', 'subversion localservices', 'string'),
      ...fields('', 'timeoffset connections connections_in connections_out relayfee incrementalfee', 'number'),
      ...fields('', 'localrelay networkactive', 'boolean'),
      ...fields('', 'localservicesnames networks localaddresses', 'array'),
      ...fields('networks[].', 'name proxy', 'string'), ...fields('networks[].', 'limited reachable proxy_randomize_credentials', 'boolean'),
      'localaddresses[].address': 'string', 'localaddresses[].port': 'number', 'localaddresses[].score': 'number',
    },
    different: {
      version: { type: 'number', why: 'Tally\'s version (100 for 0.1.0), not Core\'s' },
      protocolversion: { type: 'number', why: 'Tally\'s p2p protocol version (1)' },
      warnings: { type: 'string', why: WARNINGS_WHY },
    },
    added: {
      localmultiaddrs: 'the full multiaddrs (with /p2p/<peer id>) to hand out as --bootstrap addresses',
      'peer_id?': 'this node\'s libp2p peer id (with p2p on)',
    },
  },
  getnettotals: {
    same: {
      ...fields('', 'totalbytesrecv totalbytessent timemillis', 'number'),
      ...fields('uploadtarget.', 'timeframe target bytes_left_in_cycle time_left_in_cycle', 'number'),
      ...fields('uploadtarget.', 'target_reached serve_historical_blocks', 'boolean'),
    },
  },
  addnode: NULL,
  disconnectnode: NULL,
  setban: NULL,
  listbanned: {
    same: fields('[].', 'ban_created banned_until ban_duration time_remaining', 'number'),
    different: { '[].address': { type: 'string', why: PEER_ID_WHY } },
    added: { '[].reason': 'why the peer was banned (a reject code, or "manually added")' },
  },
  clearbanned: NULL,
  ping: NULL,
  help: { same: { '': 'string' } },
  'rpc.discover': { same: fields('', 'openrpc info methods', ['string', 'object', 'array']), notInCore: 'OpenRPC service discovery (the method table as an OpenRPC 1.2 document); Core has no equivalent' },
  uptime: { same: { '': 'number' } },
  stop: { same: { '': 'string' } },
  getrpcinfo: {
    same: { active_commands: 'array', 'active_commands[].method': 'string', 'active_commands[].duration': 'number' },
    different: { logpath: { type: 'string', why: 'empty: Tally logs to standard output, not to a debug.log file' } },
  },
  validateaddress: {
    same: { isvalid: 'boolean', ...fields('', 'address? scriptPubKey? witness_program? error?', 'string'), ...fields('', 'isscript? iswitness?', 'boolean'), 'witness_version?': 'number' },
    missing: { error_locations: 'bech32m error positions are not located' },
  },
  scantxoutset: {
    same: {
      success: 'boolean', ...fields('', 'height total_amount', 'number'), bestblock: 'string', unspents: 'array',
      ...fields('unspents[].', 'txid scriptPubKey desc blockhash', 'string'), ...fields('unspents[].', 'vout amount height confirmations', 'number'), 'unspents[].coinbase': 'boolean',
    },
    different: { txouts: { type: 'number', why: 'answered from the address index without a scan: the size of the UTXO set, not a count of outputs scanned' } },
  },
  getaddressutxos: { same: {}, notInCore: INSIGHT },
  getaddressbalance: { same: {}, notInCore: INSIGHT },
  getaddresstxids: { same: {}, notInCore: INSIGHT },
};
