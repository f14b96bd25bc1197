/**
 * diagnose over real-shaped error texts: Django's debug page (HTML and plain text), a DRF / API
 * JSON error, a Django log traceback, server log lines, text with no error, hostile names.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { diagnose } from '../../src/diagnose/diagnose.js';
import type { Finding } from '../../src/diagnose/types.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../test/diagnose/fixtures/${name}`, import.meta.url), 'utf8');

interface Case {
  readonly name: string;
  readonly text: string;
  readonly contentType?: string;
  readonly want: Finding[];
}

const relation = (name: string, extra: Partial<Finding> = {}): Finding =>
  ({ kind: 'missing-relation', name, message: `relation "${name}" does not exist`, language: 'en', ...extra }) as Finding;

const cases: Case[] = [
  {
    // The message appears five times (header, meta table, exception cause twice, copy-paste view),
    // each time followed by PostgreSQL's LINE 1 excerpt cut mid-name: one finding, full name.
    name: 'Django DEBUG=True page (technical_500.html), quotes escaped as &quot;',
    text: fixture('django-debug-500.html'),
    contentType: 'text/html; charset=utf-8',
    want: [relation('user_profile_about_item')],
  },
  {
    name: 'the same page with no content type (detected by its markup)',
    text: fixture('django-debug-500.html'),
    want: [relation('user_profile_about_item')],
  },
  {
    name: 'Django plain-text 500 (technical_500.txt): unquoted table.column, HINT ignored',
    text: fixture('django-debug-500.txt'),
    contentType: 'text/plain; charset=utf-8',
    want: [
      {
        kind: 'missing-column',
        table: 'teams_membership',
        column: 'left_at',
        message: 'column teams_membership.left_at does not exist',
        language: 'en',
      },
    ],
  },
  {
    name: 'Django log: psycopg2 + django.db.utils tracebacks, two requests, order of appearance',
    text: fixture('django-error.log'),
    want: [
      relation('user_profile_stream_config'),
      { kind: 'missing-relation', schema: 'billing', name: 'InvoiceLine', message: 'relation "billing.InvoiceLine" does not exist', language: 'en' },
    ],
  },
  {
    name: 'plain-text 500 from a bare WSGI server',
    text: 'Internal Server Error\n\nrelation "user_profile_about_item" does not exist\n',
    contentType: 'text/plain',
    want: [relation('user_profile_about_item')],
  },
  {
    name: 'PostgreSQL server log: "at character N" suffix and STATEMENT line',
    text:
      '2024-05-02 03:14:07.123 UTC [4242] app@site ERROR:  relation "user_profile_about_item" does not exist at character 15\n' +
      '2024-05-02 03:14:07.123 UTC [4242] app@site STATEMENT:  SELECT * FROM user_profile_about_item\n',
    want: [relation('user_profile_about_item')],
  },
  {
    name: 'DRF JSON error from a custom exception handler',
    text: JSON.stringify({
      detail: 'A server error occurred.',
      exception: 'ProgrammingError',
      message: 'column "left_at" does not exist\nLINE 1: SELECT "left_at" FROM teams_membership\n               ^',
    }),
    contentType: 'application/json',
    want: [{ kind: 'missing-column', column: 'left_at', message: 'column "left_at" does not exist', language: 'en' }],
  },
  {
    name: 'node-postgres error serialised by an API: code and English message agree (one finding, en)',
    text: JSON.stringify({
      error: { name: 'error', severity: 'ERROR', code: '42P01', position: '15', routine: 'parserOpenTable', message: 'relation "user_profile_about_item" does not exist' },
    }),
    contentType: 'application/json; charset=utf-8',
    want: [relation('user_profile_about_item')],
  },
  {
    name: 'SQLSTATE 42P01 with unknown wording: first quoted name, schema split, language sqlstate',
    text: '{"errors":[{"sqlstate":"42P01","message":"Tabelle «billing.invoice_line» fehlt"}]}',
    want: [
      { kind: 'missing-relation', schema: 'billing', name: 'invoice_line', message: 'Tabelle «billing.invoice_line» fehlt', language: 'sqlstate' },
    ],
  },
  {
    name: 'pgcode 42703 next to a detail in an unknown language',
    text: '{"pgcode":"42703","detail":"kolumn \\"left_at\\" saknas"}',
    want: [{ kind: 'missing-column', column: 'left_at', message: 'kolumn "left_at" saknas', language: 'sqlstate' }],
  },
  {
    name: 'an error code with no quoted name yields nothing to look up',
    text: '{"code":"42P01","message":"undefined table"}',
    want: [],
  },
  {
    name: 'other SQLSTATEs are not findings',
    text: '{"code":"23505","message":"duplicate key value violates unique constraint \\"x_pkey\\""}',
    want: [],
  },
  {
    name: 'invalid JSON that starts like JSON is read as text',
    text: '{"detail": relation "user_profile_about_item" does not exist',
    want: [relation('user_profile_about_item')],
  },
  {
    name: 'a healthy page: no error, no finding',
    text: '<!DOCTYPE html><html><body><h1>@alice</h1><p>Hi! I write about &quot;relations&quot; that do not exist yet.</p></body></html>',
    contentType: 'text/html',
    want: [],
  },
  { name: 'empty body', text: '', want: [] },
  {
    name: 'a skipped DROP (NOTICE) and a missing constraint are not missing tables',
    text:
      'NOTICE:  relation "old_table" does not exist, skipping\n' +
      'ERROR:  constraint "teams_membership_fk" of relation "teams_membership" does not exist\n' +
      'ERROR:  rule "r" for relation "teams_membership" does not exist\n',
    want: [],
  },
  {
    name: 'a missing column of a named relation is not a missing relation',
    text: 'ERROR:  column "left_at" of relation "teams_membership" does not exist',
    want: [
      {
        kind: 'missing-column',
        column: 'left_at',
        table: 'teams_membership',
        message: 'column "left_at" of relation "teams_membership" does not exist',
        language: 'en',
      },
    ],
  },
  {
    name: 'hostile name: SQL in the name is just a name (looked up later as a parameter)',
    text: 'django.db.utils.ProgrammingError: relation "x; DROP TABLE users" does not exist',
    want: [relation('x; DROP TABLE users')],
  },
  {
    name: 'a NUL byte cannot be in a PostgreSQL name: such a "name" is planted, and dropped',
    text: 'relation "a\u0000b" does not exist; relation "real_one" does not exist',
    want: [relation('real_one')],
  },
  {
    name: 'hostile name in HTML: markup in the name comes back decoded, still just a name',
    text: '<pre class="exception_value">relation &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot; does not exist</pre>',
    contentType: 'text/html',
    want: [relation('<script>alert(1)</script>')],
  },
  {
    name: 'other entity forms: &#34; &#x27; and a French message with &laquo; &nbsp; &raquo;',
    text:
      '<pre>relation &#34;user_profile_about_item&#34; does not exist</pre>' +
      '<pre>ERREUR:  la colonne &laquo;&nbsp;left_at&nbsp;&raquo; n&#x27;existe pas</pre>',
    contentType: 'text/html',
    want: [
      relation('user_profile_about_item'),
      { kind: 'missing-column', column: 'left_at', message: "la colonne «\u00a0left_at\u00a0» n'existe pas", language: 'fr' },
    ],
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    t.strictSame(diagnose(c.text, c.contentType === undefined ? {} : { contentType: c.contentType }), c.want);
  });
}

t.test('a repeated message is one finding; different ones keep their first-appearance order', async (t) => {
  const text = ['relation "b" does not exist', 'relation "a" does not exist', 'relation "b" does not exist', 'column "c" does not exist'].join('\n');
  t.same(
    diagnose(text).map((f) => (f.kind !== 'missing-column' ? f.name : f.column)),
    ['b', 'a', 'c'],
  );
});

t.test('message is the matched sentence, at most ~300 characters', async (t) => {
  const long = 'n'.repeat(120);
  const [f] = diagnose(`ERROR:  column "${long}" of relation "${long}" does not exist\nLINE 1: ...`);
  t.equal(f?.message, `column "${long}" of relation "${long}" does not exist`);
  t.ok((f?.message.length ?? 0) <= 300);
});
