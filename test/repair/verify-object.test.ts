/** After a type, routine or extension move: the very object answers to its name in the target (real PostgreSQL). */
import pg from 'pg';
import t from 'tap';
import { moveObjectSql } from '../../src/repair/object-sql.js';
import type { MoveObjectAction } from '../../src/repair/types.js';
import { verifyObjectMove } from '../../src/repair/verify-object.js';
import { collected } from '../helpers/collected.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';

stopSharedServerAtEnd(t);

const findings = [collected({ kind: 'missing-type', name: 'mood', message: '', language: 'en' } as const)] as const;

t.test('a moved type and function resolve; an impostor of the same name does not', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec(`CREATE SCHEMA test_schema;
    CREATE TYPE test_schema.mood AS ENUM ('ok');
    CREATE FUNCTION test_schema.total(qty integer) RETURNS integer LANGUAGE sql AS 'SELECT qty';
    CREATE TYPE public.shadow AS ENUM ('x'); CREATE TYPE test_schema.shadow AS ENUM ('y');`);
  const [mood] = await db.query<{ oid: number }>(`SELECT 'test_schema.mood'::regtype::oid::int AS oid`);
  const [total] = await db.query<{ oid: number }>(`SELECT 'test_schema.total(integer)'::regprocedure::oid::int AS oid`);
  const [shadow] = await db.query<{ oid: number }>(`SELECT 'test_schema.shadow'::regtype::oid::int AS oid`);
  const action = (object: MoveObjectAction['object']): MoveObjectAction => ({
    kind: 'move-object', findings, object, fromSchema: 'test_schema', toSchema: 'public',
    sql: moveObjectSql({ kind: object.kind, name: object.name, identityArgs: object.argTypes, fromSchema: 'test_schema', toSchema: 'public' }), rollbackSql: '',
  });
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  t.teardown(() => pool.end());

  const moodMove = action({ kind: 'type', name: 'mood', oid: mood!.oid });
  const totalMove = action({ kind: 'function', name: 'total', oid: total!.oid, argTypes: 'integer' });
  const problems: string[] = [];
  t.equal(await verifyObjectMove(pool, moodMove, problems), false, 'not moved yet');
  t.same(problems, ['type public.mood does not resolve to the moved object after the commit']);
  await db.exec(`${moodMove.sql}\n${totalMove.sql}`);
  const after: string[] = [];
  t.equal(await verifyObjectMove(pool, moodMove, after), true);
  t.equal(await verifyObjectMove(pool, totalMove, after), true);
  t.same(after, []);
  t.equal(await verifyObjectMove(pool, action({ kind: 'type', name: 'shadow', oid: shadow!.oid }), after), false, 'public.shadow is another type');
});

t.test('an extension resolves when pg_extension says it is in the target', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec('CREATE SCHEMA test_schema; CREATE EXTENSION "uuid-ossp" SCHEMA test_schema;');
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  t.teardown(() => pool.end());
  const move: MoveObjectAction = {
    kind: 'move-object', findings, object: { kind: 'extension', name: 'uuid-ossp', oid: 0 }, fromSchema: 'test_schema', toSchema: 'public',
    sql: moveObjectSql({ kind: 'extension', name: 'uuid-ossp', fromSchema: 'test_schema', toSchema: 'public' }), rollbackSql: '',
  };
  t.equal(await verifyObjectMove(pool, move, []), false);
  await db.exec(move.sql);
  t.equal(await verifyObjectMove(pool, move, []), true);
});
