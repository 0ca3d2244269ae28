/**
 * RPC credentials: a cookie file written in the datadir at start (user
 * `__cookie__`, random password, removed at stop), as Bitcoin Core does, and
 * optional --rpc-user/--rpc-password. Secrets are compared in constant time.
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const COOKIE_USER = '__cookie__';
export const COOKIE_FILE = '.cookie';

export interface Credentials {
  user: string;
  password: string;
}

/** Writes a fresh cookie (mode 0600) and returns its credentials. */
export function writeCookie(datadir: string): Credentials & { path: string } {
  const password = randomBytes(32).toString('hex');
  const path = join(datadir, COOKIE_FILE);
  writeFileSync(path, `${COOKIE_USER}:${password}`, { mode: 0o600 });
  return { user: COOKIE_USER, password, path };
}

export function removeCookie(path: string): void {
  rmSync(path, { force: true });
}

/** Hashing both sides first gives equal-length inputs, so the comparison time does not depend on where they differ. */
function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** Checks an HTTP `Authorization: Basic ...` header against every accepted credential, without early exit. */
export function checkBasicAuth(header: string | undefined, accepted: readonly Credentials[]): boolean {
  if (!header || !header.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  let ok = false;
  for (const cred of accepted) {
    // Evaluate both comparisons for every credential: no short-circuit timing signal.
    const userOk = sameSecret(user, cred.user);
    const passOk = sameSecret(password, cred.password);
    ok = (userOk && passOk) || ok;
  }
  return ok;
}
