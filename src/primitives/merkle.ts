/**
 * Bitcoin's merkle tree: pairs of sha256d, an odd last node paired with itself.
 * That odd-duplicate rule lets two different transaction lists share a root
 * (CVE-2012-2459), so the computation also reports whether the tree was mutated.
 */
import { concatBytes, equalBytes, hashFromHex, hashToHex } from './bytes.js';
import { sha256d } from './hashes.js';

export interface MerkleResult {
  root: Uint8Array;
  /** True when some level had two equal adjacent hashes: the CVE-2012-2459 mutation. */
  mutated: boolean;
}

/**
 * Merkle root of hashes in internal byte order, as Bitcoin Core's ComputeMerkleRoot.
 * An empty list gives 32 zero bytes.
 */
export function computeMerkleRoot(hashes: readonly Uint8Array[]): MerkleResult {
  if (hashes.length === 0) return { root: new Uint8Array(32), mutated: false };
  let level = hashes.slice();
  let mutated = false;
  while (level.length > 1) {
    // Equal siblings (before padding) mean a duplicated subtree can be dropped without changing the root.
    for (let i = 0; i + 1 < level.length; i += 2) {
      if (equalBytes(level[i]!, level[i + 1]!)) mutated = true;
    }
    if (level.length % 2 === 1) level.push(level[level.length - 1]!);
    const next: Uint8Array[] = new Array(level.length / 2);
    for (let i = 0; i < next.length; i++) next[i] = sha256d(concatBytes(level[2 * i]!, level[2 * i + 1]!));
    level = next;
  }
  return { root: level[0]!, mutated };
}

/** Merkle root of display-hex txids, returned as display hex (the public library form). */
export function merkleRoot(txids: readonly string[]): string {
  return hashToHex(computeMerkleRoot(txids.map(hashFromHex)).root);
}

/** The hashes from leaf `index` up to the root, for SPV proofs. */
export function merkleBranch(hashes: readonly Uint8Array[], index: number): Uint8Array[] {
  const branch: Uint8Array[] = [];
  let level = hashes.slice();
  let i = index;
  while (level.length > 1) {
    if (level.length % 2 === 1) level.push(level[level.length - 1]!);
    branch.push(level[i ^ 1]!);
    const next: Uint8Array[] = [];
    for (let j = 0; j < level.length; j += 2) next.push(sha256d(concatBytes(level[j]!, level[j + 1]!)));
    level = next;
    i >>= 1;
  }
  return branch;
}

/** Recomputes a root from a leaf, its index and its branch. */
export function merkleRootFromBranch(leaf: Uint8Array, branch: readonly Uint8Array[], index: number): Uint8Array {
  let hash = leaf;
  let i = index;
  for (const sibling of branch) {
    hash = i & 1 ? sha256d(concatBytes(sibling, hash)) : sha256d(concatBytes(hash, sibling));
    i >>= 1;
  }
  return hash;
}
