/**
 * Error texts as each stack prints them. Samples marked "captured" were printed by the real
 * library against PostgreSQL 15 on this machine (the capture scripts are in the comments); the
 * others are built from the library's own format string, cited by repository and path.
 */
import t from 'tap';
import { diagnose } from '../../src/diagnose/diagnose.js';
import type { Finding } from '../../src/diagnose/types.js';
import { MESSAGE_CATALOG } from '../../src/diagnose/catalog.generated.js';
import { NOT_FINDING_MSGIDS } from '../../src/diagnose/message-ids.js';
import { formatPrintf } from './format-printf.js';

interface Case {
  readonly stack: string;
  /** Where the sample comes from. */
  readonly source: string;
  readonly text: string;
  readonly contentType?: string;
  readonly want: Finding[];
}

const relation = (name: string, extra: Partial<Finding> = {}): Finding =>
  ({ kind: 'missing-relation', name, message: `relation "${name}" does not exist`, language: 'en', ...extra }) as Finding;
const column = (columnName: string, extra: Partial<Finding> = {}): Finding =>
  ({ kind: 'missing-column', column: columnName, message: `column "${columnName}" does not exist`, language: 'en', ...extra }) as Finding;

const cases: Case[] = [
  {
    stack: 'Rails / ActiveRecord 6.1',
    // Captured: ruby-activerecord 6.1.7.10 + ruby-pg 1.4.5, `User.column_names` with no users table.
    source: 'captured',
    text:
      'ActiveRecord::StatementInvalid: PG::UndefinedTable: ERROR:  relation "users" does not exist\n' +
      "LINE 8:  WHERE a.attrelid = '\"users\"'::regclass\n" +
      '                            ^\n',
    // The LINE excerpt quotes the name again inside a regclass literal: not a second finding.
    want: [relation('users')],
  },
  {
    stack: 'Rails / ActiveRecord 6.1 (full_message with the adapter frame)',
    // Captured: `User.first`, Exception#full_message(highlight: false).
    source: 'captured',
    text:
      "/usr/share/rubygems-integration/all/gems/activerecord-6.1.7.10/lib/active_record/connection_adapters/postgresql_adapter.rb:741:in `prepare': " +
      'PG::UndefinedTable: ERROR:  relation "users" does not exist (ActiveRecord::StatementInvalid)\n' +
      'LINE 1: SELECT "users".* FROM "users" ORDER BY "users"."id" ASC LIMI...\n' +
      '                              ^\n',
    want: [relation('users')],
  },
  {
    stack: 'Laravel (PDO pgsql), missing table',
    // laravel/framework src/Illuminate/Database/QueryException.php formatMessage (Laravel 10+):
    // `$message (Connection: $connectionName, SQL: $sql)`; php-src ext/pdo_pgsql prints the message as
    // `SQLSTATE[42P01]: Undefined table: 7 ERROR:  …` (state, its name, the libpq status, libpq's text).
    source: 'laravel/framework QueryException.php',
    text:
      'SQLSTATE[42P01]: Undefined table: 7 ERROR:  relation "orders" does not exist\nLINE 1: select * from "orders" where "id" = 5\n' +
      '                      ^ (Connection: pgsql, SQL: select * from "orders" where "id" = 5 limit 1)',
    want: [relation('orders')],
  },
  {
    stack: 'Laravel before 10, missing table',
    // The same formatMessage in older releases: `$message (SQL: $sql)` with the bindings filled in.
    source: 'laravel/framework QueryException.php',
    text: 'SQLSTATE[42P01]: Undefined table: 7 ERROR:  relation "orders" does not exist\nLINE 1: select * from "orders"\n                      ^ (SQL: select * from "orders" where "id" = 5)',
    want: [relation('orders')],
  },
  {
    stack: 'Laravel (PDO pgsql), missing column',
    source: 'laravel/framework QueryException.php',
    text:
      'SQLSTATE[42703]: Undefined column: 7 ERROR:  column "left_at" does not exist\nLINE 1: select "left_at" from "memberships"\n' +
      '               ^ (Connection: pgsql, SQL: select "left_at" from "memberships")',
    want: [column('left_at')],
  },
  {
    stack: 'Prisma 7 P2021, error message with the invocation frame',
    // Captured: prisma 7.10.1 + @prisma/adapter-pg (runs offline: no engine binary), findMany on a
    // model whose table is missing; only the file path in the frame was changed.
    source: 'captured',
    text: "\nInvalid `prisma.user.findMany()` invocation in\n/app/src/users.ts:5:25\n\n  2 import { PrismaPg } from '@prisma/adapter-pg';\n  3 const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: 'postgres://postgres@127.0.0.1:56123/postgres' }) });\n  4 const show = (label: string, e: any) => console.log(label, JSON.stringify({ name: e?.name, code: e?.code, message: e?.message, meta: e?.meta }));\n\u2192 5 try { await prisma.user.findMany(\nThe table `public.users` does not exist in the current database.",
    want: [{ kind: 'missing-relation', schema: 'public', name: 'users', message: 'The table `public.users` does not exist in the current database.', language: 'en' }],
  },
  {
    stack: 'Prisma 7 P2021 serialised by an API (code, meta with the driver error)',
    source: 'captured',
    text: "{\"name\": \"PrismaClientKnownRequestError\", \"code\": \"P2021\", \"meta\": {\"modelName\": \"User\", \"driverAdapterError\": {\"name\": \"DriverAdapterError\", \"cause\": {\"originalCode\": \"42P01\", \"originalMessage\": \"relation \\\"public.users\\\" does not exist\", \"kind\": \"TableDoesNotExist\", \"table\": \"public.users\"}}}}",
    contentType: 'application/json',
    want: [{ kind: 'missing-relation', schema: 'public', name: 'users', message: 'relation "public.users" does not exist', language: 'en' }],
  },
  {
    stack: 'Prisma 7 driver-adapter cause in a wording diagnose does not know: the code names the table',
    source: 'captured shape (meta.driverAdapterError.cause), message reworded',
    text: '{"code":"P2021","meta":{"driverAdapterError":{"cause":{"originalCode":"42P01","originalMessage":"Tabelle «public.users» fehlt","kind":"TableDoesNotExist"}}}}',
    want: [{ kind: 'missing-relation', schema: 'public', name: 'users', message: 'Tabelle «public.users» fehlt', language: 'sqlstate' }],
  },
  {
    stack: 'Prisma 7 P2022, error message',
    // Captured: the same model once the table exists without the mapped column left_at.
    source: 'captured',
    text: "\nInvalid `prisma.user.findMany()` invocation in\n/app/src/users.ts:7:25\n\n  4 const show = (label: string, e: any) => console.log(label, JSON.stringify({ name: e?.name, code: e?.code, message: e?.message, meta: e?.meta }));\n  5 try { await prisma.user.findMany(); } catch (e) { show('TABLE', e); }\n  6 try { await prisma.$executeRawUnsafe('create table users (id int primary key, name text not null)'); } catch (e) { show('CREATE', e); }\n\u2192 7 try { await prisma.user.findMany(\nThe column `users.left_at` does not exist in the current database.",
    want: [
      { kind: 'missing-column', table: 'users', column: 'left_at', message: 'The column `users.left_at` does not exist in the current database.', language: 'en' },
    ],
  },
  {
    stack: 'Prisma P2021, schema-qualified table',
    // prisma/prisma-engines libs/user-facing-errors/src/query_engine/mod.rs (TableDoesNotExist).
    source: 'prisma-engines user-facing-errors',
    text: 'PrismaClientKnownRequestError: \nInvalid `prisma.user.findMany()` invocation:\n\n\nThe table `public.users` does not exist in the current database.',
    want: [{ kind: 'missing-relation', schema: 'public', name: 'users', message: 'The table `public.users` does not exist in the current database.', language: 'en' }],
  },
  {
    stack: 'Prisma P2021, bare table',
    source: 'prisma-engines user-facing-errors',
    text: 'The table `users` does not exist in the current database.',
    want: [{ kind: 'missing-relation', name: 'users', message: 'The table `users` does not exist in the current database.', language: 'en' }],
  },
  {
    stack: 'Prisma P2022, table.column',
    // prisma-engines libs/user-facing-errors/src/query_engine/mod.rs (ColumnDoesNotExist).
    source: 'prisma-engines user-facing-errors',
    text: '{"code":"P2022","meta":{"modelName":"Membership","column":"memberships.left_at"},"message":"The column `memberships.left_at` does not exist in the current database."}',
    contentType: 'application/json',
    want: [
      {
        kind: 'missing-column',
        table: 'memberships',
        column: 'left_at',
        message: 'The column `memberships.left_at` does not exist in the current database.',
        language: 'en',
      },
    ],
  },
  {
    stack: 'Prisma 7 P2022 without a name',
    // `(not available)` names nothing: no finding here; the server log (database.serverLog) is
    // then the source of the name, for the same time window.
    source: 'prisma-engines user-facing-errors',
    text: 'The column `(not available)` does not exist in the current database.',
    want: [],
  },
  {
    stack: 'SQLAlchemy 1.4 + psycopg2',
    // Captured: python3-sqlalchemy 1.4.46, psycopg2 2.9.5, str(exc) of a query on a missing table.
    source: 'captured',
    text:
      '(psycopg2.errors.UndefinedTable) relation "users" does not exist\nLINE 1: select * from users where id = 1\n                      ^\n\n' +
      "[SQL: select * from users where id = %(id)s]\n[parameters: {'id': 1}]\n(Background on this error at: https://sqlalche.me/e/14/f405)",
    want: [relation('users')],
  },
  {
    stack: 'psycopg2 exception repr (Python log of repr(exc))',
    // Captured: repr(exc.orig) of the same error.
    source: 'captured',
    text: "UndefinedTable('relation \"users\" does not exist\\nLINE 1: select * from users where id = 1\\n                      ^\\n')",
    want: [relation('users')],
  },
  {
    stack: 'Django ProgrammingError repr',
    source: 'psycopg2 repr, as in the issue',
    text: "ProgrammingError('relation \"user_profile_about_item\" does not exist\\nLINE 1: ...\"user_profile_about_item\".\"id\" FROM \"user_profile_about_item\"...')",
    want: [relation('user_profile_about_item')],
  },
  {
    stack: 'Sequelize 6',
    // Captured: sequelize 6.37.8, String(err) of seq.query('select * from users').
    source: 'captured',
    text: 'SequelizeDatabaseError: relation "users" does not exist',
    want: [relation('users')],
  },
  {
    stack: 'TypeORM',
    // Captured: typeorm 1.1.1, String(err) of ds.query(...).
    source: 'captured',
    text: 'QueryFailedError: relation "users" does not exist',
    want: [relation('users')],
  },
  {
    stack: 'Knex',
    // Captured: knex 3.3.0, String(err) of knex('users').where({ name: 'alice' }).
    source: 'captured',
    text: 'error: select * from "users" where "name" = $1 - relation "users" does not exist',
    want: [relation('users')],
  },
  {
    stack: 'Knex, values filled in before the message',
    // knex.raw with literal values: the SQL (with a quote inside a value) precedes the message.
    source: 'captured form, literal values',
    text: 'error: select * from "users" where "name" = \'O"Brien\' and "id" = 7 - relation "users" does not exist',
    want: [relation('users')],
  },
  {
    stack: 'node-postgres',
    // Captured: pg 8.23.1, String(err).
    source: 'captured',
    text: 'error: relation "users" does not exist',
    want: [relation('users')],
  },
  {
    stack: 'Go lib/pq',
    // lib/pq error.go: func (err Error) Error() string { return "pq: " + err.Message }
    source: 'lib/pq error.go',
    text: 'pq: relation "users" does not exist',
    want: [relation('users')],
  },
  {
    stack: 'Go pgx',
    // jackc/pgx pgconn/errors.go: pe.Severity + ": " + pe.Message + " (SQLSTATE " + pe.Code + ")"
    source: 'jackc/pgx pgconn/errors.go',
    text: 'ERROR: relation "users" does not exist (SQLSTATE 42P01)',
    want: [relation('users')],
  },
  {
    stack: 'Hibernate / pgjdbc',
    // pgjdbc org/postgresql/util/ServerErrorMessage.java toString: message, then "\n  Position: N".
    source: 'pgjdbc ServerErrorMessage.java',
    text:
      'org.hibernate.exception.SQLGrammarException: could not extract ResultSet\n' +
      'Caused by: org.postgresql.util.PSQLException: ERROR: relation "users" does not exist\n  Position: 15\n' +
      '\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2713)',
    want: [relation('users')],
  },
  {
    stack: 'JSON log line holding JSON (one level: \\")',
    source: 'pino/winston log of a serialised error',
    text: '{"level":50,"msg":"{\\"error\\":\\"relation \\\\\\"users\\\\\\" does not exist\\",\\"code\\":\\"42P01\\"}"}\n',
    want: [relation('users')],
  },
  {
    stack: 'JSON log line holding escaped text (\\\\\\")',
    source: 'pino log of a string that was JSON-encoded twice',
    text: '{"level":50,"msg":"query failed: {\\"error\\":\\"relation \\\\\\"users\\\\\\" does not exist\\"}"}\n',
    want: [relation('users')],
  },
  {
    stack: 'HTML-escaped JSON in a page',
    source: 'an error page that prints the API answer',
    text: '<html><body><pre>{&quot;error&quot;: &quot;relation \\&quot;users\\&quot; does not exist&quot;}</pre></body></html>',
    contentType: 'text/html',
    want: [relation('users')],
  },
];

