/** Helpers that keep secrets out of logs, reports and error messages. */
import { createMasker } from './secret-masker.js';

/** `postgres://u:secret@h/db` → `postgres://u:***@h/db`. Unparseable input is fully masked. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const key of [...u.searchParams.keys()]) {
      if (/pass|secret|token|key/i.test(key)) u.searchParams.set(key, '***');
    }
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}

/**
 * `text` with every spelling of each secret masked (see `secret-masker.ts`). For a handful of
 * secrets known at the call site; a run builds one `Masker` and reuses it.
 */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  return createMasker(secrets).mask(text);
}
