/**
 * Repair on proof, end to end on a real PostgreSQL and the real bundled HTTP app, with a hand-built
 * expected schema injected as the history (the Django-backed version is django-history.test.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { runWithConfig } from '../../src/commands/run.js';
import { renderScan, scanExitCode, scanWithConfig } from '../../src/commands/scan.js';
import { loadConfig } from '../../src/config/load.js';
import { startSqlApp, type AppRoute } from '../../src/demo/sql-app.js';
import type { HistoryLoader } from '../../src/history/load.js';
import { createTestDatabase, stopSharedServerAtEnd, type TestDatabase } from '../helpers/database.js';
import { tempDir } from '../helpers/temp.js';
import { column, schemaOf, SHOP_ITEM, SHOP_ORDER, table } from '../history/expected-fixture.js';

stopSharedServerAtEnd(t);

const NOTE_PINNED = { id: 'shop.0003_note_pinned', appliedAt: '2025-12-29T14:05:00Z' };
const SHOP_NOTE = table('shop_note', [
  column('id', 'bigint', true),
  column('body', 'text'),
  column('pinned', 'boolean', true, {
    addedBy: NOTE_PINNED,
    addSql: ['ALTER TABLE "shop_note" ADD COLUMN "pinned" boolean DEFAULT false NOT NULL;', 'ALTER TABLE "shop_note" ALTER COLUMN "pinned" DROP DEFAULT;'],
  }),
]);
const SHOP_AUDIT = table('shop_audit', [column('id', 'bigint', true), column('action', 'text', true)]);
const EXPECTED = schemaOf([SHOP_ITEM, SHOP_ORDER, SHOP_NOTE, SHOP_AUDIT]);
const inject: HistoryLoader = async () => ({ expected: EXPECTED });

/** The migrations' tables with the drift a wrong search_path leaves: two tables in test_schema, a FK into it, a lost column. */
const SETUP = `
  CREATE SCHEMA test_schema;
  CREATE TABLE test_schema.shop_item (id bigint PRIMARY KEY, name varchar(100) NOT NULL, flag boolean NOT NULL);
  INSERT INTO test_schema.shop_item SELECT g, 'item ' || g, g % 2 = 0 FROM generate_series(1, 40) g;
  CREATE TABLE public.shop_order (id bigint CONSTRAINT shop_order_pkey PRIMARY KEY,
    item_id bigint NOT NULL CONSTRAINT shop_order_item_fk REFERENCES test_schema.shop_item (id));
  CREATE INDEX shop_order_item_id_idx ON public.shop_order (item_id);
  INSERT INTO public.shop_order SELECT g, 1 + g % 40 FROM generate_series(1, 100) g;
  CREATE TABLE public.shop_note (id bigint PRIMARY KEY, body text);
  INSERT INTO public.shop_note VALUES (1, 'a'), (2, 'b'), (3, NULL);
  -- latent: no page reads it
  CREATE TABLE test_schema.shop_audit (id bigint PRIMARY KEY, action text NOT NULL);
  INSERT INTO test_schema.shop_audit SELECT g, 'act ' || g FROM generate_series(1, 7) g;
  -- not the app's: no migration created it
  CREATE TABLE test_schema.decoy (id serial PRIMARY KEY, secret text);
  INSERT INTO test_schema.decoy (secret) VALUES ('keep me here');
`;

const ROUTES: AppRoute[] = [
  { path: '/items/', queries: ['SELECT count(*) FROM shop_item'] },
  { path: '/orders/', queries: ['SELECT count(*) FROM shop_order o JOIN shop_item i ON i.id = o.item_id'] },
  { path: '/notes/', queries: ['SELECT id, pinned FROM shop_note ORDER BY id'] },
];

/** Row count and an md5 of every row in key order: what a person compares before and after a move. */
async function checksum(db: TestDatabase, schema: string, name: string): Promise<{ rows: number; md5: string }> {
  const [row] = await db.query<{ rows: number; md5: string }>(
    `SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS md5 FROM "${schema}"."${name}" t`,
  );
  return row!;
}

async function schemaOfRelation(db: TestDatabase, name: string): Promise<string[]> {
  const rows = await db.query<{ schema: string }>(`SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = $1 ORDER BY 1`, [name]);
  return rows.map((r) => r.schema);
}

async function setUp(t: Test, routes: AppRoute[], scope: 'errors' | 'history') {
  const db = await createTestDatabase(t);
  await db.exec(SETUP);
  const app = await startSqlApp({ databaseUrl: db.url, routes });
  t.teardown(() => app.close());
  const dir = await tempDir(t, 'smoke-fix-history-');
  const file = join(dir, 'smoke-fix.yaml');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(
    file,
    `baseUrl: ${app.url}\ndatabase:\n  url: ${db.url}\nendpoints:\n${routes.map((r) => `  - ${r.path}`).join('\n')}\nrepair:\n  mode: apply\n  scope: ${scope}\nhistory:\n  django: { manage: python3 manage.py }\n`,
  );
  const config = await loadConfig(file, {});
  return { db, config, dir };
}

