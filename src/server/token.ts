import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh dashboard token: 32 random bytes (256 bits) from the OS CSPRNG, base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Compares a presented token with the session's in constant time (no early exit on the first differing byte). */
export function tokenMatches(presented: string | undefined, token: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(token, 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(b, b);
    return false;
  }
  return timingSafeEqual(a, b);
}
