/** `get_random_string` (django/utils/crypto.py): CSRF secrets, their masks, and session keys. */
import { randomInt } from 'node:crypto';

export const RANDOM_STRING_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function randomString(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += RANDOM_STRING_CHARS[randomInt(RANDOM_STRING_CHARS.length)];
  return out;
}
