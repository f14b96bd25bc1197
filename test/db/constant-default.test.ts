import t from 'tap';
import { isConstantDefault } from '../../src/db/constant-default.js';

// The left column is what pg_get_expr prints for common defaults (checked against PostgreSQL 18).
t.test('literals, cast or not, are constant', async (t) => {
  for (const expr of [
    "'x'::character varying",
    "'-1'::integer",
    '1.5',
    'false',
    'NULL',
    "'{}'::jsonb",
    "'{}'::text[]",
    "'2026-01-01'::date",
    "'it''s'::text",
    "'2020-01-01 00:00:00'::timestamp(3) with time zone",
    "'happy'::test_schema.mood",
    "'x'::\"My Type\"",
  ]) {
    t.ok(isConstantDefault(expr), expr);
  }
});

t.test('calls, sequences and expressions are not', async (t) => {
  for (const expr of ['now()', "nextval('test_schema.t_id_seq'::regclass)", '(1 + 1)', 'gen_random_uuid()', "'a'::text || 'b'::text", "('x'::text)::integer + 1"]) {
    t.notOk(isConstantDefault(expr), expr);
  }
  t.notOk(isConstantDefault(null), 'no default is not a constant default');
});
