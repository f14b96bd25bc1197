import t from 'tap';
import type { RunResult } from '../../src/result.js';
import { renderRepairSql, renderRollbackSql } from '../../src/report/sql.js';
import { greenRun, moveAction, planRun, relationFinding, stuckRun } from './fixtures.js';
import { collected } from '../helpers/collected.js';

/** The statements of a script: every line that is not a comment, blank, or a transaction wrapper. */
function statements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('--') && l !== 'BEGIN;' && l !== 'COMMIT;' && !l.startsWith('\\set'));
}

const applied = greenRun.rounds.flatMap((r) => r.repairs.filter((x) => x.status === 'applied').map((x) => x.action));

t.test('repair.sql: exactly the applied statements, in order, each in its own transaction', async (t) => {
  const sql = renderRepairSql(greenRun);
  t.same(statements(sql), applied.map((a) => a.sql));
  t.ok(sql.indexOf('\\set ON_ERROR_STOP on') < sql.indexOf('BEGIN;'), 'ON_ERROR_STOP is set before anything runs');
  for (const a of applied) t.ok(sql.includes(`BEGIN;\n${a.sql}\nCOMMIT;`), `${a.sql} wrapped in BEGIN/COMMIT`);
  t.match(sql, /-- Round 2: repair for missing column "teams_membership\.left_at", ran 2026-11-23T22:10:06\.431Z/);
});

t.test('rollback.sql: the rollback statements in reverse order', async (t) => {
  const sql = renderRollbackSql(greenRun);
  t.same(statements(sql), applied.map((a) => a.rollbackSql).reverse());
  t.match(sql, /\\set ON_ERROR_STOP on/);
});

t.test('a failed repair is named but not replayed or rolled back', async (t) => {
  const repair = renderRepairSql(stuckRun);
  t.same(statements(repair), []);
  t.match(repair, /-- No repair ran\./);
  t.match(repair, /billing_payment" failed and was rolled back/);
  t.same(statements(renderRollbackSql(stuckRun)), []);
});

t.test('plan mode: the planned SQL under a header saying nothing ran', async (t) => {
  const repair = renderRepairSql(planRun);
  t.match(repair.split('\n')[0], /PLAN MODE\. NOTHING RAN/);
  t.same(statements(repair), ['ALTER TABLE "test_schema"."user_profile_about_item" SET SCHEMA "public";']);
  const rollback = renderRollbackSql(planRun);
  t.match(rollback, /NOTHING RAN, so there is nothing to roll back/);
  t.same(statements(rollback), []);
});

t.test('a hostile finding name cannot break out of its comment', async (t) => {
  const name = 'x\n\\! touch /tmp/pwned\nDROP TABLE users;\r-- ok';
  const action = { ...moveAction('user_profile_badge', 0, 1), findings: [collected(relationFinding(name))] as const };
  const hostile: RunResult = {
    ...greenRun,
    rounds: [{ ...greenRun.rounds[0]!, repairs: [{ action, status: 'applied', warnings: [] }] }],
  };
  for (const sql of [renderRepairSql(hostile), renderRollbackSql(hostile)]) {
    t.same(statements(sql).filter((l) => !l.startsWith('ALTER TABLE')), [], 'no line but the ALTER runs');
    t.notMatch(sql, /^\\!/m, 'no psql meta-command');
    t.notMatch(sql, /^DROP/m);
    t.match(sql, /x\\u000a\\! touch/, 'the name is kept, its line break escaped');
  }
});