for (const c of cases) {
  t.test(`${c.stack} (${c.source})`, async (t) => {
    t.same(diagnose(c.text, c.contentType === undefined ? {} : { contentType: c.contentType }), c.want);
  });
}

// A missing FROM-clause entry is also SQLSTATE 42P01, but no table is missing: moving one
// cannot fix the query. Never a finding, in any wording, even with only the code beside it.
const missingFrom: { name: string; text: string }[] = [
  {
    // Captured: ruby-activerecord, connection.execute('select users.id from t').
    name: 'ActiveRecord',
    text: 'PG::UndefinedTable: ERROR:  missing FROM-clause entry for table "users"\nLINE 1: select users.id from t\n               ^\n',
  },
  { name: 'Laravel', text: 'SQLSTATE[42P01]: Undefined table: 7 ERROR:  missing FROM-clause entry for table "users" (Connection: pgsql, SQL: select users.id from t)' },
  { name: 'pgx', text: 'ERROR: missing FROM-clause entry for table "users" (SQLSTATE 42P01)' },
  // Captured: pg 8.23.1, err.code is 42P01 and err.routine errorMissingRTE.
  { name: 'node-postgres serialised with its code', text: '{"error":{"code":"42P01","routine":"errorMissingRTE","message":"missing FROM-clause entry for table \\"users\\""}}' },
  { name: 'invalid reference, with its code', text: '{"code":"42P01","message":"invalid reference to FROM-clause entry for table \\"users\\""}' },
  { name: 'German, with its code', text: '{"sqlstate":"42P01","message":"fehlender Eintrag in FROM-Klausel für Tabelle »users«"}' },
  { name: 'French, with its code', text: '{"sqlstate":"42P01","message":"entrée manquante de la clause FROM pour la table « users »"}' },
  { name: 'Japanese, with its code', text: '{"sqlstate":"42P01","message":"テーブル\\"users\\"用のFROM句エントリがありません"}' },
];

