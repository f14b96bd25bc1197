/**
 * The helper's stdout → its JSON document. The project may print anything around it (settings
 * that log, a shell banner), so only what sits between this run's marker lines counts, and the
 * document's shape is checked before anything downstream trusts it.
 */

export interface HelperMigration {
  readonly app: string;
  readonly name: string;
  readonly applied: string | null;
  readonly statements: readonly string[];
  readonly notes: readonly string[];
}

export type HelperOutput =
  | { readonly kind: 'history'; readonly django: string; readonly migrations: readonly HelperMigration[]; readonly warnings: readonly string[] }
  | { readonly kind: 'error'; readonly error: string; readonly message: string }
  /** The helper started (Django was ready) but printed no document. */
  | { readonly kind: 'started-only' }
  /** Not even the start marker: the project failed before Django was ready. */
  | { readonly kind: 'not-started' };

export function parseHelperOutput(stdout: string, mark: string): HelperOutput {
  const begin = stdout.indexOf(`\n${mark}-BEGIN\n`);
  const end = begin < 0 ? -1 : stdout.indexOf(`\n${mark}-END`, begin);
  if (begin < 0 || end < 0) return stdout.includes(`\n${mark}-STARTED\n`) ? { kind: 'started-only' } : { kind: 'not-started' };
  const text = stdout.slice(begin + `\n${mark}-BEGIN\n`.length, end);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new TypeError('the document between the markers is not JSON');
  }
  return shapeOf(doc);
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

function shapeOf(doc: unknown): HelperOutput {
  if (doc === null || typeof doc !== 'object') throw new TypeError('the document is not an object');
  const d = doc as Record<string, unknown>;
  if (d['error'] !== undefined) {
    const e = d['error'] as Record<string, unknown>;
    if (!isString(e?.['kind']) || !isString(e['message'])) throw new TypeError('the error has no kind or message');
    return { kind: 'error', error: e['kind'], message: e['message'] };
  }
  if (!isString(d['django']) || !Array.isArray(d['migrations']) || !isStrings(d['warnings'])) {
    throw new TypeError('the document lacks django, migrations or warnings');
  }
  const migrations = d['migrations'].map((m: unknown, i): HelperMigration => {
    const r = (m ?? {}) as Record<string, unknown>;
    const applied = r['applied'];
    if (!isString(r['app']) || !isString(r['name']) || !(applied === null || isString(applied)) || !isStrings(r['statements']) || !isStrings(r['notes'])) {
      throw new TypeError(`migration #${i + 1} is malformed`);
    }
    return { app: r['app'], name: r['name'], applied, statements: r['statements'], notes: r['notes'] };
  });
  return { kind: 'history', django: d['django'], migrations, warnings: d['warnings'] };
}
