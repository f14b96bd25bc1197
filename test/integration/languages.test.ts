/**
 * The whole cascade against a real PostgreSQL that answers in another language. Debian's
 * PostgreSQL 15 (the embedded npm server has no message catalogs) runs with a server-level
 * `lc_messages`, so the bundled app's 500s carry the server's translated text; smoke-fix must
 * read it from HTML, JSON and plain text and repair everything.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import t from 'tap';
import { runWithConfig } from '../../src/commands/run.js';
import { loadConfig } from '../../src/config/load.js';
import { startSqlApp, type AppRoute } from '../../src/demo/sql-app.js';
import { withClient } from '../helpers/database.js';
import { startSystemPostgres, systemPostgresUnavailable } from '../helpers/system-postgres.js';
import { tempDir } from '../helpers/temp.js';

const FIXTURE = join(process.cwd(), 'test', 'fixtures', 'languages');

/** `phrase` is the translated "does not exist" as the server prints it. */
const LANGUAGES = [
  { locale: 'de_DE.UTF-8', language: 'de', phrase: 'existiert nicht' },
  { locale: 'fr_FR.UTF-8', language: 'fr', phrase: "n'existe pas" },
  { locale: 'ja_JP.UTF-8', language: 'ja', phrase: '存在しません' },
  { locale: 'es_ES.UTF-8', language: 'es', phrase: 'no existe' },
  { locale: 'ru_RU.UTF-8', language: 'ru', phrase: 'не существует' },
] as const;

/** Where every drifted relation must end up, with the rows it had in test_schema. */
const MOVED: Record<string, number> = {
  user_profile_about_item: 25,
  user_profile_stream_config: 3,
  UserProfileBadge: 2,
  teams_team: 1,
  teams_membership: 2,
};

/** Status and full body of one GET (the body is always read, so the connection is released). */
async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

const setupSql = await readFile(join(FIXTURE, 'setup.sql'), 'utf8');
const { routes } = JSON.parse(await readFile(join(FIXTURE, 'routes.json'), 'utf8')) as { routes: AppRoute[] };

for (const { locale, language, phrase } of LANGUAGES) {
  const skip = systemPostgresUnavailable(locale);
  t.test(`lc_messages=${locale}: the cascade goes green from ${language} error text`, { skip }, async (t) => {
    const server = await startSystemPostgres({ lcMessages: locale });
    t.teardown(() => server.stop());
    await withClient(server.url, (c) => c.query(setupSql));
    const app = await startSqlApp({ databaseUrl: server.url, routes });
    t.teardown(() => app.close());

    // Otherwise this test proves nothing: the app's errors really are in that language.
    const teams = await get(`${app.url}/api/teams/`);
    t.equal(teams.status, 500, 'the JSON API fails before the repair');
    const detail = (JSON.parse(teams.body) as { detail: string }).detail;
    t.ok(detail.includes(phrase) && detail.includes('teams_team'), `the JSON error is in ${language}: ${detail}`);
    t.notOk(detail.includes('does not exist'), 'and not in English');
    const members = await get(`${app.url}/members/`);
    t.ok(members.body.includes(phrase) && members.body.includes('nickname'), `the column error is in ${language}: ${members.body.split('\n')[1]}`);

    const reportDir = await tempDir(t, 'smoke-fix-lang-');
    const config = await loadConfig(join(FIXTURE, 'config.yaml'), { BASE_URL: app.url, DATABASE_URL: server.url });
    const { result, reportDir: written } = await runWithConfig({ config, reportDir });

    t.equal(result.outcome, 'green', `outcome (${result.reason})`);
    t.equal(result.exitCode, 0, 'exit code');
    const findings = result.rounds.flatMap((r) => r.findings.map((f) => f.finding));
    t.same([...new Set(findings.map((f) => f.language))], [language], `every error was read as ${language}`);
    t.same(result.rounds.flatMap((r) => r.refusals), [], 'nothing refused');

    for (const [name, rows] of Object.entries(MOVED)) {
      const found = await withClient(server.url, (c) =>
        c.query<{ schema: string }>(
          `SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = $1 AND c.relkind = 'r'`,
          [name],
        ),
      );
      t.same(found.rows.map((r) => r.schema), ['public'], `${name} is in public, once`);
      const count = await withClient(server.url, (c) => c.query<{ n: number }>(`SELECT count(*)::int AS n FROM public."${name}"`));
      t.equal(count.rows[0]!.n, rows, `${name} kept its ${rows} rows`);
    }
    const columns = await withClient(server.url, (c) =>
      c.query<{ attname: string }>(
        `SELECT attname FROM pg_attribute WHERE attrelid = 'public.members'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
      ),
    );
    t.same(columns.rows.map((r) => r.attname), ['id', 'name', 'nickname'], 'public.members got the nickname column');
    const memberRows = await withClient(server.url, (c) => c.query<{ n: number }>('SELECT count(*)::int AS n FROM public.members'));
    t.equal(memberRows.rows[0]!.n, 7, 'public.members kept its rows');

    for (const path of ['/@alice/', '/api/teams/', '/members/']) t.equal((await get(app.url + path)).status, 200, `${path} answers 200 now`);
    const md = await readFile(join(written!, 'report.md'), 'utf8');
    t.ok(md.includes('ALTER TABLE "test_schema"."UserProfileBadge" SET SCHEMA "public";'), 'the report shows the move of the mixed-case table');
    t.ok(md.includes('ADD COLUMN "nickname" text'), 'the report shows the column added');
  });
}
