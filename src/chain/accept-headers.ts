/**
 * Headers-first acceptance of a run of headers (Core's ProcessNewBlockHeaders):
 * each header is judged against the block index exactly as a lone header would
 * be, added to the index, and its record collected so the caller writes the
 * whole run in one database batch.
 */
import type { BlockHeader } from '../primitives/block.js';
import { checkBlockHeader, checkHeaderContext, headerContext } from '../consensus/block-checks.js';
import { headerError, type RuleError } from '../consensus/errors.js';
import type { NetworkParams } from '../consensus/params.js';
import type { BlockIndex } from './block-index.js';
import type { BatchOp } from './chaindb.js';
import { ChainEntry } from './entry.js';
import { keys } from './layout.js';
import { encodeHeaderRecord } from './records.js';

/** What a run of headers did: the last entry accepted (known or new), how many were new, and the first rule broken. */
export interface HeadersResult {
  last?: ChainEntry;
  added: number;
  error?: RuleError;
}

/** A run's result plus the records to store; `failure` is the first error thrown (a RuleError but for a bug). */
export interface AcceptedHeaders {
  last?: ChainEntry;
  added: number;
  failure?: unknown;
  ops: BatchOp[];
}

/**
 * Judges `headers` in order, adding each new one to `index`, and stops at the first
 * that throws: those before it stay accepted, as with one call per header.
 */
export function acceptHeaders(headers: readonly BlockHeader[], index: BlockIndex, params: NetworkParams, now: number): AcceptedHeaders {
  const ops: BatchOp[] = [];
  let last: ChainEntry | undefined;
  for (const header of headers) {
    try {
      const known = index.get(header.hash);
      if (known?.failed) throw headerError('duplicate-invalid', 'header is known to be invalid');
      last = known ?? acceptNewHeader(header, index, params, now, ops);
    } catch (failure) {
      return { last, added: ops.length, failure, ops };
    }
  }
  return { last, added: ops.length, ops };
}

/** processHeader's checks for a header the index lacks; adds its entry and queues its record. */
function acceptNewHeader(header: BlockHeader, index: BlockIndex, params: NetworkParams, now: number, ops: BatchOp[]): ChainEntry {
  checkBlockHeader(header, params);
  const parent = index.get(header.prevHash);
  if (parent?.failed) throw headerError('bad-prevblk', 'previous block is invalid');
  checkHeaderContext(header, headerContext(parent?.asParent(), params, now));
  const entry = new ChainEntry(header, parent!, 0);
  index.add(entry);
  ops.push({ type: 'put', key: keys.header(entry.hash), value: encodeHeaderRecord(entry.toRecord()) });
  return entry;
}
