/**
 * Renders the miner's two unrolled SHA-256 compressions, src/mining/sha256-outer.ts
 * and src/mining/sha256-tail.ts, as text. Pure (no file access, no clock) so that
 * test/unit/mining/sha256-generated.test.ts can compare it with the committed
 * files; scripts/gen-sha256-rounds.ts writes or checks them.
 *
 * Derived here, not written down: the round constants and initial hash value
 * (from the primes, FIPS 180-4 §4.2.2 and §5.3.3), each block's padding words
 * (§5.1.1), the K[i] + W[i] literals, which schedule words are constant, zero or
 * computed and from which terms, where each is declared, the renaming of the
 * working variables, and where the outer hash can stop early. The doc comments
 * are template text.
 */

/** The working variables, in FIPS 180-4 order; also their names in the generated code. */
const LETTERS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] as const;

// --- The SHA-256 constants, from their definition (FIPS 180-4 §4.2.2, §5.3.3) ---

function firstPrimes(count: number): number[] {
  const primes: number[] = [];
  for (let n = 2; primes.length < count; n++) if (primes.every((p) => n % p !== 0)) primes.push(n);
  return primes;
}

/** floor(n^(1/k)), exactly, deciding one bit at a time from the top. */
function integerRoot(n: bigint, k: number): bigint {
  let root = 0n;
  for (let bit = 1n << BigInt(Math.ceil(n.toString(2).length / k)); bit > 0n; bit >>= 1n) {
    if ((root | bit) ** BigInt(k) <= n) root |= bit;
  }
  return root;
}

/**
 * The first 32 bits of the fractional part of p^(1/k). Doubles have only ~50
 * bits to spare here, so take the exact integer k-th root of p · 2^(32k), which
 * is p^(1/k) · 2^32, and keep its low 32 bits.
 */
function fractionBits(p: number, k: number): number {
  return Number(integerRoot(BigInt(p) << BigInt(32 * k), k) & 0xffffffffn);
}

/** Round constants: cube roots of the first 64 primes. */
export const K: readonly number[] = firstPrimes(64).map((p) => fractionBits(p, 3));
/** Initial hash value: square roots of the first 8 primes. */
export const IV: readonly number[] = firstPrimes(8).map((p) => fractionBits(p, 2));

// --- The σ and Σ functions (§4.1.2), once as arithmetic for folding, once as code ---

interface Sigma {
  /** Right rotations, XORed together. */
  readonly rot: readonly number[];
  /** A final right shift, for the schedule's σ0 and σ1. */
  readonly shift?: number;
}
const BIG_SIGMA0: Sigma = { rot: [2, 13, 22] };
const BIG_SIGMA1: Sigma = { rot: [6, 11, 25] };
const SMALL_SIGMA0: Sigma = { rot: [7, 18], shift: 3 };
const SMALL_SIGMA1: Sigma = { rot: [17, 19], shift: 10 };

function sigmaValue(s: Sigma, x: number): number {
  let r = s.shift === undefined ? 0 : x >>> s.shift;
  for (const n of s.rot) r ^= (x >>> n) | (x << (32 - n));
  return r >>> 0;
}

function sigmaCode(s: Sigma, x: string): string {
  const parts = s.rot.map((n) => `((${x} >>> ${n}) | (${x} << ${32 - n}))`);
  if (s.shift !== undefined) parts.push(`(${x} >>> ${s.shift})`);
  return `(${parts.join(' ^ ')})`;
}

// --- Message words as the generated code sees them ---

/** A message or schedule word, or one term of a schedule word. */
type Value =
  /** Known when generating (padding): folded into literals, dropped when zero. */
  | { readonly kind: 'const'; readonly value: number }
  /**
   * Computed by the generated function. `perCall` is false for what the caller
   * can compute once for many calls (per header, not per nonce); `load` is
   * where a message word comes from, when it is not a parameter.
   */
  | { readonly kind: 'code'; readonly text: string; readonly perCall: boolean; readonly load?: string }
  /** Known to the caller only: must reach the function precomputed, in `pre`. */
  | { readonly kind: 'hidden' };

const konst = (value: number): Value => ({ kind: 'const', value: value >>> 0 });
const hex = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
/** A sum reduced to int32, the form every assignment of the generated code takes. */
const sum = (parts: readonly string[]): string => `(${parts.join(' + ')}) | 0`;

