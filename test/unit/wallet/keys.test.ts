/**
 * BIP86's published test vectors (bip-0086.mediawiki): the account keys and the
 * first receiving and change keys of "abandon … about", derived by
 * @scure/bip32 through the wallet's own functions; the same output keys under
 * Tally's hrps give tlt1p…/tlr1p… addresses.
 */
import { describe, expect, it } from 'vitest';
import { decodeAddress, encodeAddress } from '../../../src/primitives/address.js';
import { toHex } from '../../../src/primitives/bytes.js';
import { MAIN_VERSIONS, TEST_VERSIONS } from '../../../src/wallet/descriptor.js';
import { accountDescriptors, checkMnemonic, deriveKey, deriveSecret, generateMnemonic, masterKeyFromMnemonic } from '../../../src/wallet/keys.js';
import { outputKeyFromSecret } from '../../../src/primitives/sign.js';
import { WalletError } from '../../../src/wallet/errors.js';

const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

const VECTORS = [
  { chain: 'external', index: 0, internal: 'cc8a4bc64d897bddc5fbc2f670f7a8ba0b386779106cf1223c6fc5d7cd6fc115', output: 'a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c', address: 'bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr' },
  { chain: 'external', index: 1, internal: '83dfe85a3151d2517290da461fe2815591ef69f2b18a2ce63f01697a8b313145', output: 'a82f29944d65b86ae6b5e5cc75e294ead6c59391a1edc5e016e3498c67fc7bbb', address: 'bc1p4qhjn9zdvkux4e44uhx8tc55attvtyu358kutcqkudyccelu0was9fqzwh' },
  { chain: 'internal', index: 0, internal: '399f1b2f4393f29a18c937859c5dd8a77350103157eb880f02e8c08214277cef', output: '882d74e5d0572d5a816cef0041a96b6c1de832f6f9676d9605c44d5e9a97d3dc', address: 'bc1p3qkhfews2uk44qtvauqyr2ttdsw7svhkl9nkm9s9c3x4ax5h60wqwruhk7' },
] as const;

describe('BIP86 test vectors', () => {
  const master = masterKeyFromMnemonic(MNEMONIC, '', MAIN_VERSIONS);
  const account = accountDescriptors(master, 0);

  it('derives the root and account extended keys', () => {
    expect(master.privateExtendedKey).toBe('xprv9s21ZrQH143K3GJpoapnV8SFfukcVBSfeCficPSGfubmSFDxo1kuHnLisriDvSnRRuL2Qrg5ggqHKNVpxR86QEC8w35uxmGoggxtQTPvfUu');
    expect(account.external.key.privateExtendedKey).toBe('xprv9xgqHN7yz9MwCkxsBPN5qetuNdQSUttZNKw1dcYTV4mkaAFiBVGQziHs3NRSWMkCzvgjEe3n9xV8oYywvM8at9yRqyaZVz6TYYhX98VjsUk');
    expect(account.external.key.publicExtendedKey).toBe('xpub6BgBgsespWvERF3LHQu6CnqdvfEvtMcQjYrcRzx53QJjSxarj2afYWcLteoGVky7D3UKDP9QyrLprQ3VCECoY49yfdDEHGCtMMj92pReUsQ');
  });

  for (const v of VECTORS) {
    it(`derives ${v.chain} key ${v.index}: internal key, output key, bc1p and our tlt1p/tlr1p addresses`, () => {
      const key = deriveKey(v.chain === 'external' ? account.external : account.internal, v.index);
      expect(toHex(key.internalKey)).toBe(v.internal);
      expect(toHex(key.outputKey)).toBe(v.output);
      expect(toHex(key.script)).toBe(`5120${v.output}`);
      expect(encodeAddress('bc', key.outputKey)).toBe(v.address);
      for (const hrp of ['tlt', 'tlr']) {
        const ours = encodeAddress(hrp, key.outputKey);
        expect(ours.startsWith(`${hrp}1p`)).toBe(true);
        expect(toHex(decodeAddress(hrp, ours))).toBe(v.output);
      }
      // The secret the wallet signs with tweaks to the same output key (BIP86 key path).
      expect(toHex(outputKeyFromSecret(deriveSecret(v.chain === 'external' ? account.external : account.internal, v.index)))).toBe(v.output);
    });
  }
});

describe('mnemonics and coin type', () => {
  it('generates 24-word mnemonics that validate, and refuses a bad checksum word', () => {
    const words = generateMnemonic().split(' ');
    expect(words).toHaveLength(24);
    expect(checkMnemonic(words.join('  '))).toBe(words.join(' '));
    const bad = [...MNEMONIC.split(' ').slice(0, 11), 'abandon'].join(' ');
    expect(() => checkMnemonic(bad)).toThrow(WalletError);
  });

  it("uses coin type 1 and tprv/tpub on Tally's networks (m/86'/1'/0')", () => {
    const account = accountDescriptors(masterKeyFromMnemonic(MNEMONIC, '', TEST_VERSIONS));
    expect(account.external.origin?.path).toEqual([0x80000056, 0x80000001, 0x80000000]);
    expect(account.external.key.publicExtendedKey.startsWith('tpub')).toBe(true);
    expect(account.internal.path).toEqual([1]);
  });
});
