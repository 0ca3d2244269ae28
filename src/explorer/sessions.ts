/**
 * Random tokens that expire, bounded in number (the oldest is forgotten first).
 * Three uses: single-use tokens that let a browser open the notification
 * WebSocket (browsers do not reliably send cached Basic credentials with a
 * WebSocket upgrade, so the page asks for a token over HTTP and puts it in the
 * `/ws?token=` URL); the one-time sign-in links printed at start-up; and the
 * session cookies those links turn into (checked with {@link isLive}, not spent).
 */
import { randomBytes } from 'node:crypto';

export class SessionTokens {
  /** token → expiry (ms); insertion order is age order. */
  private readonly tokens = new Map<string, number>();

  constructor(private readonly ttlMs: number, private readonly max: number, private readonly now: () => number = Date.now) {}

  /** A fresh token (192 random bits, base64url). */
  issue(): { token: string; expiresAt: number } {
    this.prune();
    while (this.tokens.size >= this.max) this.tokens.delete(this.tokens.keys().next().value!);
    const token = randomBytes(24).toString('base64url');
    const expiresAt = this.now() + this.ttlMs;
    this.tokens.set(token, expiresAt);
    return { token, expiresAt };
  }

  /** Whether `token` was issued and has not expired; it cannot be used again either way. */
  consume(token: string): boolean {
    const expiresAt = this.tokens.get(token);
    this.tokens.delete(token);
    return expiresAt !== undefined && expiresAt > this.now();
  }

  /** Whether `token` was issued and has not expired, leaving it usable (a session cookie, used by every request). */
  isLive(token: string): boolean {
    const expiresAt = this.tokens.get(token);
    return expiresAt !== undefined && expiresAt > this.now();
  }

  /** Tokens outstanding. */
  get size(): number {
    return this.tokens.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [token, expiresAt] of this.tokens) if (expiresAt <= now) this.tokens.delete(token);
  }
}
