/**
 * CSRF secrets and tokens as django/middleware/csrf.py makes them (Django ≥ 4.1): the cookie holds
 * a 32-char secret, each page's form field a 64-char token (a fresh mask + the masked secret).
 */
import { randomString, RANDOM_STRING_CHARS as CSRF_CHARS } from './random-string.js';

export const SECRET_LENGTH = 32;

export function newSecret(): string {
  return randomString(SECRET_LENGTH);
}

export function isWellFormed(token: string): boolean {
  return [...token].every((c) => CSRF_CHARS.includes(c));
}

/** The secret, or undefined when the cookie value is not a well-formed secret. */
export function validSecret(value: string | undefined): string | undefined {
  return value && value.length === SECRET_LENGTH && isWellFormed(value) ? value : undefined;
}

/** `_mask_cipher_secret`: a fresh mask per page, so the field differs from the cookie. */
export function maskSecret(secret: string): string {
  const mask = randomString(SECRET_LENGTH);
  let cipher = '';
  for (let i = 0; i < SECRET_LENGTH; i++) {
    cipher += CSRF_CHARS[(CSRF_CHARS.indexOf(secret[i] as string) + CSRF_CHARS.indexOf(mask[i] as string)) % CSRF_CHARS.length];
  }
  return mask + cipher;
}

export function unmaskToken(token: string): string {
  const mask = token.slice(0, SECRET_LENGTH);
  const cipher = token.slice(SECRET_LENGTH);
  let secret = '';
  for (let i = 0; i < SECRET_LENGTH; i++) {
    const n = CSRF_CHARS.length;
    secret += CSRF_CHARS[(CSRF_CHARS.indexOf(cipher[i] as string) - CSRF_CHARS.indexOf(mask[i] as string) + n) % n];
  }
  return secret;
}
