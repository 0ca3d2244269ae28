/**
 * BIP340 Schnorr signatures and BIP341 key tweaking.
 *
 * This is the only module that touches `@noble/secp256k1`'s configuration:
 * its synchronous API needs SHA-256 and HMAC-SHA256 providers installed once,
 * which happens on import, before anything here can call it.
 *
 * Verification has two interchangeable backends behind {@link SignatureVerifier}:
 * - `noble`: pure JavaScript `@noble/secp256k1`.
 * - `wasm`: `tiny-secp256k1`, libsecp256k1 compiled to WebAssembly, several
 *   times faster. Its `verifySchnorr` only takes 32-byte messages and throws
 *   (rather than returning false) on inputs it refuses, so any input it will
 *   not judge is handed to noble; both backends therefore give the BIP340
 *   answer on every input, which the vectors check row by row.
 *
 * {@link schnorrVerify} uses the WASM backend when it loads, noble otherwise.
 */
import * as secp from '@noble/secp256k1';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { fromHex } from './bytes.js';
import { TallyError } from './errors.js';
import { taggedHash } from './hashes.js';

// The sync API (sign, verify, schnorr.*) throws until these are set; the async
// variants would use WebCrypto instead, but consensus verification is synchronous.
secp.hashes.sha256 = sha256;
secp.hashes.hmacSha256 = (key, message) => hmac(sha256, key, message);

/** Stable codes of {@link CryptoError}; the class's doc comment says what each means. */
export const CRYPTO_ERROR_CODES = [
  'bad-secret-key', 'bad-public-key', 'bad-aux-rand', 'bad-merkle-root', 'bad-message', 'bad-tweak',
  'backend-unavailable', 'bad-input',
] as const;
export type CryptoErrorCode = typeof CRYPTO_ERROR_CODES[number];

/**
 * Invalid keys or tweaks given to the signing and tweaking helpers, or a backend
 * that is not available. Codes: `bad-secret-key`, `bad-public-key`,
 * `bad-aux-rand`, `bad-merkle-root`, `bad-message`, `bad-tweak`, `backend-unavailable`,
 * `bad-input` (unknown backend name).
 */
export class CryptoError extends TallyError<CryptoErrorCode> {}

/** A BIP340 Schnorr verification backend. */
export interface SignatureVerifier {
  /** `noble` or `wasm`, for logs and benchmarks. */
  readonly name: string;
  /**
   * BIP340 `Verify(pk, m, sig)`. `msg` may have any length (BIP340 allows it;
   * BIP341 always passes a 32-byte signature hash). Never throws: malformed
   * input (wrong lengths, a key that is not an x coordinate on the curve,
   * r ≥ p, s ≥ n) is simply an invalid signature.
   */
  verifySchnorr(sig: Uint8Array, msg: Uint8Array, xOnlyPubkey: Uint8Array): boolean;
}

/** Names accepted by {@link createVerifier}. */
export type VerifierName = 'noble' | 'wasm';

const N = secp.Point.CURVE().n;
const G = secp.Point.BASE;
const EMPTY = new Uint8Array(0);

function isBytes(value: unknown, length?: number): value is Uint8Array {
  return value instanceof Uint8Array && (length === undefined || value.length === length);
}

/**
 * Pure-JavaScript verifier on `@noble/secp256k1`.
 *
 * noble rejects s = 0, where BIP340 only requires s < n. A signature with s = 0
 * that passes BIP340 would need R = −e·P with e a hash of R itself, so none can be
 * found; the difference is noted, not handled.
 */
export const nobleVerifier: SignatureVerifier = Object.freeze({
  name: 'noble',
  verifySchnorr(sig: Uint8Array, msg: Uint8Array, xOnlyPubkey: Uint8Array): boolean {
    if (!isBytes(sig, 64) || !isBytes(msg) || !isBytes(xOnlyPubkey, 32)) return false;
    try {
      return secp.schnorr.verify(sig, msg, xOnlyPubkey);
    } catch {
      return false;
    }
  },
});

type TinySecp = typeof import('tiny-secp256k1');

// BIP340 test vector 1 (a valid signature): a WASM build that loads but computes
// wrongly must not become the consensus verifier.
const SELF_TEST = {
  pub: 'dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659',
  msg: '243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89',
  sig:
    '6896bd60eeae296db48a229ff71dfe071bde413e6d43f917dc8dcf8c78de3341' +
    '8906d11ac976abccb20b091292bff4ea897efcb639ea871cfa95f6de339e4b0a',
};

