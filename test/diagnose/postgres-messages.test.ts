/**
 * The messages diagnose reads, produced by a REAL PostgreSQL: each failing statement's error is
 * fed to diagnose as the server sent it (and wrapped the ways apps report it), so a wording or
 * quoting assumption that the server does not share fails here.
 */
import t from 'tap';
import pg from 'pg';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { diagnose } from '../../src/diagnose/diagnose.js';

stopSharedServerAtEnd(t);

interface ServerError {
  readonly code: string;
  readonly message: string;
}

async function serverError(client: pg.Client, sql: string): Promise<ServerError> {
  try {
    await client.query(sql);
  } catch (err) {
    const e = err as { code?: string; message: string };
    return { code: e.code ?? '', message: e.message };
  }
  throw new Error(`expected ${sql} to fail`);
}

t.test('real server errors are read back with the names the server printed', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec(`
    CREATE TABLE teams_membership (id int PRIMARY KEY, joined_at timestamptz);
    CREATE SCHEMA billing;
  `);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  t.teardown(() => client.end());

  const cases: { sql: string; code: string; want: object }[] = [
    { sql: 'SELECT * FROM user_profile_about_item', code: '42P01', want: { kind: 'missing-relation', name: 'user_profile_about_item', schema: undefined } },
    { sql: 'SELECT * FROM public.user_profile_stream_config', code: '42P01', want: { kind: 'missing-relation', schema: 'public', name: 'user_profile_stream_config' } },
    { sql: 'SELECT * FROM billing."InvoiceLine"', code: '42P01', want: { kind: 'missing-relation', schema: 'billing', name: 'InvoiceLine' } },
    { sql: 'SELECT * FROM "UserProfile"', code: '42P01', want: { kind: 'missing-relation', name: 'UserProfile' } },
    { sql: 'SELECT * FROM "user profile"', code: '42P01', want: { kind: 'missing-relation', name: 'user profile' } },
    { sql: 'SELECT * FROM "say ""hi"""', code: '42P01', want: { kind: 'missing-relation', name: 'say "hi"' } },
    { sql: 'SELECT * FROM "x; DROP TABLE users"', code: '42P01', want: { kind: 'missing-relation', name: 'x; DROP TABLE users' } },
    { sql: 'SELECT left_at FROM teams_membership', code: '42703', want: { kind: 'missing-column', column: 'left_at', table: undefined } },
    { sql: 'SELECT teams_membership.left_at FROM teams_membership', code: '42703', want: { kind: 'missing-column', table: 'teams_membership', column: 'left_at' } },
    { sql: 'SELECT m.left_at FROM teams_membership m', code: '42703', want: { kind: 'missing-column', table: 'm', column: 'left_at' } },
    { sql: 'SELECT "LeftAt" FROM teams_membership', code: '42703', want: { kind: 'missing-column', column: 'LeftAt' } },
    { sql: 'INSERT INTO teams_membership (id, left_at) VALUES (1, now())', code: '42703', want: { kind: 'missing-column', column: 'left_at', table: 'teams_membership' } },
    { sql: 'UPDATE teams_membership SET left_at = now()', code: '42703', want: { kind: 'missing-column', column: 'left_at', table: 'teams_membership' } },
  ];
  for (const c of cases) {
    const error = await serverError(client, c.sql);
    t.equal(error.code, c.code, `${c.sql}: SQLSTATE`);
    const asPsycopg = `django.db.utils.ProgrammingError: ${error.message}\nLINE 1: ${c.sql}\n        ^`;
    const asJson = JSON.stringify({ error: { code: error.code, message: error.message } });
    for (const [how, text] of [['message', error.message], ['traceback', asPsycopg], ['json', asJson]] as const) {
      const found = diagnose(text);
      t.equal(found.length, 1, `${c.sql} (${how}): one finding from ${JSON.stringify(error.message)}`);
      t.match(found[0], { ...c.want, language: 'en', message: error.message }, `${c.sql} (${how})`);
    }
  }

  // Errors about something else that happen to mention a relation are not findings.
  const constraint = await serverError(client, 'ALTER TABLE teams_membership DROP CONSTRAINT nope');
  t.same(diagnose(constraint.message), [], constraint.message);
  const notices: string[] = [];
  client.on('notice', (n) => notices.push(n.message ?? ''));
  await client.query('DROP TABLE IF EXISTS old_table');
  t.equal(notices.length, 1, 'the server sent the IF EXISTS notice');
  t.same(diagnose(notices.join('\n')), [], notices[0] ?? 'notice');
});
