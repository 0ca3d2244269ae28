/**
 * The address index (Core has none): the insight/bitcore addressindex dialect
 * (getaddressutxos, getaddressbalance, getaddresstxids, getaddressdeltas,
 * getaddressmempool; amounts in satoshis, as in those patches) and Core's
 * scantxoutset answered from the index. Each confirmed read also pages:
 * `{ limit, cursor }` in the object form returns `{ ..., next }`, and passing
 * `next` back as `cursor` continues where the page stopped.
 */
import { parseAddresses, parseAddressQuery, MAX_PAGE_LIMIT } from '../address-query.js';
import { defineMethod, type RpcMethod } from '../types.js';
import {
  balanceView, deltasView, mempoolDeltas, txCursorBytes, txidsView, utxosView, DELTA_CURSOR_BYTES, UNSPENT_CURSOR_BYTES,
} from './address-views.js';
import { scanTxOutSetMethod } from './descriptors.js';

export { descriptorChecksum, inferDescriptor, withChecksum } from './descriptors.js';

const PAGING = `; add { limit (1 to ${MAX_PAGE_LIMIT}), cursor } to page: the answer becomes { <items>, next }, and next (null on the last page) is the cursor of the following page; { reverse: true } reads newest first`;

const ADDRESSES_PARAM = {
  name: 'addresses',
  type: ['object', 'string', 'array'] as ('object' | 'string' | 'array')[],
  required: true,
  description: 'an address, an array of addresses, or { "addresses": [...], "start", "end", "chainInfo", "limit", "cursor", "reverse" }',
};

export const addressesMethods: RpcMethod[] = [
  defineMethod({
    name: 'getaddressutxos',
    category: 'addresses',
    description: `Unspent confirmed outputs paying to the addresses, oldest first (address index), each with coinbase and confirmations: a coinbase output is spendable from 100 confirmations. With { chainInfo: true }, also the tip they were read at${PAGING}.`,
    params: [ADDRESSES_PARAM],
    result: '[{ address, txid, outputIndex, script, satoshis, height, coinbase, confirmations }], { utxos, hash, height } with chainInfo, { utxos, next } when paged',
    handler: ({ addresses }, ctx) => utxosView(parseAddressQuery(addresses, ctx, UNSPENT_CURSOR_BYTES), ctx),
  }),
  defineMethod({
    name: 'getaddressbalance',
    category: 'addresses',
    description: 'Confirmed balance of the addresses, in satoshis (address index). balance counts every confirmed unspent output, immature coinbase outputs included, as the dialect does; immature is the part not yet spendable and spendable the rest; received is everything ever paid to them, change included.',
    params: [ADDRESSES_PARAM],
    result: '{ balance, received, immature, spendable } (satoshis)',
    handler: ({ addresses }, ctx) => balanceView(parseAddressQuery(addresses, ctx, UNSPENT_CURSOR_BYTES), ctx),
  }),
  defineMethod({
    name: 'getaddresstxids',
    category: 'addresses',
    description: `Txids of confirmed transactions paying to or spending from the addresses, in block order; the object form takes { start, end } heights. With include_mempool, unconfirmed ones follow (on the last page)${PAGING}.`,
    params: [
      ADDRESSES_PARAM,
      { name: 'include_mempool', type: 'boolean', default: false, description: 'append mempool transactions touching the addresses' },
    ],
    result: '[txid, ...], or { txids, next } when paged',
    handler: ({ addresses, include_mempool }, ctx) => txidsView(parseAddressQuery(addresses, ctx, txCursorBytes), include_mempool === true, ctx),
  }),
  defineMethod({
    name: 'getaddressdeltas',
    category: 'addresses',
    description: `Every change confirmed transactions made to the addresses, in block order: satoshis positive for an output paying them (index = vout), negative for an input spending from them (index = input index); blockindex is the transaction's position in its block. The object form takes { start, end } heights, and with both, { chainInfo: true } adds the blocks at start and end${PAGING}.`,
    params: [ADDRESSES_PARAM],
    result: '[{ satoshis, txid, index, blockindex, height, address }], { deltas, start: { hash, height }, end: { hash, height } } with chainInfo, { deltas, next } when paged',
    handler: ({ addresses }, ctx) => deltasView(parseAddressQuery(addresses, ctx, DELTA_CURSOR_BYTES), ctx),
  }),
  defineMethod({
    name: 'getaddressmempool',
    category: 'addresses',
    description: 'What mempool transactions do to the addresses, as deltas in pool order: satoshis positive for an output (index = vout), negative for an input (index = input index, with the prevtxid and prevout it spends); timestamp is when the transaction entered the pool.',
    params: [ADDRESSES_PARAM],
    result: '[{ address, txid, index, satoshis, timestamp, prevtxid?, prevout? }]',
    handler: ({ addresses }, ctx) => mempoolDeltas(parseAddresses(addresses, ctx), ctx),
  }),
  scanTxOutSetMethod,
];