/**
 * W0-W15 of the last block of a message `messageBytes` long, whose words in
 * this block are `words`: they are followed by a 1 bit, zeros, and the message
 * length in bits as a 64-bit big-endian number (§5.1.1). Only the words the
 * message fills vary; the rest is constant and gets folded away.
 */
function lastBlock(words: readonly Value[], messageBytes: number): Value[] {
  if (messageBytes % 4 !== 0 || words.length > 13) throw new Error('message must end on a word, with room for the padding');
  const bits = messageBytes * 8;
  const block = [...words, konst(0x80000000)];
  while (block.length < 14) block.push(konst(0));
  block.push(konst(Math.floor(bits / 2 ** 32)), konst(bits));
  return block;
}

/** What one unrolled compression needs beyond SHA-256 itself. */
interface Compression {
  /** W0-W15. */
  readonly block: readonly Value[];
  /** Initial value of working variable a..h (by role, not by name). */
  readonly init: readonly string[];
  /** The chaining value each state word is added to at the end. */
  readonly chain: readonly string[];
  /** Schedule words the caller computes whole, and where they arrive. */
  readonly loaded: ReadonlyMap<number, string>;
  /** Schedule words of which the caller computes the part that does not vary per call. */
  readonly partial: ReadonlyMap<number, string>;
  /** Stop once the last digest word is known and exceeds `limit`. */
  readonly earlyExit: boolean;
}

/**
 * The name that holds working variable `role` (0 = a … 7 = h) at the start of
 * round `round`: a round writes its new a into the old h's variable and its new e
 * into the old d's, and leaves the rest in place, so every role moves one name
 * back per round instead of every value moving one variable forward.
 */
const nameAt = (role: number, round: number): string => LETTERS[(((role - round) % 8) + 8) % 8]!;

/**
 * The new e of round i is only renamed (e → f → g → h) by the three rounds after
 * it, so the last digest word is final after round 60.
 */
const LAST_WORD_FINAL_AFTER = 63 - 3;

function sigma(s: Sigma, v: Value): Value {
  if (v.kind === 'const') return konst(sigmaValue(s, v.value));
  if (v.kind === 'code') return { kind: 'code', text: sigmaCode(s, v.text), perCall: v.perCall };
  return v;
}

/**
 * Schedule word i, W[i] = σ1(W[i-2]) + W[i-7] + σ0(W[i-15]) + W[i-16] (§6.2.2),
 * with its constant terms summed into one literal and its zero terms dropped.
 * Returns its value for later words and rounds, and its declaration, if any.
 */
function scheduleWord(spec: Compression, w: readonly Value[], i: number): { value: Value; line?: string } {
  const name = `w${i}`;
  const terms = [sigma(SMALL_SIGMA1, w[i - 2]!), w[i - 7]!, sigma(SMALL_SIGMA0, w[i - 15]!), w[i - 16]!];
  const perCall = terms.flatMap((t) => (t.kind === 'code' && t.perCall ? [t.text] : []));
  if (spec.loaded.has(i)) {
    if (perCall.length > 0) throw new Error(`W${i} varies per call: the caller cannot compute it`);
    return { value: { kind: 'code', text: name, perCall: false } };
  }
  const slot = spec.partial.get(i);
  if (slot !== undefined) {
    if (perCall.length === 0) throw new Error(`W${i} does not vary per call: load it whole`);
    return { value: { kind: 'code', text: name, perCall: true }, line: `const ${name} = ${sum([slot, ...perCall])};` };
  }
  if (terms.some((t) => t.kind === 'hidden')) throw new Error(`W${i} reads a word only the caller knows: give it a slot`);
  const code = terms.flatMap((t) => (t.kind === 'code' ? [t] : []));
  const constant = terms.reduce((acc, t) => (t.kind === 'const' ? acc + t.value : acc), 0) >>> 0;
  // A word of constants only would be padding-like: fold it into its round's literal.
  if (code.length === 0) return { value: konst(constant) };
  const parts = [...code.map((t) => t.text), ...(constant === 0 ? [] : [hex(constant)])];
  return { value: { kind: 'code', text: name, perCall: code.some((t) => t.perCall) }, line: `const ${name} = ${sum(parts)};` };
}

