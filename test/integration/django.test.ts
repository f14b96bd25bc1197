/**
 * smoke-fix against a REAL Django site whose own apps were migrated into test_schema (the
 * incident): anonymous pages, with the errors read from Django's debug page, then from Django's
 * log file alone (DEBUG=False). Through the library call the CLI makes (`runWithConfig`).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import {
  createUsers,
  djangoUnavailable,
  get,
  migrateWithDrift,
  OWN_TABLES,
  reportText,
  rowCounts,
  runCase,
  schemaOf,
  seedSite,
  serveSite,
  tempDir,
  USERS,
} from '../helpers/django-site.js';

stopSharedServerAtEnd(t);
const skip = await djangoUnavailable();
const TABLES = [...OWN_TABLES.user_profile, ...OWN_TABLES.teams];

/** A database in the incident's state, with users and rows; returns the rows each table holds. */
async function driftedSite(databaseUrl: string): Promise<Record<string, number>> {
  await migrateWithDrift({ databaseUrl, driftApps: ['user_profile', 'teams'] });
  await createUsers({ databaseUrl, users: [USERS.alice, USERS.root] });
  return seedSite({ databaseUrl });
}

t.test('anonymous pages: the cascade moves every own-app table back to public', { skip }, async (t) => {
  const db = await createTestDatabase(t);
  const rows = await driftedSite(db.url);
  const site = await serveSite(t, { databaseUrl: db.url, debug: true });
  const reports = await tempDir(t);

  const { result, reportDir } = await runCase(t, { name: 'anonymous', env: { BASE_URL: site.url, DATABASE_URL: db.url }, reportDir: reports });

  t.equal(result.outcome, 'green', `outcome (${result.reason})`);
  t.equal(result.exitCode, 0, 'exit code 0');
  for (const table of TABLES) t.equal(await schemaOf(db, table), 'public', `${table} is in public`);
  t.same(await rowCounts(db, { schema: 'public', tables: TABLES }), rows, 'every table kept its rows');
  // The profile page reads three tables one after another: each repair reveals the next.
  t.ok(result.rounds.filter((r) => r.repairs.length > 0).length >= 3, 'the repairs took at least three rounds');

  const profile = await get(`${site.url}/@alice/`);
  t.equal(profile.status, 200, '/@alice/ answers 200');
  t.match(JSON.parse(profile.body), { username: 'alice', theme: 'dark', about: [{ title: 'Hello' }, { title: 'Elsewhere' }] });
  const teams = await get(`${site.url}/teams/`);
  t.equal(teams.status, 200, '/teams/ answers 200');
  t.equal((JSON.parse(teams.body) as { memberships: unknown[] }).memberships.length, 2, 'both memberships are listed');

  const json = JSON.parse(await readFile(join(reportDir, 'report.json'), 'utf8')) as { outcome: string; exitCode: number };
  t.match(json, { outcome: 'green', exitCode: 0 }, 'report.json says the run ended green');
  const md = await readFile(join(reportDir, 'report.md'), 'utf8');
  for (const table of TABLES) {
    t.ok(md.includes(`ALTER TABLE "test_schema"."${table}" SET SCHEMA "public";`), `report.md has the SQL that moved ${table}`);
  }
  const dbPassword = decodeURIComponent(new URL(db.url).password);
  t.notOk((await reportText(reportDir)).includes(dbPassword), 'the database password is in no report');
});

t.test('DEBUG=False: the errors are read from Django\'s log file alone', { skip }, async (t) => {
  const db = await createTestDatabase(t);
  const rows = await driftedSite(db.url);
  const logFile = join(await tempDir(t), 'django.log');
  const site = await serveSite(t, { databaseUrl: db.url, debug: false, logFile });
  const before = await get(`${site.url}/@alice/`);
  t.equal(before.status, 500, 'the profile page fails before the run');
  t.notMatch(before.body, /user_profile/, 'the page itself names no table (only "Server Error (500)")');
  const reports = await tempDir(t);

  const { result, reportDir } = await runCase(t, { name: 'log-only', env: { BASE_URL: site.url, DATABASE_URL: db.url, DJANGO_LOG_FILE: logFile }, reportDir: reports });

  t.equal(result.outcome, 'green', `outcome (${result.reason})`);
  t.equal(result.exitCode, 0, 'exit code 0');
  for (const table of TABLES) t.equal(await schemaOf(db, table), 'public', `${table} is in public`);
  t.same(await rowCounts(db, { schema: 'public', tables: TABLES }), rows, 'every table kept its rows');
  const sources = result.rounds.flatMap((r) => r.findings.map((f) => f.source.type));
  t.ok(sources.length > 0 && sources.every((s) => s === 'log'), 'every finding came from the log file');
  const md = await readFile(join(reportDir, 'report.md'), 'utf8');
  t.ok(md.includes(`read in log file ${logFile}`), 'report.md cites the log file as the evidence');
  t.notOk(md.includes('read in response body'), 'and never a response body');
  t.equal((await get(`${site.url}/@alice/`)).status, 200, '/@alice/ answers 200 afterwards');
});
