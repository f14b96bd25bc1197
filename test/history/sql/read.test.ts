/**
 * history.sql readers: each tool's real folder layout and its history table created by hand with
 * the rows the tool writes, on a real PostgreSQL; then the history replayed into the expected schema.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import t from 'tap';
import { buildExpectedSchema } from '../../../src/history/expected/index.js';
import { flywayChecksum } from '../../../src/history/sql/flyway.js';
import { SqlHistoryError } from '../../../src/history/sql/errors.js';
import { readSqlHistory } from '../../../src/history/sql/read.js';
import type { SqlHistoryConfig } from '../../../src/config/types.js';
import { createTestDatabase, stopSharedServerAtEnd, type TestDatabase } from '../../helpers/database.js';
import { tempDir } from '../../helpers/temp.js';

stopSharedServerAtEnd(t);

const SCHEMAS = ['public', 'test_schema'];

async function folder(t: Parameters<typeof tempDir>[0], files: Record<string, string>): Promise<string> {
  const dir = await tempDir(t, 'smoke-fix-sql-history-');
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

const read = (db: TestDatabase, settings: SqlHistoryConfig) => readSqlHistory(settings, { databaseUrl: db.url, connectRetries: 1, schemas: SCHEMAS });
const summary = (h: Awaited<ReturnType<typeof read>>) => h.migrations.map((m) => [m.id, m.statements.length]);

const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);\n';
// A function body holds `;`: only the parser knows it is one statement.
const ORDERS = `CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), note text DEFAULT 'a;b');
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.note := 'x;y'; RETURN NEW; END $$;
CREATE INDEX orders_user_idx ON orders (user_id);
`;

t.test("Flyway's checksum is CRC-32 over each line's bytes, without line endings or BOM (as java.util.zip.CRC32 computes it)", async (t) => {
  // Reference value from Python's zlib.crc32 over the same lines (the IEEE CRC-32 Java uses).
  const text = 'CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);\n\n-- a comment\n';
  t.equal(flywayChecksum(text), -1867195509);
  t.equal(flywayChecksum('\uFEFF' + text.replace(/\n/g, '\r\n')), -1867195509, 'BOM and CRLF do not change it');
});

t.test('Flyway: rows in installed_rank order; failed rows, BASELINE and files never applied are not replayed', async (t) => {
  const db = await createTestDatabase(t);
  const view = 'CREATE OR REPLACE VIEW user_names AS SELECT name FROM users;\n';
  const dir = await folder(t, {
    'V1__create_users.sql': USERS,
    'V2__add_orders.sql': ORDERS,
    'V2_1__broken.sql': 'CREATE TABLE half (id int);\n',
    'R__user_names.sql': view,
    'V5__not_yet.sql': 'CREATE TABLE later (id int);\n',
    'README.md': 'not a migration',
  });
  // The table Flyway 9/10 creates on PostgreSQL, and the rows a `migrate` writes.
  await db.exec(`CREATE TABLE public.flyway_schema_history (
      installed_rank integer NOT NULL PRIMARY KEY, version varchar(50), description varchar(200) NOT NULL, type varchar(20) NOT NULL,
      script varchar(1000) NOT NULL, checksum integer, installed_by varchar(100) NOT NULL, installed_on timestamp NOT NULL DEFAULT now(),
      execution_time integer NOT NULL, success boolean NOT NULL)`);
  const rows: unknown[][] = [
    [1, '0', '<< Flyway Baseline >>', 'BASELINE', '<< Flyway Baseline >>', null, '2025-12-29 14:00:00', true],
    [2, '1', 'create users', 'SQL', 'V1__create_users.sql', flywayChecksum(USERS), '2025-12-29 14:01:00', true],
    [3, '2', 'add orders', 'SQL', 'V2__add_orders.sql', 12345, '2025-12-29 14:02:00', true],
    [4, '2.1', 'broken', 'SQL', 'V2_1__broken.sql', flywayChecksum('CREATE TABLE half (id int);\n'), '2025-12-29 14:03:00', false],
    [5, null, 'user names', 'SQL', 'R__user_names.sql', flywayChecksum(view), '2025-12-29 14:04:00', true],
    [6, '3', 'gone', 'SQL', 'V3__gone.sql', 1, '2025-12-29 14:05:00', true],
    [8, '4', 'outside', 'SQL', '../../../etc/passwd', 1, '2025-12-29 14:07:00', true],
    [7, null, 'user names', 'SQL', 'R__user_names.sql', flywayChecksum(view), '2025-12-29 14:06:00', true],
  ];
  for (const r of rows) {
    await db.query(
      `INSERT INTO public.flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, installed_on, execution_time, success)
       VALUES ($1, $2, $3, $4, $5, $6, 'app', $7, 12, $8)`,
      r,
    );
  }
  const history = await read(db, { dir, format: 'flyway' });
  t.equal(history.source, 'flyway');
  t.same(summary(history), [['V1__create_users', 1], ['V2__add_orders', 3], ['R__user_names', 1]], 'the repeatable once, at its last run');
  t.equal(history.migrations[1]!.appliedAt, '2025-12-29T14:02:00.000Z');
  t.equal(history.migrations[1]!.name, 'add orders');
  t.match(history.migrations[1]!.statements[1], /^CREATE FUNCTION touch\(\).*'x;y'; RETURN NEW; END \$\$;$/s);
  t.same(history.warnings, [
    'V2__add_orders.sql: the file changed since Flyway applied it (checksum ' + flywayChecksum(ORDERS) + ', recorded 12345); the expectation follows the file as it is now',
    'V2_1__broken.sql: recorded as failed (success = false) in public.flyway_schema_history; not replayed',
    `V3__gone.sql: recorded as applied in public.flyway_schema_history but not found in ${dir}; what it created is unknown`,
    `../../../etc/passwd: recorded as applied in public.flyway_schema_history but not found in ${dir}; what it created is unknown`,
    'V5__not_yet.sql: on disk, not applied (not in public.flyway_schema_history)',
  ]);

  const expected = await buildExpectedSchema(history, { targetSchema: 'public' });
  t.same([...expected.relations.keys()], ['orders', 'orders_id_seq', 'user_names', 'users']);
  t.same(expected.relations.get('orders')!.createdBy, { id: 'V2__add_orders', appliedAt: '2025-12-29T14:02:00.000Z' });
  t.same(expected.relations.get('orders')!.indexes, ['orders_pkey', 'orders_user_idx']);
});

t.test('golang-migrate: every .up.sql up to the recorded version; a dirty version is listed as not followed', async (t) => {
  const db = await createTestDatabase(t);
  const dir = await folder(t, {
    '000001_create_users.up.sql': USERS,
    '000001_create_users.down.sql': 'DROP TABLE users;\n',
    '000002_add_orders.up.sql': ORDERS,
    '000002_add_orders.down.sql': 'DROP TABLE orders;\n',
    '000003_add_email.up.sql': 'ALTER TABLE users ADD COLUMN email text;\nCREATE UNIQUE INDEX users_email_idx ON users (email);\n',
    '000004_later.up.sql': 'CREATE TABLE later (id int);\n',
  });
  // Migrated under the wrong search_path, golang-migrate's own table landed in test_schema too.
  await db.exec(`CREATE SCHEMA test_schema;
    CREATE TABLE test_schema.schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
    INSERT INTO test_schema.schema_migrations VALUES (3, true);`);
  const history = await read(db, { dir, format: 'golang-migrate' });
  t.same(summary(history), [['1_create_users', 1], ['2_add_orders', 3], ['3_add_email', 2]]);
  t.same(history.warnings, [
    'version 3 is dirty in test_schema.schema_migrations: it failed midway; its statements are listed as not followed (fix it, then `migrate force`)',
    '000004_later.up.sql: on disk, not applied (after version 3)',
  ]);
  const expected = await buildExpectedSchema(history, { targetSchema: 'public' });
  t.same(expected.relations.get('users')!.columns.map((c) => c.name), ['id', 'name'], 'the dirty migration is not replayed');
  t.same(
    expected.unfollowed.filter((u) => u.migration.id === '3_add_email').map((u) => [u.migration.id, u.statement, u.reason]),
    [
      ['3_add_email', 'ALTER TABLE users ADD COLUMN email text;', 'the migration is dirty (failed midway): which of its statements ran is unknown'],
      ['3_add_email', 'CREATE UNIQUE INDEX users_email_idx ON users (email);', 'the migration is dirty (failed midway): which of its statements ran is unknown'],
    ],
  );

  await db.exec('UPDATE test_schema.schema_migrations SET version = 5, dirty = false');
  const clean = await read(db, { dir, format: 'golang-migrate' });
  t.same(summary(clean).length, 4);
  t.same(clean.warnings, [`version 5: recorded in test_schema.schema_migrations but no \`5_*.up.sql\` in ${dir}; what it created is unknown`]);
});

t.test('dbmate: only the `-- migrate:up` section of each recorded version runs', async (t) => {
  const db = await createTestDatabase(t);
  const dir = await folder(t, {
    '20240101120000_create_users.sql': `-- migrate:up\n${USERS}\n-- migrate:down\nDROP TABLE users;\n`,
    '20240102120000_add_orders.sql': `-- migrate:up transaction:false\n${ORDERS}\n-- migrate:down\nDROP TABLE orders;\n`,
    '20240103120000_not_yet.sql': `-- migrate:up\nCREATE TABLE later (id int);\n-- migrate:down\nDROP TABLE later;\n`,
  });
  await db.exec(`CREATE TABLE public.schema_migrations (version varchar(128) PRIMARY KEY);
    INSERT INTO public.schema_migrations VALUES ('20240101120000'), ('20240102120000'), ('20231201000000');`);
  const history = await read(db, { dir, format: 'dbmate' });
  t.same(summary(history), [['20240101120000_create_users', 1], ['20240102120000_add_orders', 3]]);
  t.notOk(history.migrations.flatMap((m) => m.statements).some((s) => s.startsWith('DROP')), 'no down section replayed');
  t.same(history.warnings, [
    `version 20231201000000: recorded in public.schema_migrations but no \`20231201000000_*.sql\` in ${dir}; what it created is unknown`,
    '20240103120000_not_yet.sql: on disk, not applied (not in public.schema_migrations)',
  ]);
  const expected = await buildExpectedSchema(history, { targetSchema: 'public' });
  t.same([...expected.relations.keys()], ['orders', 'orders_id_seq', 'users']);
});

t.test('Prisma: finished and not rolled back; a changed migration.sql is a warning', async (t) => {
  const db = await createTestDatabase(t);
  const init = 'CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\nCREATE UNIQUE INDEX "User_email_key" ON "User"("email");\n';
  const post = 'CREATE TABLE "Post" ("id" SERIAL NOT NULL, "authorId" INTEGER NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));\n';
  const dir = await folder(t, {
    'migration_lock.toml': 'provider = "postgresql"\n',
    '20240101000000_init/migration.sql': init,
    '20240102000000_post/migration.sql': post,
    '20240103000000_rolled/migration.sql': 'CREATE TABLE "Gone" ("id" INTEGER);\n',
  });
  // The table prisma-engines creates, and the rows `prisma migrate deploy` writes.
  await db.exec(`CREATE TABLE public._prisma_migrations (id varchar(36) PRIMARY KEY NOT NULL, checksum varchar(64) NOT NULL, finished_at timestamptz,
      migration_name varchar(255) NOT NULL, logs text, rolled_back_at timestamptz, started_at timestamptz NOT NULL DEFAULT now(),
      applied_steps_count integer NOT NULL DEFAULT 0)`);
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  const ins = `INSERT INTO public._prisma_migrations (id, checksum, finished_at, migration_name, rolled_back_at, started_at, applied_steps_count) VALUES ($1, $2, $3, $4, $5, $6, 1)`;
  await db.query(ins, ['a', sha(init), '2024-01-01T00:00:01Z', '20240101000000_init', null, '2024-01-01T00:00:00Z']);
  await db.query(ins, ['b', sha('edited since'), '2024-01-02T00:00:01Z', '20240102000000_post', null, '2024-01-02T00:00:00Z']);
  await db.query(ins, ['c', sha('x'), null, '20240103000000_rolled', '2024-01-03T00:00:05Z', '2024-01-03T00:00:00Z']);
  const history = await read(db, { dir, format: 'prisma' });
  t.same(summary(history), [['20240101000000_init', 2], ['20240102000000_post', 1]]);
  t.equal(history.migrations[0]!.appliedAt, '2024-01-01T00:00:01.000Z');
  t.same(history.warnings, [
    '20240102000000_post/migration.sql: the file changed since Prisma applied it (checksum differs); the expectation follows the file as it is now',
    '20240103000000_rolled: rolled back in public._prisma_migrations; not replayed',
  ]);
  const expected = await buildExpectedSchema(history, { targetSchema: 'public' });
  t.same([...expected.relations.keys()], ['Post', 'Post_id_seq', 'User', 'User_id_seq']);
});

t.test('each way a SQL history cannot be read is a clear exit-2 error', async (t) => {
  const db = await createTestDatabase(t);
  const dir = await folder(t, { 'V1__a.sql': USERS });
  const failure = async (settings: SqlHistoryConfig) => {
    const error = await read(db, settings).catch((e: unknown) => e);
    t.type(error, SqlHistoryError);
    t.equal((error as SqlHistoryError).exitCode, 2);
    return (error as Error).message;
  };
  t.equal(await failure({ dir: join(dir, 'nope'), format: 'flyway' }), `history.sql.dir: \`${join(dir, 'nope')}\` is not a folder; give the folder holding the Flyway migrations (relative to the config file)`);
  t.equal(
    await failure({ dir, format: 'flyway' }),
    'history.sql: no Flyway history table `flyway_schema_history` in `public`, `test_schema`; has Flyway applied any migration to this database? If its table has another name or schema, set `history.sql.table` (e.g. `table: myschema.flyway_schema_history`)',
  );
  await db.exec('CREATE SCHEMA ops; CREATE TABLE ops.applied (version varchar(128) PRIMARY KEY)');
  t.equal(
    await failure({ dir, format: 'golang-migrate', table: 'ops.applied' }),
    'history.sql: the table ops.applied has no column `dirty`, which golang-migrate writes; is `history.sql.format` right?',
  );
  await db.exec(`INSERT INTO ops.applied VALUES ('1')`);
  const ok = await read(db, { dir: await folder(t, { '1_a.sql': `-- migrate:up\n${USERS}` }), format: 'dbmate', table: 'ops.applied' });
  t.same(summary(ok), [['1_a', 1]], 'the table override, schema-qualified');
});
