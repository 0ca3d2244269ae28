/**
 * The PSBT methods that need no wallet (Core's rawtransactions group):
 * createpsbt, converttopsbt, decodepsbt, analyzepsbt, combinepsbt and
 * utxoupdatepsbt, over @scure/btc-signer's BIP174/BIP371 codec (the wallet
 * library's decodePsbt, so a bad PSBT is -22 everywhere).
 */
import { Transaction as PsbtTx } from '@scure/btc-signer';
import { base64 } from '@scure/base';
import { hashFromHex, hashToHex, toHex } from '../../primitives/bytes.js';
import { Transaction } from '../../primitives/tx.js';
import { decodePsbt } from '../../wallet/index.js';
import { RPC, RpcError } from '../errors.js';
import { formatAmount, formatFeeRate } from '../format.js';
import { defineMethod, type RpcContext, type RpcMethod } from '../types.js';
import { scriptPubKeyJson } from './script-json.js';
import { decodeTx, MAX_SEQUENCE, parseInputs, parseOutputs } from './tx-args.js';
import { txToUniv } from './tx-json.js';

type Input = ReturnType<PsbtTx['getInput']>;
type Derivations = Input['tapBip32Derivation'];

/** An unsigned transaction as a PSBT (version 0, no input data yet). */
function psbtOf(tx: Transaction): string {
  const psbt = new PsbtTx({ allowUnknownOutputs: true, version: tx.version, lockTime: tx.locktime });
  for (const i of tx.inputs) psbt.addInput({ txid: hashToHex(i.prevout.txid), index: i.prevout.vout, sequence: i.sequence });
  for (const o of tx.outputs) psbt.addOutput({ script: o.scriptPubKey, amount: o.value });
  return base64.encode(psbt.toPSBT());
}

function derivsJson(d: Derivations): Record<string, unknown>[] | undefined {
  if (!d?.length) return undefined;
  return d.map(([pubkey, { hashes, der }]) => ({
    pubkey: toHex(pubkey), master_fingerprint: der.fingerprint.toString(16).padStart(8, '0'),
    path: `m/${der.path.map((i: number) => (i >= 0x80000000 ? `${i - 0x80000000}h` : `${i}`)).join('/')}`, leaf_hashes: hashes.map(toHex),
  }));
}

function inputJson(input: Input, ctx: RpcContext): Record<string, unknown> {
  const derivs = derivsJson(input.tapBip32Derivation);
  return {
    ...(input.witnessUtxo ? { witness_utxo: { amount: formatAmount(input.witnessUtxo.amount), scriptPubKey: scriptPubKeyJson(input.witnessUtxo.script, ctx.params) } } : {}),
    ...(input.tapKeySig ? { taproot_key_path_sig: toHex(input.tapKeySig) } : {}),
    ...(derivs ? { taproot_bip32_derivs: derivs } : {}),
    ...(input.tapInternalKey ? { taproot_internal_key: toHex(input.tapInternalKey) } : {}),
    ...(input.finalScriptWitness ? { final_scriptwitness: input.finalScriptWitness.map(toHex) } : {}),
  };
}

/** The fee, when every input's spent output is known. */
function knownFee(psbt: PsbtTx): bigint | undefined {
  try {
    for (let i = 0; i < psbt.inputsLength; i++) if (!psbt.getInput(i).witnessUtxo) return undefined;
    return psbt.fee;
  } catch {
    return undefined;
  }
}

/** What an input still needs (Core's analyzepsbt roles). */
function inputRole(input: Input): { has_utxo: boolean; is_final: boolean; next: string } {
  const final = input.finalScriptWitness !== undefined;
  const next = !input.witnessUtxo ? 'updater' : final ? 'extractor' : input.tapKeySig ? 'finalizer' : 'signer';
  return { has_utxo: input.witnessUtxo !== undefined, is_final: final, next };
}

const NEXT_ORDER = ['creator', 'updater', 'signer', 'finalizer', 'extractor'];
const PSBT_PARAM = { name: 'psbt', type: 'string' as const, required: true, description: 'the PSBT, base64' };
const CREATE_PARAMS = [
  { name: 'inputs', type: 'array' as const, required: true, description: '[{ "txid": hex, "vout": n, "sequence"?: n }]' },
  { name: 'outputs', type: ['object', 'array'] as ('object' | 'array')[], required: true, description: '{ "address": amount, "data": hex } or [{ "address": amount }, { "data": hex }]' },
  { name: 'locktime', type: 'integer' as const, default: 0, min: 0, max: MAX_SEQUENCE, description: 'the locktime' },
  { name: 'replaceable', type: 'boolean' as const, default: false, description: 'default sequences signal BIP125 replaceability' },
];

