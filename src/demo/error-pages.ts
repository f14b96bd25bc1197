/**
 * How the bundled app shows a database error, in the styles real Django apps use. Each style
 * carries PostgreSQL's real message text; only the wrapping differs.
 */
import { escapeHtml } from './html-escape.js';

export type ErrorStyle =
  /** `ProgrammingError at /path` + the message, as a dev server or a plain-text 500 shows it. */
  | 'text'
  /** `{"detail": "...", "code": "42P01"}`, as an API (DRF exception handler) might. */
  | 'json'
  /** Django's DEBUG=True technical 500 page: entity-escaped quotes, the message several times,
   * and a `LINE 1:` excerpt that PostgreSQL cuts off mid-name. */
  | 'django-debug'
  /** Django's DEBUG=False page: `Server Error (500)`; the error goes only to the log file. */
  | 'opaque';

export interface DbError {
  readonly message: string;
  readonly code?: string | undefined;
  readonly position?: string | undefined;
}

/** PostgreSQL's `LINE 1: ...` excerpt: the query around the error position, cut to a fixed width. */
function lineExcerpt(sql: string, position: string | undefined): string {
  const pos = Number(position ?? 1);
  const start = Math.max(0, pos - 40);
  return `LINE 1: ${start > 0 ? '...' : ''}${sql.slice(start, pos + 20)}...`;
}

export function renderError(style: ErrorStyle, input: { path: string; sql: string; error: DbError }): { type: string; body: string } {
  const { path, sql, error } = input;
  const exc = error.code === '42703' ? 'UndefinedColumn' : 'UndefinedTable';
  switch (style) {
    case 'json':
      return { type: 'application/json', body: JSON.stringify({ detail: error.message, code: error.code ?? null }) };
    case 'opaque':
      return { type: 'text/html', body: '<h1>Server Error (500)</h1>' };
    case 'django-debug': {
      const msg = escapeHtml(error.message);
      const full = escapeHtml(`${error.message}\n${lineExcerpt(sql, error.position)}`);
      return {
        type: 'text/html; charset=utf-8',
        body: `<!DOCTYPE html>
<html lang="en"><head><meta name="robots" content="NONE,NOARCHIVE"><title>ProgrammingError at ${escapeHtml(path)}</title></head>
<body><div id="summary"><h1>ProgrammingError at ${escapeHtml(path)}</h1>
<pre class="exception_value">${full}</pre>
<table class="meta"><tr><th>Exception Type:</th><td>ProgrammingError</td></tr>
<tr><th>Exception Value:</th><td><pre>${full}</pre></td></tr></table></div>
<div id="traceback"><ul class="traceback"><li class="frame django">
<code class="fname">django/db/backends/utils.py</code>, line 89, in _execute
<pre>return self.cursor.execute(sql, params)</pre>
<table class="vars"><tr><td>sql</td><td class="code"><pre>&#x27;${escapeHtml(sql)}&#x27;</pre></td></tr></table>
</li></ul></div>
<div id="pastebinTraceback"><textarea>Exception Type: ProgrammingError at ${escapeHtml(path)}
Exception Value: ${msg}
${escapeHtml(lineExcerpt(sql, error.position))}</textarea></div>
<p>psycopg2.errors.${exc}: ${msg}</p>
</body></html>`,
      };
    }
    case 'text':
      return { type: 'text/plain; charset=utf-8', body: `ProgrammingError at ${path}\n${error.message}\n${lineExcerpt(sql, error.position)}\n` };
  }
}

/** The lines Django's `django.request` logger writes for an unhandled error (DEBUG=False + LOGGING). */
export function djangoLogRecord(input: { path: string; error: DbError; when: Date }): string {
  // Python's asctime: local time, milliseconds after a comma (the evidence rules read it as local).
  const w = input.when;
  const two = (n: number) => String(n).padStart(2, '0');
  const ts = `${w.getFullYear()}-${two(w.getMonth() + 1)}-${two(w.getDate())} ${two(w.getHours())}:${two(w.getMinutes())}:${two(w.getSeconds())},${String(w.getMilliseconds()).padStart(3, '0')}`;
  const exc = input.error.code === '42703' ? 'UndefinedColumn' : 'UndefinedTable';
  return [
    `${ts} ERROR django.request: Internal Server Error: ${input.path}`,
    'Traceback (most recent call last):',
    '  File "/app/venv/lib/python3.11/site-packages/django/db/backends/utils.py", line 89, in _execute',
    '    return self.cursor.execute(sql, params)',
    `psycopg2.errors.${exc}: ${input.error.message}`,
    '',
    'The above exception was the direct cause of the following exception:',
    '',
    'Traceback (most recent call last):',
    '  File "/app/venv/lib/python3.11/site-packages/django/core/handlers/exception.py", line 55, in inner',
    '    response = get_response(request)',
    `django.db.utils.ProgrammingError: ${input.error.message}`,
    '',
  ].join('\n');
}
