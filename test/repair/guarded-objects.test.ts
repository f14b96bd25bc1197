/**
 * A repair migration's guarded SQL for a moved routine, type or extension, on a real PostgreSQL:
 * it moves the object while it is still misplaced, is a no-op after, and the reverse mirrors it.
 */
import t from 'tap';
import { guardedForwardSql, guardedReverseSql } from '../../src/repair/guarded-sql.js';
import { moveObjectRollbackSql, moveObjectSql } from '../../src/repair/object-sql.js';
import type { MoveObjectAction } from '../../src/repair/types.js';
import { createTestDatabase, stopSharedServerAtEnd, type TestDatabase } from '../helpers/database.js';
import { collected } from '../helpers/collected.js';

stopSharedServerAtEnd(t);

const finding = { kind: 'missing-function', name: 'total', args: 'integer', routine: 'function', message: '', language: 'en' } as const;
const base = { kind: 'move-object', findings: [collected(finding)], fromSchema: 'test_schema', toSchema: 'public' } as const;
const fn: MoveObjectAction = {
  ...base,
  object: { kind: 'function', name: 'total', oid: 1, argTypes: 'integer' },
  sql: moveObjectSql({ kind: 'function', name: 'total', identityArgs: 'qty integer', fromSchema: 'test_schema', toSchema: 'public' }),
  rollbackSql: moveObjectRollbackSql({ kind: 'function', name: 'total', identityArgs: 'qty integer', fromSchema: 'test_schema', toSchema: 'public' }),
};
const mood: MoveObjectAction = {
  ...base,
  object: { kind: 'type', name: 'mood', oid: 1 },
  sql: moveObjectSql({ kind: 'type', name: 'mood', fromSchema: 'test_schema', toSchema: 'public' }),
  rollbackSql: moveObjectRollbackSql({ kind: 'type', name: 'mood', fromSchema: 'test_schema', toSchema: 'public' }),
};

async function where(db: TestDatabase): Promise<string[]> {
  const rows = await db.query<{ line: string }>(`
    SELECT 'proc ' || n.nspname AS line FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = 'total'
    UNION ALL SELECT 'type ' || n.nspname FROM pg_type y JOIN pg_namespace n ON n.oid = y.typnamespace WHERE y.typname = 'mood' ORDER BY 1`);
  return rows.map((r) => r.line);
}

t.test('forward moves while misplaced and is then a no-op; reverse puts it back', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec(`CREATE SCHEMA test_schema;
    CREATE FUNCTION test_schema.total(qty integer) RETURNS integer LANGUAGE sql AS 'SELECT qty';
    CREATE TYPE test_schema.mood AS ENUM ('a');`);
  for (const a of [fn, mood]) await db.exec(guardedForwardSql(a));
  t.same(await where(db), ['proc public', 'type public']);
  for (const a of [fn, mood]) await db.exec(guardedForwardSql(a));
  t.same(await where(db), ['proc public', 'type public'], 'a second run changes nothing');
  for (const a of [fn, mood]) await db.exec(guardedReverseSql(a));
  t.same(await where(db), ['proc test_schema', 'type test_schema'], 'reverse');
  // A copy where the name is already taken in the target: left alone.
  await db.exec(`CREATE FUNCTION public.total(qty integer) RETURNS integer LANGUAGE sql AS 'SELECT 0'`);
  await db.exec(guardedForwardSql(fn));
  t.same(await where(db), ['proc public', 'proc test_schema', 'type test_schema']);
});