export const psbtMethods: RpcMethod[] = [
  defineMethod({
    name: 'createpsbt', category: 'rawtransactions', description: 'A PSBT of an unsigned transaction (as createrawtransaction builds it), for updaters and signers to fill.',
    params: CREATE_PARAMS, result: 'the PSBT, base64 (string)',
    handler: ({ inputs, outputs, locktime, replaceable }, ctx) => {
      const sequence = replaceable ? 0xfffffffd : locktime ? 0xfffffffe : MAX_SEQUENCE;
      return psbtOf(new Transaction({ version: 2, inputs: parseInputs(inputs as unknown[], sequence, replaceable as boolean), outputs: parseOutputs(outputs, ctx), locktime: locktime as number }));
    },
  }),
  defineMethod({
    name: 'converttopsbt', category: 'rawtransactions', description: 'A PSBT of a raw transaction; its signatures must be absent unless permitsigdata (they are then dropped).',
    params: [
      { name: 'hexstring', type: 'hex', required: true, description: 'the raw transaction' },
      { name: 'permitsigdata', type: 'boolean', default: false, description: 'drop scriptSigs and witnesses instead of refusing them' },
      { name: 'iswitness', type: 'boolean', description: 'accepted for Core\'s clients' },
    ],
    result: 'the PSBT, base64 (string)',
    handler: ({ hexstring, permitsigdata }) => {
      const tx = decodeTx(hexstring);
      const signed = tx.inputs.some((i) => i.scriptSig.length > 0 || i.witness.length > 0);
      if (signed && permitsigdata !== true) throw new RpcError(RPC.DESERIALIZATION_ERROR, 'Inputs must not have scriptSigs and scriptWitnesses');
      return psbtOf(new Transaction({ ...tx, inputs: tx.inputs.map((i) => ({ ...i, scriptSig: new Uint8Array(0), witness: [] })) }));
    },
  }),
  defineMethod({
    name: 'decodepsbt', category: 'rawtransactions', description: 'A PSBT\'s transaction and its input and output fields (BIP174, BIP371 taproot fields).',
    params: [PSBT_PARAM],
    result: '{ tx, global_xpubs, psbt_version, proprietary, unknown, inputs: [...], outputs: [...], fee? }',
    handler: ({ psbt }, ctx) => {
      const p = decodePsbt(psbt as string);
      const fee = knownFee(p);
      return {
        tx: txToUniv(Transaction.fromBytes(p.unsignedTx), ctx.params, { hex: false }), global_xpubs: [], psbt_version: 0, proprietary: [], unknown: {},
        inputs: Array.from({ length: p.inputsLength }, (_, i) => inputJson(p.getInput(i), ctx)),
        outputs: Array.from({ length: p.outputsLength }, (_, i) => {
          const o = p.getOutput(i);
          const derivs = derivsJson(o.tapBip32Derivation);
          return { ...(o.tapInternalKey ? { taproot_internal_key: toHex(o.tapInternalKey) } : {}), ...(derivs ? { taproot_bip32_derivs: derivs } : {}) };
        }),
        ...(fee !== undefined ? { fee: formatAmount(fee) } : {}),
      };
    },
  }),
  defineMethod({
    name: 'analyzepsbt', category: 'rawtransactions', description: 'What each input of a PSBT still needs, and the fee and size once known.',
    params: [PSBT_PARAM], result: '{ inputs: [{ has_utxo, is_final, next }], estimated_vsize?, estimated_feerate?, fee?, next }',
    handler: ({ psbt }) => {
      const p = decodePsbt(psbt as string);
      const inputs = Array.from({ length: p.inputsLength }, (_, i) => inputRole(p.getInput(i)));
      const next = inputs.length ? inputs.map((r) => r.next).reduce((a, b) => (NEXT_ORDER.indexOf(a) <= NEXT_ORDER.indexOf(b) ? a : b)) : 'creator';
      const fee = knownFee(p);
      // A taproot key-path input's witness is one 64-byte signature: its size is known before signing.
      const vsize = p.isFinal ? p.vsize : Transaction.fromBytes(p.unsignedTx).vsize + Math.ceil((inputs.length * 66 + 2) / 4);
      return {
        inputs, ...(fee !== undefined ? { estimated_vsize: vsize, estimated_feerate: formatFeeRate(Number(fee) / vsize), fee: formatAmount(fee) } : {}), next,
      };
    },
  }),
  defineMethod({
    name: 'combinepsbt', category: 'rawtransactions', description: 'One PSBT with the fields of several PSBTs of the same transaction.',
    params: [{ name: 'txs', type: 'array', required: true, description: 'PSBTs, base64' }],
    result: 'the combined PSBT, base64 (string)',
    handler: ({ txs }) => {
      const list = (txs as unknown[]).map((t) => decodePsbt(String(t)));
      if (list.length === 0) throw new RpcError(RPC.INVALID_PARAMETER, 'Parameter \'txs\' cannot be empty');
      const [first, ...rest] = list;
      try {
        for (const other of rest) first!.combine(other);
      } catch {
        throw new RpcError(RPC.INVALID_PARAMETER, 'PSBTs not compatible (different transactions)');
      }
      return base64.encode(first!.toPSBT());
    },
  }),
  defineMethod({
    name: 'utxoupdatepsbt', category: 'rawtransactions', description: 'Fills each input\'s witness_utxo from the UTXO set and the mempool.',
    params: [PSBT_PARAM, { name: 'descriptors', type: 'array', description: 'accepted for Core\'s clients (not used)' }],
    result: 'the updated PSBT, base64 (string)',
    handler: async ({ psbt }, ctx) => {
      const p = decodePsbt(psbt as string);
      for (let i = 0; i < p.inputsLength; i++) {
        const input = p.getInput(i);
        if (input.witnessUtxo || !input.txid || input.index === undefined) continue;
        const txid = toHex(input.txid);
        const coin = await ctx.chain.getCoin({ txid: hashFromHex(txid), vout: input.index });
        const out = coin ?? ctx.mempool.get(txid)?.tx.outputs[input.index];
        if (out) p.updateInput(i, { witnessUtxo: { script: out.scriptPubKey, amount: out.value } }, true);
      }
      return base64.encode(p.toPSBT());
    },
  }),
];
