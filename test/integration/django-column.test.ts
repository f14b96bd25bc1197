/**
 * The missing-column case against a REAL Django site: teams migration 0002 (`left_at`) ran with
 * search_path test_schema while a stale copy of teams_membership sat there, so the copy got the
 * column and public did not. smoke-fix adds the column to public with the copy's definition.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import {
  createUsers,
  djangoUnavailable,
  get,
  migrateWithColumnDrift,
  rowCounts,
  runCase,
  schemasOf,
  serveSite,
  USERS,
} from '../helpers/django-site.js';

stopSharedServerAtEnd(t);
const skip = await djangoUnavailable();

t.test('left_at only in the stale copy: added to public.teams_membership, every row kept', { skip }, async (t) => {
  const db = await createTestDatabase(t);
  await migrateWithColumnDrift({
    databaseUrl: db.url,
    migration: 'teams.0002_membership_left_at',
    staleCopies: ['teams_membership'],
    async beforeDrift() {
      // Rows from before 0002: the ORM cannot write them now (its model already has left_at).
      await createUsers({ databaseUrl: db.url, users: [USERS.alice, USERS.root] });
      await db.exec(`
        INSERT INTO public.teams_team (name, slug) VALUES ('Core', 'core'), ('Ops', 'ops');
        INSERT INTO public.teams_membership (team_id, user_id, role, joined_at)
          SELECT t.id, u.id, 'member', now() FROM public.teams_team t CROSS JOIN public.auth_user u;`);
    },
  });
  const before = await rowCounts(db, { schema: 'public', tables: ['teams_membership'] });
  const site = await serveSite(t, { databaseUrl: db.url, debug: true });
  t.equal((await get(`${site.url}/teams/`)).status, 500, '/teams/ fails before the run');

  const { result, reportDir } = await runCase(t, { name: 'missing-column', env: { BASE_URL: site.url, DATABASE_URL: db.url } });

  t.equal(result.outcome, 'green', `outcome (${result.reason})`);
  t.equal(result.exitCode, 0, 'exit code 0');
  const [column] = await db.query<{ type: string; notnull: boolean }>(
    `SELECT format_type(atttypid, atttypmod) AS type, attnotnull AS notnull FROM pg_attribute
      WHERE attrelid = 'public.teams_membership'::regclass AND attname = 'left_at' AND NOT attisdropped`,
  );
  t.same(column, { type: 'timestamp with time zone', notnull: false }, 'public.teams_membership has a nullable left_at');
  t.same(await rowCounts(db, { schema: 'public', tables: ['teams_membership'] }), before, 'every membership row kept');
  t.equal(before.teams_membership, 4, 'four memberships to keep');
  t.same(await schemasOf(db, 'teams_membership'), ['public', 'test_schema'], 'the stale copy is left alone, never dropped');

  const teams = await get(`${site.url}/teams/`);
  t.equal(teams.status, 200, '/teams/ answers 200');
  const listed = (JSON.parse(teams.body) as { memberships: Array<{ leftAt: string | null }> }).memberships;
  t.equal(listed.length, 4, 'every membership is listed');
  t.ok(listed.every((m) => m.leftAt === null), 'nobody has left');
  const md = await readFile(join(reportDir!, 'report.md'), 'utf8');
  t.match(md, /ALTER TABLE "public"\."teams_membership" ADD COLUMN "left_at" timestamp with time zone/, 'report.md has the ADD COLUMN');
});