function makeWasmVerifier(tiny: TinySecp): SignatureVerifier {
  return Object.freeze({
    name: 'wasm',
    verifySchnorr(sig: Uint8Array, msg: Uint8Array, xOnlyPubkey: Uint8Array): boolean {
      if (!isBytes(sig, 64) || !isBytes(msg) || !isBytes(xOnlyPubkey, 32)) return false;
      // tiny-secp256k1 throws "Expected Hash" for anything but 32 bytes (BIP340 vectors 15-18).
      if (msg.length !== 32) return nobleVerifier.verifySchnorr(sig, msg, xOnlyPubkey);
      try {
        // Argument order is (message, pubkey, signature), unlike noble's.
        return tiny.verifySchnorr(msg, xOnlyPubkey, sig);
      } catch {
        // tiny throws instead of failing for a key off the curve or ≥ p, and for s ≥ n;
        // those are invalid under BIP340 too. It also throws for r ≥ n, which BIP340
        // allows (r is a field element, only r ≥ p fails), so a valid signature with
        // n ≤ r < p would be lost. noble judges all of these by the BIP340 rules.
        return nobleVerifier.verifySchnorr(sig, msg, xOnlyPubkey);
      }
    },
  });
}

async function loadWasmVerifier(): Promise<SignatureVerifier | null> {
  try {
    // Loading compiles the WASM module, which can fail (no WebAssembly, missing .wasm file).
    const tiny: TinySecp = await import('tiny-secp256k1');
    const verifier = makeWasmVerifier(tiny);
    const ok = verifier.verifySchnorr(fromHex(SELF_TEST.sig), fromHex(SELF_TEST.msg), fromHex(SELF_TEST.pub));
    return ok ? verifier : null;
  } catch {
    return null;
  }
}

// Top-level await so that getVerifier() and schnorrVerify() stay synchronous and
// already use the fast backend on first call.
const wasmVerifier: SignatureVerifier | null = await loadWasmVerifier();

/**
 * A verifier by name.
 * @throws CryptoError `backend-unavailable` for `wasm` when tiny-secp256k1 failed to load,
 *   `bad-input` for an unknown name.
 */
export function createVerifier(name: VerifierName): SignatureVerifier {
  if (name === 'noble') return nobleVerifier;
  if (name === 'wasm') {
    if (!wasmVerifier) throw new CryptoError('backend-unavailable', 'tiny-secp256k1 (WebAssembly) did not load');
    return wasmVerifier;
  }
  throw new CryptoError('bad-input', `unknown verifier "${String(name)}"`);
}

/** The fastest available verifier: `wasm` if tiny-secp256k1 loaded and passed its self-test, else `noble`. */
export function getVerifier(): SignatureVerifier {
  return wasmVerifier ?? nobleVerifier;
}

/**
 * Async form of {@link getVerifier}, for callers that prefer not to rely on this
 * module's top-level await having loaded the backend.
 */
export async function loadFastestVerifier(): Promise<SignatureVerifier> {
  return getVerifier();
}

/**
 * BIP340 Schnorr verification with the fastest backend. Never throws.
 * @param message32 - the signed message; 32 bytes (a BIP341 signature hash) in
 *   Tally, though BIP340's other lengths are verified correctly too.
 */
export function schnorrVerify(signature: Uint8Array, message32: Uint8Array, xOnlyPubkey: Uint8Array): boolean {
  return getVerifier().verifySchnorr(signature, message32, xOnlyPubkey);
}

function checkSecretKey(secretKey: Uint8Array): void {
  if (!isBytes(secretKey, 32) || !secp.utils.isValidSecretKey(secretKey)) {
    throw new CryptoError('bad-secret-key', 'secret key must be 32 bytes encoding an integer in 1..n-1');
  }
}

/**
 * BIP340 `Sign(sk, m)`. Deterministic for a given `auxRand`; without one, 32
 * fresh random bytes are used, as BIP340 recommends against side channels.
 * @param message - any length (BIP340); a 32-byte signature hash in Tally.
 * @throws CryptoError `bad-secret-key`, `bad-aux-rand` (not 32 bytes) or `bad-message`.
 */
