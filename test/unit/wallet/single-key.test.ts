/**
 * Single-key `tr(KEY)` descriptors against BIP386's published vectors (the
 * x-only hex key and its WIF give the same script), the WIF and checksum
 * round trip the CLI's migration relies on, and the errors for keys that are
 * not keys.
 */
import { describe, expect, it } from 'vitest';
import { formatDescriptor, parseDescriptor, stripChecksum, withChecksum } from '../../../src/wallet/descriptor.js';
import { KeyRing } from '../../../src/wallet/keyring.js';
import { encodeWif, singleKeyScript } from '../../../src/wallet/single-key.js';
import { fromHex, toHex } from '../../../src/primitives/bytes.js';
import { scriptFromSecret } from '../../../src/primitives/sign.js';
import { WalletError } from '../../../src/wallet/errors.js';

// BIP386: tr(a34b…) and tr(L4rK…) both give this script.
const XONLY = 'a34b99f22c790c4e36b2b3c2c35a36db06226e41c692fc82b8b56ac1c540c5bd';
const WIF_MAIN = 'L4rK1yDtCWekvXuE6oXD9jCYfFNV2cWRpVuPLBcCU2z8TrisoyY1';
const SCRIPT = '512077aab6e066f8a7419c5ab714c12c67d25007ed55a43cadcacb4d7a970a093f11';

function script(text: string): string {
  const d = parseDescriptor(text, 'tlr');
  if (d.kind !== 'trkey') throw new Error(`parsed as ${d.kind}`);
  return toHex(singleKeyScript(d).script);
}

describe('tr(KEY)', () => {
  it('gives BIP386\'s script for the x-only key, its compressed form and its WIF', () => {
    expect(script(`tr(${XONLY})`)).toBe(SCRIPT);
    expect(script(`tr(02${XONLY})`)).toBe(SCRIPT);
    expect(script(`tr(${WIF_MAIN})`)).toBe(SCRIPT);
  });

  it('writes WIF for test networks, and the x-only key as its public form, with Core\'s checksum', () => {
    const secret = fromHex('0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d');
    const wif = encodeWif(secret);
    expect(wif).toMatch(/^c/);
    const text = withChecksum(`tr(${wif})`);
    const d = parseDescriptor(text, 'tlr', true);
    expect(d.kind).toBe('trkey');
    expect(toHex(singleKeyScript(d as never).script)).toBe(toHex(scriptFromSecret(secret)));
    expect(formatDescriptor(d, true)).toBe(`tr(${wif})`);
    expect(stripChecksum(withChecksum(formatDescriptor(d, false)))).toMatch(/^tr\([0-9a-f]{64}\)$/);
    const record = KeyRing.recordFor(d, { internal: false, active: false, timestamp: 0, hasPrivateKey: true });
    const ring = new KeyRing('tlr', 5);
    ring.add(record);
    expect(ring.isMine(scriptFromSecret(secret))).toBe(true);
    ring.unlock({ descriptors: { [record.id]: text } });
    const signingKey = ring.secretFor(scriptFromSecret(secret));
    expect(toHex(signingKey)).toBe(toHex(secret));
    signingKey.fill(0);
    // The ring keeps its own copy: what a caller wipes does not change it.
    expect(toHex(ring.secretFor(scriptFromSecret(secret)))).toBe(toHex(secret));
  });

  it('refuses what is not a key', () => {
    for (const bad of ['tr(abcd)', `tr(04${XONLY})`, 'tr(5notawif)', `tr(${'f'.repeat(64)})`]) {
      expect(() => parseDescriptor(bad, 'tlr'), bad).toThrow(WalletError);
    }
  });
});
