/**
 * What a move leaves behind, on a real PostgreSQL: each leftover is named, and the statement that
 * ends its sentence really finishes the job (after running them, nothing is left).
 */
import pg from 'pg';
import t from 'tap';
import { findLeftovers } from '../../src/repair/leftovers.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';

stopSharedServerAtEnd(t);

t.test('view, trigger function, type and shared sequence: named, with the statement that moves each', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec(`
    CREATE SCHEMA test_schema;
    CREATE TYPE test_schema.mood AS ENUM ('ok', 'meh');
    CREATE SEQUENCE test_schema.shared_numbers;
    CREATE FUNCTION test_schema.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
    CREATE TABLE test_schema.stream_config (id int, feeling test_schema.mood, n bigint DEFAULT nextval('test_schema.shared_numbers'));
    CREATE TRIGGER touch_it BEFORE UPDATE ON test_schema.stream_config FOR EACH ROW EXECUTE FUNCTION test_schema.touch();
    CREATE VIEW test_schema.stream_config_summary AS SELECT count(*) AS n FROM test_schema.stream_config;
    ALTER TABLE test_schema.stream_config SET SCHEMA public;
  `);
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  t.teardown(() => pool.end());
  const input = { moved: { schema: 'public', name: 'stream_config' }, sourceSchema: 'test_schema' };

  const warnings = await findLeftovers(pool, input);
  const starts = [/^The default of column "n" of "public"\."stream_config"/, /^Trigger "touch_it" on "public"\."stream_config" calls "test_schema"\."touch"\(\)/, /^Column "feeling" of "public"\."stream_config" uses type "test_schema"\."mood"/, /^View "test_schema"\."stream_config_summary"/];
  t.equal(warnings.length, starts.length);
  starts.forEach((start, i) => t.match(warnings[i], start));
  t.match(warnings.join('\n'), /uses sequence "test_schema"\."shared_numbers", which the table does not own/);
  t.match(warnings.join('\n'), /View "test_schema"\."stream_config_summary" depends on "public"\."stream_config" and still works/);

  // The contract with the reporters: the statement ends the sentence, after ": ", and ends with ";".
  const statements = warnings.map((w) => w.slice(w.lastIndexOf(': ') + 2));
  for (const sql of statements) t.match(sql, /^ALTER (SEQUENCE|FUNCTION|TYPE|VIEW) .* SET SCHEMA "public";$/);
  await db.exec(statements.join('\n'));
  t.same(await findLeftovers(pool, input), [], 'after running them nothing is left behind');
  t.same(await db.query('SELECT n FROM public.stream_config_summary'), [{ n: '0' }], 'the view still works where it went');
});

t.test('a table that took everything with it leaves nothing', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec(`CREATE SCHEMA test_schema; CREATE TABLE test_schema.plain (id serial PRIMARY KEY, body text); ALTER TABLE test_schema.plain SET SCHEMA public;`);
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  t.teardown(() => pool.end());
  t.same(await findLeftovers(pool, { moved: { schema: 'public', name: 'plain' }, sourceSchema: 'test_schema' }), [], 'its own serial sequence moved with it');
});
