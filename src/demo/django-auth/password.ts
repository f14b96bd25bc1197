/**
 * The demo's password hasher: `sha256$<salt>$<hex>`, a salted SHA-256 in the `algorithm$…` layout
 * of Django's hashers. A simplification on purpose: Django's default is PBKDF2, and nothing the
 * probe does depends on which hash the site uses.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function hashPassword(password: string, salt: string = randomBytes(12).toString('hex')): string {
  return `sha256$${salt}$${createHash('sha256').update(salt + password, 'utf8').digest('hex')}`;
}

export function checkPassword(password: string, encoded: string): boolean {
  const [algorithm, salt, hash] = encoded.split('$');
  if (algorithm !== 'sha256' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hashPassword(password, salt));
  const actual = Buffer.from(encoded);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