for (const c of missingFrom) {
  t.test(`missing FROM-clause entry is never a finding: ${c.name}`, async (t) => {
    t.same(diagnose(c.text), []);
  });
}

t.test('a missing FROM entry next to a real missing table: only the table', async (t) => {
  const text = JSON.stringify([
    { code: '42P01', message: 'missing FROM-clause entry for table "u"' },
    { code: '42P01', message: 'relation "orders" does not exist' },
  ]);
  t.same(diagnose(text), [relation('orders')]);
});

// Every language PostgreSQL ships, from the generated catalog: the sentence with its code beside it.
for (const msgid of NOT_FINDING_MSGIDS) {
  const wordings: [string, string][] = [['en', msgid], ...Object.entries(MESSAGE_CATALOG).flatMap(([lang, m]) => (m[msgid] ? [[lang, m[msgid]] as [string, string]] : []))];
  t.test(`${JSON.stringify(msgid)} with SQLSTATE 42P01 is never a finding, in ${wordings.length} languages`, async (t) => {
    for (const [language, template] of wordings) {
      const message = formatPrintf(template, ['users']);
      t.same(diagnose(JSON.stringify({ code: '42P01', message })), [], `${language}: ${message}`);
      t.same(diagnose(`ERROR:  ${message}`), [], `${language} as text`);
    }
  });
}
