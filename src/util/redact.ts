/** Helpers that keep secrets out of logs, reports and error messages. */

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

/** Replace every occurrence of each secret (at least 4 chars) in `text` with `***`. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length >= 4) out = out.split(s).join('***');
  }
  return out;
}

/**
 * Every string inside `value` (objects, arrays, nested) with the secrets masked; other values as
 * they are. Depth-limited so a cyclic or absurdly deep object cannot hang a log line.
 */
export function maskDeep<T>(value: T, secrets: readonly string[], depth = 0): T {
  if (secrets.length === 0) return value;
  if (typeof value === 'string') return maskSecrets(value, secrets) as T;
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, secrets, depth + 1)) as T;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, secrets, depth + 1)])) as T;
}
