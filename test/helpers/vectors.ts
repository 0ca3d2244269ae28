/**
 * Locates shared test vectors. They live beside the repository, in
 * `<repo>/../shared/vectors`, so they are not copied into every checkout.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const VECTORS_DIR = fileURLToPath(new URL('../../../shared/vectors/', import.meta.url));

/**
 * Absolute path of `shared/vectors/<parts...>`. Throws when it does not exist,
 * so a missing checkout fails loudly instead of a test silently reading nothing.
 */
export function vectorPath(...parts: string[]): string {
  const path = join(VECTORS_DIR, ...parts);
  if (!existsSync(path)) {
    throw new Error(`test vector not found: ${path} (expected shared/vectors beside the repository)`);
  }
  return path;
}
