/**
 * The fixture's catalog app before smoke-fix touches anything: drifted by real migrations, its
 * pages fail one table at a time, five deep, and its NOT NULL column can drift on its own. The
 * history-backed tests build on this; if it fails, they prove nothing.
 */
import t from 'tap';
import { quoteIdent } from '../../src/db/quote.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import {
  CATALOG_LEVEL_PATHS,
  djangoUnavailable,
  get,
  migrateWithColumnDrift,
  migrateWithDrift,
  OWN_TABLES,
  schemaOf,
  serveSite,
  SOURCE_SCHEMA,
} from '../helpers/django-site.js';

stopSharedServerAtEnd(t);
const skip = await djangoUnavailable();

t.test('a drifted catalog fails five levels deep, one table per repair; the latent table is read by no page', { skip }, async (t) => {
  const db = await createTestDatabase(t);
  await migrateWithDrift({ databaseUrl: db.url, driftApps: ['catalog'] });
  for (const table of OWN_TABLES.catalog) t.equal(await schemaOf(db, table), SOURCE_SCHEMA, `${table} drifted`);
  t.equal(await schemaOf(db, 'catalog_item'), '0 copies: none', 'the rename was followed: no catalog_item left');
  const [sections] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${quoteIdent(SOURCE_SCHEMA)}.catalog_section`);
  t.equal(sections?.n, 3, 'the data migration wrote its rows (into the drifted table)');

  const server = await serveSite(t, { databaseUrl: db.url, debug: true });
  const deepest = `${server.url}${CATALOG_LEVEL_PATHS[4]}`;
  const levels = OWN_TABLES.catalog.slice(0, 5);
  for (const [i, table] of levels.entries()) {
    const page = await get(deepest);
    t.equal(page.status, 500, `round ${i + 1}: /catalog/5/ fails`);
    t.match(page.body, `relation &quot;${table}&quot; does not exist`, `round ${i + 1}: it names ${table}, the next level`);
    for (const other of levels.filter((l) => l !== table)) t.notMatch(page.body, `relation &quot;${other}&quot;`, `and not ${other}`);
    const shallow = await get(`${server.url}${CATALOG_LEVEL_PATHS[i]}`);
    t.equal(shallow.status, 500, `/catalog/${i + 1}/ fails on the same table`);
    await db.exec(`ALTER TABLE ${quoteIdent(SOURCE_SCHEMA)}.${quoteIdent(table)} SET SCHEMA public`);
    if (i > 0) t.equal((await get(`${server.url}${CATALOG_LEVEL_PATHS[i - 1]}`)).status, 200, `/catalog/${i}/ works once its levels are back`);
  }
  const page = await get(deepest);
  t.equal(page.status, 200, 'green after five moves');
  t.equal(page.body, 'catalog_section=3\ncatalog_shelf=0\ncatalog_product=0\ncatalog_price=0\ncatalog_review=0');
  t.equal(await schemaOf(db, 'catalog_auditentry'), SOURCE_SCHEMA, 'the latent table is still drifted while every page is green');
});

t.test('catalog 0003 over a stale copy: the NOT NULL column with a default is only in the copy', { skip }, async (t) => {
  const db = await createTestDatabase(t);
  await migrateWithColumnDrift({ databaseUrl: db.url, migration: 'catalog.0003_section_position', staleCopies: ['catalog_section'] });
  const columns = await db.query<{ schema: string; notnull: boolean; def: string | null }>(
    `SELECT n.nspname AS schema, a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS def
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE c.relname = 'catalog_section' AND a.attname = 'position' AND NOT a.attisdropped`,
  );
  t.same(columns, [{ schema: SOURCE_SCHEMA, notnull: true, def: null }], 'NOT NULL, its default dropped, in the copy only');
  const server = await serveSite(t, { databaseUrl: db.url, debug: true });
  const page = await get(`${server.url}${CATALOG_LEVEL_PATHS[0]}`);
  t.equal(page.status, 500);
  t.match(page.body, /column catalog_section\.position does not exist/);
});