/** Round i (§6.2.2 step 3) on the names the roles have at that round. */
function round(i: number, w: Value): string[] {
  const [a, b, c, d, e, f, g, h] = LETTERS.map((_, role) => nameAt(role, i));
  if (w.kind === 'hidden') throw new Error(`round ${i} reads a word only the caller knows: the caller must run it`);
  // K[i] + W[i] is one literal when W[i] is padding, so the round adds one constant fewer.
  const kw = w.kind === 'const' ? [hex(K[i]! + w.value)] : [hex(K[i]!), w.text];
  return [
    `${h} = ${sum([h, sigmaCode(BIG_SIGMA1, e), `(${g} ^ (${e} & (${f} ^ ${g})))`, ...kw])};`,
    `${d} = ${sum([d, h])};`,
    `${h} = ${sum([h, sigmaCode(BIG_SIGMA0, a), `((${a} & ${b}) | (${c} & (${a} | ${b})))`])};`,
  ];
}

/** The body of the compression function, without its final `return`. */
function unroll(spec: Compression): string[] {
  const w = [...spec.block];
  // Rounds before the first one that reads a per-call word are the caller's (they give the same result every call).
  const first = w.findIndex((v) => v.kind === 'code' && v.perCall);
  const loads = w.flatMap((v) => (v.kind === 'code' && v.load !== undefined ? [`${v.text} = ${v.load}`] : []));
  const lines: string[] = [];
  if (loads.length > 0) lines.push(`const ${loads.join(', ')};`);
  lines.push(`let ${LETTERS.map((name, j) => `${name} = ${spec.init[(j + first) % 8]}`).join(', ')};`);
  if (spec.loaded.size > 0) lines.push(`const ${[...spec.loaded].map(([i, from]) => `w${i} = ${from}`).join(', ')};`);
  for (let i = first; i < 64; i++) {
    if (i >= 16) {
      const word = scheduleWord(spec, w, i);
      w[i] = word.value;
      if (word.line !== undefined) lines.push(word.line);
    }
    lines.push(...round(i, w[i]!));
    if (spec.earlyExit && i === LAST_WORD_FINAL_AFTER) {
      lines.push(
        `// The last word of the digest is final now (rounds ${i + 1}-63 only move it): reject most hashes here.`,
        `const top = ${sum([spec.chain[7]!, nameAt(4, i + 1)])};`,
        'if (((top >>> 24) | ((top >>> 8) & 0xff00) | ((top & 0xff00) << 8) | (top << 24)) >>> 0 > limit) return false;',
      );
    }
  }
  const outs = LETTERS.map((_, role) =>
    spec.earlyExit && role === 7 ? 'out[7] = top;' : `out[${role}] = ${sum([spec.chain[role]!, nameAt(role, 64)])};`);
  lines.push(outs.slice(0, 4).join(' '), outs.slice(4).join(' '));
  return lines;
}

// --- The two files ---

/** A doc comment from plain text, one ` * ` per line. */
const docComment = (text: string): string =>
  ['/**', ...text.split('\n').map((line) => (line === '' ? ' *' : ` * ${line}`)), ' */'].join('\n');

const ROUND_FORM = `Each round is written out as

  h += Σ1(e) + Ch(e, f, g) + K[i] + W[i];  d += h;  h += Σ0(a) + Maj(a, b, c);

with Ch = g ^ (e & (f ^ g)) and Maj = (a & b) | (c & (a | b)) (FIPS 180-4 §6.2.2,
in the equivalent forms that need fewer operations). Instead of moving the eight
working variables along after each round, the next round renames them: the
variable that was \`h\` becomes \`a\`, and so on, so round i + 1 reads the same
code with every letter shifted by one. Message words that are constant (the
padding) are folded into K[i] + W[i] as one literal; schedule words are
computed just before the round that first uses them.`;

function renderFile(fileDoc: string, fnDoc: string, signature: string, body: readonly string[]): string {
  return `${docComment(fileDoc)}\n\n${docComment(fnDoc)}\n${signature} {\n${body.map((l) => `  ${l}`).join('\n')}\n}\n`;
}