export function schnorrSign(message: Uint8Array, secretKey: Uint8Array, auxRand?: Uint8Array): Uint8Array {
  if (!isBytes(message)) throw new CryptoError('bad-message', 'message expected Uint8Array');
  checkSecretKey(secretKey);
  if (auxRand !== undefined && !isBytes(auxRand, 32)) {
    throw new CryptoError('bad-aux-rand', 'auxRand must be 32 bytes');
  }
  return secp.schnorr.sign(message, secretKey, auxRand);
}

/**
 * BIP340 `PubKey(sk)`: the 32-byte x coordinate of sk·G.
 * @throws CryptoError `bad-secret-key`.
 */
export function xOnlyPublicKey(secretKey: Uint8Array): Uint8Array {
  checkSecretKey(secretKey);
  return secp.schnorr.getPublicKey(secretKey);
}

/** A uniformly random valid secret key from the platform CSPRNG. */
export function randomSecretKey(): Uint8Array {
  return secp.utils.randomSecretKey();
}

/** BIP341 `hashTapTweak(pubkey || h)` as an integer; fails with probability ~2^-128 if ≥ n. */
function tapTweak(internalXOnly: Uint8Array, merkleRoot: Uint8Array | undefined): bigint {
  if (merkleRoot !== undefined && !isBytes(merkleRoot, 32)) {
    throw new CryptoError('bad-merkle-root', 'merkle root must be 32 bytes');
  }
  // BIP341: h is empty for a key-path-only output (no script tree), not 32 zero bytes.
  const t = secp.etc.bytesToNumberBE(taggedHash('TapTweak', internalXOnly, merkleRoot ?? EMPTY));
  if (t >= N) throw new CryptoError('bad-tweak', 'TapTweak hash is not below the curve order');
  return t;
}

/**
 * BIP341 `taproot_tweak_pubkey`: the output key Q = lift_x(P) + t·G with
 * t = hashTapTweak(P || merkleRoot), and the parity of Q's y (needed in the
 * control block of script-path spends).
 * @param merkleRoot - the script tree's root; omit for a key-path-only output.
 * @throws CryptoError `bad-public-key` (not 32 bytes or not an x coordinate on the curve),
 *   `bad-merkle-root`, or `bad-tweak` (negligible probability).
 */
export function taprootTweakPublicKey(
  internalXOnly: Uint8Array,
  merkleRoot?: Uint8Array,
): { outputKey: Uint8Array; parity: 0 | 1 } {
  if (!isBytes(internalXOnly, 32)) throw new CryptoError('bad-public-key', 'internal key must be 32 bytes');
  let P: secp.Point;
  try {
    // 0x02 || x parses as lift_x(x): the point with even y (BIP340).
    P = secp.Point.fromBytes(Uint8Array.of(0x02, ...internalXOnly));
  } catch {
    throw new CryptoError('bad-public-key', 'internal key is not an x coordinate on the curve');
  }
  const t = tapTweak(internalXOnly, merkleRoot);
  // Public data, so the faster variable-time multiplication is fine; it also accepts t = 0.
  const Q = P.add(G.multiplyUnsafe(t));
  if (Q.is0()) throw new CryptoError('bad-tweak', 'tweaked key is the point at infinity');
  const { x, y } = Q.toAffine();
  return { outputKey: secp.etc.numberToBytesBE(x), parity: (y & 1n) === 1n ? 1 : 0 };
}

/**
 * BIP341 `taproot_tweak_seckey`: the secret key of the output key
 * {@link taprootTweakPublicKey} returns, for key-path spends. The internal secret
 * key is first negated if its point has odd y, since the internal key is x-only.
 * @throws CryptoError `bad-secret-key`, `bad-merkle-root`, or `bad-tweak` (negligible probability).
 */
export function taprootTweakSecretKey(secretKey: Uint8Array, merkleRoot?: Uint8Array): Uint8Array {
  checkSecretKey(secretKey);
  const d0 = secp.etc.secretKeyToScalar(secretKey);
  const { x, y } = G.multiply(d0).toAffine();
  const d = (y & 1n) === 0n ? d0 : N - d0;
  const t = tapTweak(secp.etc.numberToBytesBE(x), merkleRoot);
  const tweaked = secp.etc.mod(d + t, N);
  if (tweaked === 0n) throw new CryptoError('bad-tweak', 'tweaked secret key is zero');
  return secp.etc.numberToBytesBE(tweaked);
}
