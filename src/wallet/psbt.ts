/**
 * PSBT (BIP174, with BIP371's taproot fields) through @scure/btc-signer: the
 * wallet writes PSBTs an external signer can sign (witness_utxo,
 * tap_internal_key, tap_bip32_derivation with our master fingerprint), signs
 * the inputs it has keys for, and finalizes. Our addresses use Tally's own
 * bech32m prefixes, so btc-signer gets a network object with our hrp.
 */
import { Transaction as PsbtTx, type TxOpts } from '@scure/btc-signer';
import { base64 } from '@scure/base';
import { hashToHex, toHex } from '../primitives/bytes.js';
import type { NetworkParams } from '../consensus/params.js';
import { walletError } from './errors.js';
import type { KeyRing } from './keyring.js';
import type { Ledger } from './ledger.js';
import type { DraftPayment } from './spend.js';

/** btc-signer's network shape with Tally's hrp; base58 bytes are Bitcoin testnet's (Tally has no base58 addresses). */
export function btcSignerNetwork(params: NetworkParams): { bech32: string; pubKeyHash: number; scriptHash: number; wif: number } {
  return { bech32: params.addressPrefix, pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef };
}

const OPTS: TxOpts = { allowUnknownOutputs: true };

/** Decodes base64 PSBT text. @throws WalletError `bad-psbt` */
export function decodePsbt(text: string): PsbtTx {
  try {
    return PsbtTx.fromPSBT(base64.decode(text.trim()), OPTS);
  } catch (err) {
    throw walletError('bad-psbt', `TX decode failed ${(err as Error).message}`);
  }
}

export function encodePsbt(tx: PsbtTx): string {
  return base64.encode(tx.toPSBT());
}

/** BIP371 fields of one of our scripts: the internal key and its derivation from our master key. */
function tapFields(keys: KeyRing, script: Uint8Array): { tapInternalKey: Uint8Array; tapBip32Derivation: [Uint8Array, { hashes: Uint8Array[]; der: { fingerprint: number; path: number[] } }][] } | undefined {
  const key = keys.owner(script)?.key;
  if (!key) return undefined;
  return { tapInternalKey: key.internalKey, tapBip32Derivation: [[key.internalKey, { hashes: [], der: { fingerprint: key.fingerprint, path: key.fullPath } }]] };
}

/** A PSBT of an unsigned wallet payment, every field an external signer needs filled. */
export function psbtFromDraft(keys: KeyRing, draft: DraftPayment): PsbtTx {
  const tx = new PsbtTx({ ...OPTS, version: draft.tx.version, lockTime: draft.tx.locktime });
  draft.tx.inputs.forEach((input, i) => {
    const spent = draft.spent[i]!;
    tx.addInput({
      txid: hashToHex(input.prevout.txid),
      index: input.prevout.vout,
      sequence: input.sequence,
      witnessUtxo: { script: spent.scriptPubKey, amount: spent.value },
      ...tapFields(keys, spent.scriptPubKey),
    });
  });
  for (const out of draft.tx.outputs) tx.addOutput({ script: out.scriptPubKey, amount: out.value, ...tapFields(keys, out.scriptPubKey) });
  return tx;
}

/**
 * walletprocesspsbt: fills what the wallet knows (witness_utxo from its own
 * transactions, BIP371 fields for its scripts) and, when `sign`, signs the
 * inputs it has keys for. Returns how many inputs it signed.
 * @throws WalletError `unlock-needed` when signing needs the passphrase
 */
export function fillAndSign(tx: PsbtTx, keys: KeyRing, ledger: Ledger, sign: boolean): number {
  let signed = 0;
  for (let i = 0; i < tx.inputsLength; i++) {
    const input = tx.getInput(i);
    if (!input.txid || input.index === undefined) continue;
    if (!input.witnessUtxo) {
      const out = ledger.get(toHex(input.txid))?.tx.outputs[input.index];
      if (out) tx.updateInput(i, { witnessUtxo: { script: out.scriptPubKey, amount: out.value } }, true);
    }
    const script = tx.getInput(i).witnessUtxo?.script;
    if (!script || !keys.owner(script)) continue;
    if (!input.tapInternalKey) {
      const fields = tapFields(keys, script);
      if (fields) tx.updateInput(i, fields, true);
    }
    if (!sign || input.finalScriptWitness || !keys.get(keys.owner(script)!.descriptorId)?.record.hasPrivateKey) continue;
    const secret = keys.secretFor(script);
    try {
      if (tx.signIdx(secret, i)) signed++;
    } finally {
      secret.fill(0);
    }
  }
  return signed;
}

/** Finalizes every input that can be; `complete` when all are. */
export function finalizeAll(tx: PsbtTx): { complete: boolean; hex?: string } {
  for (let i = 0; i < tx.inputsLength; i++) {
    try {
      tx.finalizeIdx(i);
    } catch {
      // not signed yet: left for another signer
    }
  }
  const complete = tx.isFinal;
  return complete ? { complete, hex: toHex(tx.extract()) } : { complete };
}
