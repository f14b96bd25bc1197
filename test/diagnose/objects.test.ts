/**
 * `function f(integer) does not exist` (42883) and `type "x" does not exist` (42704) as findings:
 * the errors of a REAL PostgreSQL, as they reach an app (psycopg2 traceback with the HINT, JSON),
 * and the sentences that look alike but are no missing object.
 */
import t from 'tap';
import pg from 'pg';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { diagnose } from '../../src/diagnose/diagnose.js';

stopSharedServerAtEnd(t);

async function serverError(client: pg.Client, sql: string): Promise<{ code: string; message: string; hint: string }> {
  try {
    await client.query(sql);
  } catch (err) {
    const e = err as { code?: string; message: string; hint?: string };
    return { code: e.code ?? '', message: e.message, hint: e.hint ?? '' };
  }
  throw new Error(`expected ${sql} to fail`);
}

t.test('real server errors about routines and types are read back', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec(`CREATE SCHEMA billing; CREATE FUNCTION total(integer) RETURNS integer LANGUAGE sql AS 'SELECT $1';`);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  t.teardown(() => client.end());
  const cases: { sql: string; code: string; want: object }[] = [
    { sql: 'SELECT uuid_generate_v4()', code: '42883', want: { kind: 'missing-function', name: 'uuid_generate_v4', args: '', routine: 'function', schema: undefined } },
    { sql: "SELECT total(1, 'x'::varchar)", code: '42883', want: { kind: 'missing-function', name: 'total', args: 'integer, character varying' } },
    { sql: 'SELECT billing.total(1)', code: '42883', want: { kind: 'missing-function', schema: 'billing', name: 'total', args: 'integer' } },
    { sql: 'CALL archive_orders(7)', code: '42883', want: { kind: 'missing-function', name: 'archive_orders', args: 'integer', routine: 'procedure' } },
    { sql: "SELECT 'happy'::mood", code: '42704', want: { kind: 'missing-type', name: 'mood', schema: undefined } },
    { sql: "SELECT '{}'::ticket_state[]", code: '42704', want: { kind: 'missing-type', name: 'ticket_state' } },
    { sql: "SELECT 'x'::billing.\"Currency\"", code: '42704', want: { kind: 'missing-type', schema: 'billing', name: 'Currency' } },
  ];
  for (const c of cases) {
    const error = await serverError(client, c.sql);
    t.equal(error.code, c.code, `${c.sql}: SQLSTATE`);
    const hint = error.hint ? `\nHINT:  ${error.hint}` : '';
    const asPsycopg = `django.db.utils.ProgrammingError: ${error.message}\nLINE 1: ${c.sql}\n               ^${hint}`;
    const asJson = JSON.stringify({ error: { code: error.code, message: error.message, hint: error.hint } });
    for (const [how, text] of [['message', error.message], ['traceback', asPsycopg], ['json', asJson]] as const) {
      const found = diagnose(text);
      t.equal(found.length, 1, `${c.sql} (${how}): one finding from ${JSON.stringify(text)}`);
      t.match(found[0], { ...c.want, language: 'en', message: error.message }, `${c.sql} (${how})`);
    }
  }

  // 42883 too, but no object of a name is missing: the operand types are. Never a finding.
  const operator = await serverError(client, "SELECT 1 = 'a'::text");
  t.equal(operator.code, '42883');
  t.match(operator.message, /^operator does not exist: integer = text$/);
  t.same(diagnose(`${operator.message}\nHINT:  ${operator.hint}`), [], 'operator does not exist is not a finding');
  t.same(diagnose(JSON.stringify({ code: '42883', message: operator.message })), [], 'nor with its code beside it');
  // A 42725 (not unique) names a routine that exists twice: moving cannot help.
  await db.exec(`CREATE FUNCTION pick(integer) RETURNS int LANGUAGE sql AS 'SELECT 1'; CREATE FUNCTION pick(bigint) RETURNS int LANGUAGE sql AS 'SELECT 2';`);
  const unique = await serverError(client, "SELECT pick('1')");
  t.equal(unique.code, '42725', unique.message);
  t.same(diagnose(unique.message), [], unique.message);
  // Text-search "token type" errors contain the type sentence: a shadow, not a type.
  t.same(diagnose('token type "blank" does not exist'), []);
});

t.test('translated sentences, names as hostile text', async (t) => {
  t.match(diagnose('FEHLER:  Funktion public.total(integer) existiert nicht'), [{ kind: 'missing-function', schema: 'public', name: 'total', args: 'integer', language: 'de' }]);
  t.match(diagnose('ERROR:  no existe la función tags(text[], "Mood")'), [{ kind: 'missing-function', name: 'tags', args: 'text[], "Mood"', language: 'es' }]);
  t.match(diagnose('ERREUR:  le type « mood » n\'existe pas'), [{ kind: 'missing-type', name: 'mood', language: 'fr' }]);
  // Whatever sits between the parentheses is cut as text; it only ever reaches the catalog as a parameter.
  t.match(diagnose('function f(x; DROP TABLE users) does not exist'), [{ kind: 'missing-function', name: 'f', args: 'x; DROP TABLE users' }]);
  // A name with a quote or a space outside the parentheses is not PostgreSQL's output.
  t.same(diagnose('column "function foo" does not exist').map((f) => f.kind), ['missing-column']);
  t.same(diagnose('function f(a) (b) does not exist'), []);
});
