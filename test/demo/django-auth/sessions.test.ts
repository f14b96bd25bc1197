/** Sessions in django_session on a real PostgreSQL: a login's session, who it belongs to, when it stops counting. */
import type { IncomingMessage } from 'node:http';
import pg from 'pg';
import t from 'tap';
import { taggedQuery } from '../../../src/demo/django-auth/query.js';
import { currentUser, startSession } from '../../../src/demo/django-auth/sessions.js';
import { AUTH_TABLES_SQL, createUserSql } from '../../../src/demo/django-auth/tables.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../../helpers/database.js';

stopSharedServerAtEnd(t);

const withSession = (key: string) => ({ headers: { cookie: `csrftoken=x; sessionid=${key}` } }) as unknown as IncomingMessage;

async function setUp(t: Parameters<typeof createTestDatabase>[0]) {
  const db = await createTestDatabase(t);
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  t.teardown(() => pool.end());
  return { db, query: taggedQuery(pool) };
}

t.test('a login starts a session that names its user, drops the old one and sets last_login', async (t) => {
  const { db, query } = await setUp(t);
  await db.exec(AUTH_TABLES_SQL);
  const insert = createUserSql({ username: 'alice', password: 'pw', isSuperuser: true });
  const [alice] = await db.query<{ id: number }>(insert.text, insert.values);

  const first = await startSession(query, { oldKey: undefined, userId: alice!.id, ageSeconds: 60 });
  t.match(first, /^[a-z0-9]{32}$/);
  t.same(await currentUser(query, withSession(first)), { id: alice!.id, username: 'alice', isSuperuser: true });
  const [row] = await db.query<{ last_login: Date | null }>('SELECT last_login FROM auth_user WHERE id = $1', [alice!.id]);
  t.type(row?.last_login, Date, 'last_login is set');

  const second = await startSession(query, { oldKey: first, userId: alice!.id, ageSeconds: 60 });
  t.equal(await currentUser(query, withSession(first)), null, 'the old session is gone');
  t.same(await db.query('SELECT session_key FROM django_session'), [{ session_key: second }]);
});

t.test('no cookie, an expired session, unreadable session data, an inactive user: nobody', async (t) => {
  const { db, query } = await setUp(t);
  await db.exec(AUTH_TABLES_SQL);
  const insert = createUserSql({ username: 'bob', password: 'pw' });
  const [bob] = await db.query<{ id: number }>(insert.text, insert.values);
  t.equal(await currentUser(query, { headers: {} } as IncomingMessage), null);
  const key = await startSession(query, { oldKey: undefined, userId: bob!.id, ageSeconds: 60 });
  await db.query(`UPDATE django_session SET expire_date = now() - interval '1 second'`);
  t.equal(await currentUser(query, withSession(key)), null, 'expired');
  await db.query(`UPDATE django_session SET expire_date = now() + interval '1 hour', session_data = 'not json'`);
  t.equal(await currentUser(query, withSession(key)), null, 'unreadable data is an empty session');
  await db.query(`UPDATE django_session SET session_data = $1`, [JSON.stringify({ _auth_user_id: String(bob!.id) })]);
  t.equal((await currentUser(query, withSession(key)))?.username, 'bob');
  await db.query('UPDATE auth_user SET is_active = false');
  t.equal(await currentUser(query, withSession(key)), null, 'inactive');
});

t.test('a missing table is PostgreSQL\'s error, carrying the statement that failed', async (t) => {
  const { query } = await setUp(t);
  const error = await currentUser(query, withSession('k')).catch((e: unknown) => e);
  t.match(error, { code: '42P01', message: 'relation "django_session" does not exist', sql: /^SELECT session_data FROM django_session/ });
});