t.test('scope: history repairs the whole proven drift in round 1 and confirms in round 2', async (t) => {
  const { db, config, dir } = await setUp(t, ROUTES, 'history');
  const before = { item: await checksum(db, 'test_schema', 'shop_item'), audit: await checksum(db, 'test_schema', 'shop_audit'), order: await checksum(db, 'public', 'shop_order') };

  const { result, reportDir } = await runWithConfig({ config, reportDir: dir, loadHistory: inject });

  t.equal(result.outcome, 'green', result.reason);
  t.equal(result.exitCode, 0);
  t.equal(result.rounds.length, 2, 'repair + confirming pass');
  t.same(
    result.rounds[0]!.repairs.map((r) => [r.status, r.action.sql]).sort(),
    [
      ['applied', 'ALTER TABLE "public"."shop_note" ADD COLUMN "pinned" boolean DEFAULT false NOT NULL;\nALTER TABLE "public"."shop_note" ALTER COLUMN "pinned" DROP DEFAULT;'],
      ['applied', 'ALTER TABLE "test_schema"."shop_audit" SET SCHEMA "public";'],
      ['applied', 'ALTER TABLE "test_schema"."shop_item" SET SCHEMA "public";'],
    ],
    'the latent table moves with the rest; the decoy does not',
  );
  t.same(await schemaOfRelation(db, 'shop_item'), ['public']);
  t.same(await schemaOfRelation(db, 'shop_audit'), ['public'], 'the latent table no endpoint reads was moved');
  t.same(await schemaOfRelation(db, 'decoy'), ['test_schema'], 'the decoy stays');
  t.same(await checksum(db, 'public', 'shop_item'), before.item, 'shop_item: same rows, same content');
  t.same(await checksum(db, 'public', 'shop_audit'), before.audit, 'shop_audit: same rows, same content');
  t.same(await checksum(db, 'public', 'shop_order'), before.order);
  t.same(
    await db.query(`SELECT count(*)::int AS n, bool_and(NOT pinned) AS all_false,
                      (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.shop_note'::regclass AND attname = 'pinned') AS not_null,
                      (SELECT count(*)::int FROM pg_attrdef WHERE adrelid = 'public.shop_note'::regclass) AS defaults
                    FROM public.shop_note`),
    [{ n: 3, all_false: true, not_null: true, defaults: 0 }],
    'the column is back as its migration left it: NOT NULL, rows filled with the default, default dropped',
  );
  const [fk] = await db.query<{ target: string }>(`SELECT confrelid::regclass::text AS target FROM pg_constraint WHERE conname = 'shop_order_item_fk'`);
  t.equal(fk?.target, 'shop_item', 'the FK from public now points into public (resolved by the move)');

  for (const r of result.rounds[0]!.repairs) t.equal(r.verification?.ok, true, `${r.action.sql} verified: ${r.verification?.problems.join('; ')}`);
  const item = result.rounds[0]!.repairs.find((r) => r.action.kind === 'move-relation' && r.action.relation.name === 'shop_item');
  t.same(item?.verification?.expectation, {
    object: 'public.shop_item',
    migration: 'shop.0001_initial, applied 2025-12-29 14:02',
    columns: { expected: 3, found: 3 },
    indexes: { expected: 1, found: 1 },
    constraints: { expected: 1, found: 1 },
    problems: [],
  });
  t.equal(result.history?.drift, false, 'nothing left against the migrations');
  t.same(result.history?.notTheApps.map((r) => r.name), ['decoy', 'decoy_id_seq']);
  t.same(result.leftInSources, []);

  const md = await readFile(join(reportDir, 'report.md'), 'utf8');
  t.match(md, 'against shop.0001\\_initial, applied 2025-12-29 14:02: expected 3 columns, found 3; indexes 1/1; constraints 1/1');
  t.match(md, '**From the migration** shop.0003\\_note\\_pinned, applied 2025-12-29 14:05, which ran:');
  t.match(md, 'read in the migration history (created by shop.0001\\_initial, applied 2025-12-29 14:02)');
  t.match(md, "## Against the migrations");
  const json = JSON.parse(await readFile(join(reportDir, 'report.json'), 'utf8'));
  t.equal(json.history.objects.length, 4);
});