/** src/mining/sha256-outer.ts: SHA-256 of a 32-byte message (the first digest), one block. */
export function renderOuterHash(): string {
  const words = Array.from({ length: 8 }, (_, i): Value => ({ kind: 'code', text: `w${i}`, perCall: true, load: `first[${i}]` }));
  const spec: Compression = {
    block: lastBlock(words, 32),
    init: IV.map(hex),
    chain: IV.map(hex),
    loaded: new Map(),
    partial: new Map(),
    earlyExit: true,
  };
  return renderFile(`The second SHA-256 of mining's double hash: one compression of the 32-byte
first digest with its fixed padding (a 1 bit, zeros, length 256), fully
unrolled and specialised: eight of the sixteen message words are constants.
See sha256-tail.ts for why the code is unrolled.

${ROUND_FORM}`, `SHA-256 of the 32-byte message given as eight big-endian words (\`first\`),
written to \`out\` as eight state words, unless it stops early.

Early exit: after round ${LAST_WORD_FINAL_AFTER} the last digest word is final, and it holds the
most significant 32 bits of the hash read as a little-endian number (Bitcoin's
proof-of-work order). When those bits, byte-swapped, exceed \`limit\` the hash
cannot meet a target whose top word is \`limit\`: it returns false and \`out\` is
left incomplete. Pass 0xffffffff to always get the full digest.`,
  'export function compressOuterHash(first: Int32Array, out: Int32Array, limit: number): boolean',
  [...unroll(spec), 'return true;']);
}

/**
 * src/mining/sha256-tail.ts: the second block of an 80-byte header. W0-W2 (end
 * of the merkle root, time, bits) are the same for every nonce, so HeaderHasher
 * runs rounds 0-2 and the parts of W16-W19 that read them once per header, and
 * passes them in `pre`; that layout is shared with HeaderHasher.setHeader.
 */
export function renderHeaderTail(): string {
  const hidden: Value = { kind: 'hidden' };
  const spec: Compression = {
    block: lastBlock([hidden, hidden, hidden, { kind: 'code', text: 'w3', perCall: true }], 80),
    init: LETTERS.map((_, role) => `pre[${role}]`),
    chain: LETTERS.map((_, role) => `mid[${role}]`),
    loaded: new Map([[16, 'pre[10]'], [17, 'pre[11]']]),
    partial: new Map([[18, 'pre[8]'], [19, 'pre[9]']]),
    earlyExit: false,
  };
  return renderFile(`The hot half of mining: the SHA-256 compression of a block header's second
64-byte block (the last 16 header bytes and the fixed padding), fully
unrolled, with the schedule specialised for the nonce being the only word
that changes between calls.

Why unrolled: V8 keeps the round constants as immediates, folds the zero
padding words away and keeps the working variables in registers; a loop over
a schedule array runs 25-30% slower. The function is about 25 KB of
bytecode, well below the ~60 KB beyond which TurboFan never optimises a
function (checked with \`node --print-bytecode\` and \`--trace-opt\`).

${ROUND_FORM}

Correctness is checked against \`sha256d\` on random headers in
test/unit/mining/sha256-header.test.ts.`, `Finishes SHA-256 of an 80-byte header: compresses the second block into the
midstate and writes the eight state words of the first hash to \`out\`.

@param mid state after the first 64 header bytes (the midstate).
@param pre the working variables after rounds 0-2 (which do not read the
  nonce), then the nonce-independent schedule parts: [a..h, σ1(W16) + W2,
  σ1(W17) + σ0(W4), W16, W17]. See \`HeaderHasher\`.
@param w3 message word 3: the nonce as a big-endian 32-bit word.`,
  'export function compressHeaderTail(mid: Int32Array, pre: Int32Array, w3: number, out: Int32Array): void',
  unroll(spec));
}

/** The generated files, by path from the repository root. */
export const SHA256_GENERATED_FILES: readonly { readonly path: string; readonly render: () => string }[] = [
  { path: 'src/mining/sha256-outer.ts', render: renderOuterHash },
  { path: 'src/mining/sha256-tail.ts', render: renderHeaderTail },
];

/** The first line (1-based) where two texts differ, with both versions of it; null when they are equal. */
export function firstDifference(expected: string, actual: string): { line: number; expected?: string; actual?: string } | null {
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return { line: i + 1, expected: a[i], actual: b[i] };
  }
  return null;
}
