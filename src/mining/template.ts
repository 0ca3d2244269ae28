/**
 * Block templates: everything a miner needs to search for a block on top of a
 * parent, and to rebuild the block when it rolls the extra nonce or the time.
 * Pure: the clock is the `now` argument.
 */
import type { Block } from '../primitives/block.js';
import { isValidOutputScript } from '../primitives/script.js';
import type { Transaction } from '../primitives/tx.js';
import { getNextWorkRequired } from '../consensus/difficulty.js';
import type { NetworkParams } from '../consensus/params.js';
import { bitsToTarget } from '../consensus/pow.js';
import { getBlockSubsidy } from '../consensus/subsidy.js';
import { assembleBlock } from './assemble.js';
import { createCoinbase } from './coinbase.js';
import { miningError } from './errors.js';
import { selectTransactions, type TemplateCandidate, type TemplateSource } from './select.js';

export type { TemplateCandidate, TemplateSource } from './select.js';

/**
 * Weight kept free for the header, the transaction count and the coinbase
 * (Core reserves the same 4000 in `BlockAssembler::resetBlock`).
 */
export const COINBASE_RESERVED_WEIGHT = 4000;

/** Header version of templates: plain version 1, as Tally has no soft-fork signalling yet. */
export const TEMPLATE_VERSION = 1;

/** What a template needs to know about the block it builds on. */
export interface TemplateParent {
  /** Parent block hash, internal byte order. */
  hashBytes: Uint8Array;
  height: number;
  time: number;
  /** Median time past of the parent (a new block's time must exceed it). */
  medianTimePast: number;
  /** Time of the parent's block 1, which the testnet's difficulty needs (`ParentForDifficulty`). */
  anchorTime?: number | undefined;
}

/** Inputs of {@link createBlockTemplate}. */
export interface CreateTemplateOptions {
  params: NetworkParams;
  parent: TemplateParent;
  /** The clock, in seconds since the Unix epoch. */
  now: number;
  /** Output script the coinbase pays to (taproot or OP_RETURN, as consensus requires). */
  payoutScript: Uint8Array;
  /** Mempool candidates, parents before children; none gives an empty block. */
  candidates?: TemplateSource | readonly TemplateCandidate[];
  extraNonce?: bigint;
  /** Miner tag appended to the coinbase scriptSig. */
  tag?: Uint8Array;
  /** Weight kept free for header and coinbase; default {@link COINBASE_RESERVED_WEIGHT}. */
  reservedWeight?: number;
}

/** A block to mine: the unsolved block plus what is needed to rebuild it. */
export interface BlockTemplate {
  readonly height: number;
  readonly prevHashBytes: Uint8Array;
  readonly version: number;
  readonly bits: number;
  readonly target: bigint;
  /** Header time of `block`: max(now, median time past + 1). */
  readonly time: number;
  /** Earliest valid header time (median time past + 1). */
  readonly minTime: number;
  /** Transactions after the coinbase, in block order. */
  readonly transactions: readonly Transaction[];
  readonly fees: bigint;
  readonly subsidy: bigint;
  readonly payoutScript: Uint8Array;
  readonly tag?: Uint8Array;
  readonly extraNonce: bigint;
  /** The unsolved block (nonce 0) with coinbase, witness commitment and merkle root. */
  readonly block: Block;
}

/**
 * Builds a template on `parent`: transactions by ancestor fee rate within the
 * block weight limit less `reservedWeight`, a coinbase paying subsidy + fees
 * to `payoutScript` and the header fields consensus requires of the child.
 * @throws MiningError('bad-payout-script') when consensus would reject the payout output.
 */
export function createBlockTemplate(opts: CreateTemplateOptions): BlockTemplate {
  const { params, parent } = opts;
  if (!isValidOutputScript(opts.payoutScript)) {
    throw miningError('bad-payout-script', 'payout script must be a taproot or OP_RETURN output');
  }
  const candidates = opts.candidates === undefined ? [] : 'getCandidates' in opts.candidates ? opts.candidates.getCandidates() : opts.candidates;
  const selection = selectTransactions(candidates, params.maxBlockWeight - (opts.reservedWeight ?? COINBASE_RESERVED_WEIGHT));
  const height = parent.height + 1;
  const bits = getNextWorkRequired(parent, params);
  const minTime = parent.medianTimePast + 1;
  const base = {
    height,
    prevHashBytes: parent.hashBytes,
    version: TEMPLATE_VERSION,
    bits,
    target: bitsToTarget(bits),
    time: Math.max(opts.now, minTime),
    minTime,
    transactions: selection.transactions,
    fees: selection.fees,
    subsidy: getBlockSubsidy(height, params),
    payoutScript: opts.payoutScript,
    ...(opts.tag ? { tag: opts.tag } : {}),
    extraNonce: opts.extraNonce ?? 0n,
  };
  return { ...base, block: buildTemplateBlock(base, {}) };
}

/** Fields that may change while a template is mined. */
export interface TemplateRoll {
  extraNonce?: bigint;
  time?: number;
}

/**
 * The template's unsolved block with another extra nonce and/or time: a new
 * coinbase, witness commitment and merkle root (what a miner does when the
 * 32-bit nonce space runs out).
 */
export function buildTemplateBlock(template: Omit<BlockTemplate, 'block'>, roll: TemplateRoll): Block {
  const coinbase = createCoinbase({
    height: template.height,
    outputs: [{ value: template.subsidy + template.fees, scriptPubKey: template.payoutScript }],
    extraNonce: roll.extraNonce ?? template.extraNonce,
    ...(template.tag ? { tag: template.tag } : {}),
  });
  return assembleBlock({
    prevHashBytes: template.prevHashBytes,
    time: roll.time ?? template.time,
    bits: template.bits,
    coinbase,
    transactions: template.transactions,
    version: template.version,
  });
}