t.test('a decoy named by a response body is refused not-in-history and stays put', async (t) => {
  const routes = [...ROUTES, { path: '/decoy/', queries: ['SELECT secret FROM decoy'] }];
  const { db, config, dir } = await setUp(t, routes, 'errors');
  const { result } = await runWithConfig({ config, reportDir: dir, loadHistory: inject });
  const refusals = result.rounds.flatMap((r) => r.refusals).filter((r) => r.findings[0].finding.kind === 'missing-relation' && r.findings[0].finding.name === 'decoy');
  t.ok(refusals.length > 0, 'the body names the decoy');
  t.same([...new Set(refusals.map((r) => r.reason))], ['not-in-history']);
  t.same(await schemaOfRelation(db, 'decoy'), ['test_schema'], 'the decoy stays in test_schema');
  t.same(await schemaOfRelation(db, 'shop_item'), ['public'], 'what the migrations created is still repaired from the errors');
  t.same(await schemaOfRelation(db, 'shop_audit'), ['test_schema'], 'scope errors: the latent table is not touched');
  t.equal(result.exitCode, 1, 'the decoy page still fails');
  t.same(result.leftInSources, [{ schema: 'test_schema', name: 'shop_audit', kind: 'table' }], 'the run says what it left behind');
});

t.test('without history, report.md never says nothing is left while a relation remains in a source schema', async (t) => {
  const { db, config, dir } = await setUp(t, [ROUTES[0]!], 'errors');
  const bare = { ...config, history: undefined, repair: { ...config.repair, scope: 'errors' as const } };
  const { result, reportDir } = await runWithConfig({ config: bare, reportDir: dir });
  t.equal(result.outcome, 'green', result.reason);
  t.equal(result.history, undefined);
  t.same(result.leftInSources?.map((r) => `${r.schema}.${r.name}`), ['test_schema.decoy', 'test_schema.shop_audit']);
  const md = await readFile(join(reportDir, 'report.md'), 'utf8');
  t.notMatch(md, 'Nothing: every endpoint passes');
  t.match(md, 'Left in `test_schema`: 2 relations (2 no endpoint touched): `decoy`, `shop_audit` — run `smoke-fix scan` to see the whole drift.');
  t.same(await schemaOfRelation(db, 'shop_audit'), ['test_schema'], 'scope errors: what no endpoint touched stays put');
});

t.test('scan with history: each object with its migration, the decoy, the FK, and the role setting behind it; exit 1', async (t) => {
  const { db, config } = await setUp(t, ROUTES, 'history');
  const role = `app_${db.name}`.slice(0, 60);
  await db.exec(`CREATE ROLE "${role}"; ALTER ROLE "${role}" IN DATABASE "${db.name}" SET search_path = test_schema, public;`);
  t.teardown(() => db.exec(`ALTER ROLE "${role}" IN DATABASE "${db.name}" RESET search_path; DROP ROLE IF EXISTS "${role}"`).catch(() => {}));

  const scan = await scanWithConfig(config, inject);
  t.equal(scanExitCode(scan), 1, 'misplaced and different objects: exit 1');
  t.same(scan.history?.objects.map((o) => [o.name, o.state, o.migration, o.differences]), [
    ['shop_audit', 'misplaced', 'shop.0001_initial, applied 2025-12-29 14:02', []],
    ['shop_item', 'misplaced', 'shop.0001_initial, applied 2025-12-29 14:02', []],
    ['shop_note', 'in-target', 'shop.0001_initial, applied 2025-12-29 14:02', ['column pinned missing (added by shop.0003_note_pinned)']],
    ['shop_order', 'in-target', 'shop.0001_initial, applied 2025-12-29 14:02', []],
  ]);
  t.same(scan.history?.why.settings.map((s) => [s.where, s.searchPath, s.fix]), [
    [`role ${role} in database ${db.name}`, 'test_schema, public', `ALTER ROLE "${role}" IN DATABASE "${db.name}" RESET search_path;`],
  ]);
  t.same(scan.history?.why.migrations, [
    { from: '2025-12-29 14:02', to: '2025-12-29 14:02', migrations: ['shop.0001_initial'], objects: ['test_schema.shop_audit', 'test_schema.shop_item'] },
  ]);
  const text = renderScan(scan);
  t.match(text, '✘ shop_item (table): MISPLACED, in test_schema; created by shop.0001_initial, applied 2025-12-29 14:02');
  t.match(text, 'test_schema.decoy (table)');
  t.match(text, 'public.shop_order constraint shop_order_item_fk references test_schema.shop_item');
  t.match(text, `remove it with: ALTER ROLE "${role}" IN DATABASE "${db.name}" RESET search_path;`);

  await db.exec(`ALTER TABLE test_schema.shop_item SET SCHEMA public; ALTER TABLE test_schema.shop_audit SET SCHEMA public;
                 ALTER TABLE public.shop_note ADD COLUMN pinned boolean NOT NULL DEFAULT false`);
  t.equal(scanExitCode(await scanWithConfig(config, inject)), 0, 'no drift against the migrations: exit 0 (the decoy does not count)');
});
