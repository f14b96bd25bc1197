/**
 * The loop's logic with a fake world (DESIGN.md: "loop with fakes"); the real pieces are exercised
 * end to end in test/integration. The world: endpoints need tables; a table is usable once it is in
 * `public`; a probe answers 500 naming the first missing table, as a real app does.
 */
import t from 'tap';
import { runCascade } from '../../src/cascade/cascade.js';
import type { CascadeDeps } from '../../src/cascade/deps.js';
import type { Locations } from '../../src/db/locate.js';
import type { RunEvent } from '../../src/cascade/events.js';
import type { EndpointConfig } from '../../src/config/types.js';
import type { CatalogRelation, RelationLocation } from '../../src/db/types.js';
import type { FindingKey } from '../../src/diagnose/types.js';
import type { ProbeResult } from '../../src/probe/types.js';
import { planRepairs } from '../../src/repair/plan.js';
import { moveSql } from '../../src/db/set-schema.js';
import { LockLostError } from '../../src/errors.js';

interface World {
  /** table → schema */
  tables: Map<string, string>;
  needs: Record<string, string[]>;
  /** Tables whose move "succeeds" but the app keeps failing on (a cached connection, say). */
  sticky?: Set<string>;
  unreachable?: boolean;
}

const ep = (name: string): EndpointConfig => ({ name, path: `/${name}/`, method: 'GET', expect: [200], headers: {} });

function fakeDeps(world: World, events: RunEvent[] = []) {
  const probed: string[][] = [];
  const applied: string[] = [];
  const deps: CascadeDeps = {
    async probe(endpoints, onResult) {
      probed.push(endpoints.map((e) => e.name));
      return endpoints.map((e) => {
        const missing = (world.needs[e.name] ?? []).find((tb) => world.tables.get(tb) !== 'public' || world.sticky?.has(tb));
        const status = world.unreachable ? null : missing ? 500 : 200;
        const r: ProbeResult = {
          endpoint: e.name, method: e.method, path: e.path, status, expected: e.expect, ok: status === 200,
          reason: status === 500 ? '500' : undefined, startedAt: new Date(0).toISOString(), durationMs: 1,
          attempts: [{ status, durationMs: 1 }], body: missing ? `relation "${missing}" does not exist` : 'ok',
          bodyTruncated: false, failure: status === null ? { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' } : undefined,
        };
        onResult(r);
        return r;
      });
    },
    async readLogs() {
      return { entries: [], warnings: [] };
    },
    diagnose(text) {
      return [...text.matchAll(/relation "([^"]+)" does not exist/g)].map((m) => ({
        kind: 'missing-relation' as const, name: m[1]!, message: m[0], language: 'en',
      }));
    },
    async locate(findings): Promise<Locations> {
      // Each table its own oid, as in a real catalog: the planner makes one move per oid.
      const oids = [...world.tables.keys()];
      const rel = (schema: string, name: string): CatalogRelation => ({ oid: 1 + oids.indexOf(name), schema, name, kind: 'table', rowEstimate: 1, isPartition: false });
      return {
        relations: new Map(findings.flatMap(({ key, finding: f }): Array<[FindingKey, RelationLocation]> => {
          if (f.kind !== 'missing-relation') return [];
          const schema = world.tables.get(f.name);
          return [[key, { name: f.name, inTarget: schema === 'public' ? rel('public', f.name) : null, inSources: schema === 'test_schema' ? [rel('test_schema', f.name)] : [], elsewhere: [] }]];
        })),
        columns: new Map(),
        objects: new Map(),
      };
    },
    // The real planner: only the world's I/O (probe, logs, catalog, apply) is faked.
    plan: (findings, locations) => planRepairs({ findings, ...locations, targetSchema: 'public', sourceSchemas: ['test_schema'] }),
    async apply(action) {
      if (action.kind === 'move-relation') {
        world.tables.set(action.relation.name, 'public');
        applied.push(action.relation.name);
      }
      return { status: 'applied', startedAt: new Date(0).toISOString(), durationMs: 1, warnings: [] };
    },
    emit: (e) => events.push(e),
    now: () => new Date(0),
  };
  return { deps, probed, applied };
}

/** The SQL the planner writes to move a world table back to public. */
const move = (name: string) => moveSql({ kind: 'table', name, fromSchema: 'test_schema', toSchema: 'public' });

t.test('a three-deep cascade converges, re-probing only failing endpoints, then confirms all', async (t) => {
  const world: World = {
    tables: new Map([['a', 'test_schema'], ['b', 'test_schema'], ['c', 'test_schema'], ['home', 'public']]),
    needs: { profile: ['home', 'a', 'b', 'c'], health: ['home'] },
  };
  const { deps, probed, applied } = fakeDeps(world);
  const r = await runCascade({ endpoints: [ep('health'), ep('profile')], mode: 'apply', maxRounds: 10 }, deps);
  t.equal(r.outcome, 'green');
  t.equal(r.exitCode, 0);
  t.same(applied, ['a', 'b', 'c']);
  t.same(probed, [['health', 'profile'], ['profile'], ['profile'], ['profile'], ['health', 'profile']]);
  t.equal(r.rounds.length, 4);
  t.same(r.final.map((p) => [p.endpoint, p.status]), [['health', 200], ['profile', 200]]);
  t.match(r.reason, /after 3 repair/);
});

t.test('all green at once: one round, nothing repaired', async (t) => {
  const { deps, probed } = fakeDeps({ tables: new Map([['home', 'public']]), needs: { health: ['home'] } });
  const r = await runCascade({ endpoints: [ep('health')], mode: 'apply', maxRounds: 10 }, deps);
  t.equal(r.outcome, 'green');
  t.same(probed, [['health']]);
  t.match(r.reason, /nothing needed repair/);
});

t.test('plan mode plans round 1 and changes nothing', async (t) => {
  const world: World = { tables: new Map([['a', 'test_schema'], ['b', 'test_schema']]), needs: { p: ['a', 'b'] } };
  const { deps, applied } = fakeDeps(world);
  const r = await runCascade({ endpoints: [ep('p')], mode: 'plan', maxRounds: 10 }, deps);
  t.equal(r.outcome, 'planned');
  t.equal(r.exitCode, 1);
  t.same(applied, []);
  t.same(r.rounds[0]!.repairs.map((x) => [x.status, x.action.sql]), [['planned', move('a')]]);
  t.equal(world.tables.get('a'), 'test_schema');
});

t.test('a table that is nowhere leaves the run stuck, saying why', async (t) => {
  const { deps } = fakeDeps({ tables: new Map(), needs: { p: ['ghost'] } });
  const r = await runCascade({ endpoints: [ep('p')], mode: 'apply', maxRounds: 10 }, deps);
  t.equal(r.outcome, 'stuck');
  t.equal(r.exitCode, 1);
  t.match(r.reason, /relation "ghost" \(not-found\)/);
  t.equal(r.rounds[0]!.refusals.length, 1);
});

t.test('a repair that does not change the error is called out, not retried forever', async (t) => {
  const world: World = { tables: new Map([['a', 'test_schema']]), needs: { p: ['a'] }, sticky: new Set(['a']) };
  const { deps, applied } = fakeDeps(world);
  const r = await runCascade({ endpoints: [ep('p')], mode: 'apply', maxRounds: 10 }, deps);
  t.equal(r.outcome, 'stuck');
  t.same(applied, ['a']);
  t.match(r.reason, /repair of relation "a" in round 1 did not change the error/);
});

t.test('maxRounds stops a cascade deeper than allowed', async (t) => {
  const world: World = { tables: new Map([['a', 'test_schema'], ['b', 'test_schema'], ['c', 'test_schema']]), needs: { p: ['a', 'b', 'c'] } };
  const { deps, applied } = fakeDeps(world);
  const r = await runCascade({ endpoints: [ep('p')], mode: 'apply', maxRounds: 2 }, deps);
  t.equal(r.outcome, 'max-rounds');
  t.equal(r.exitCode, 1);
  t.same(applied, ['a', 'b']);
  t.match(r.reason, /maxRounds \(2\).*p/);
});

t.test('an app that answers nothing is an environment error (exit 3)', async (t) => {
  const { deps } = fakeDeps({ tables: new Map(), needs: {}, unreachable: true });
  const r = await runCascade({ endpoints: [ep('p')], mode: 'apply', maxRounds: 3 }, deps);
  t.equal(r.outcome, 'environment-error');
  t.equal(r.exitCode, 3);
  t.equal(r.errorCode, 'TARGET_UNREACHABLE');
  t.match(r.reason, /ECONNREFUSED/);
});

t.test('events tell the story in order', async (t) => {
  const events: RunEvent[] = [];
  const { deps } = fakeDeps({ tables: new Map([['a', 'test_schema']]), needs: { p: ['a'] } }, events);
  await runCascade({ endpoints: [ep('p')], mode: 'apply', maxRounds: 5 }, deps);
  t.same(
    events.map((e) => e.type),
    ['round-start', 'probe', 'findings', 'repair', 'round-start', 'probe'],
  );
});

t.test('an interrupt stops the run between two changes, keeping what was done', async (t) => {
  const world: World = { tables: new Map([['a', 'test_schema'], ['b', 'test_schema']]), needs: { p: ['a'], q: ['b'] } };
  const { deps, applied } = fakeDeps(world);
  const controller = new AbortController();
  const apply = deps.apply;
  // SIGTERM arrives while the first repair of the round runs.
  deps.apply = async (action) => {
    const out = await apply(action);
    controller.abort('SIGTERM');
    return out;
  };
  const r = await runCascade({ endpoints: [ep('p'), ep('q')], mode: 'apply', maxRounds: 10, signal: controller.signal }, deps);
  t.equal(r.outcome, 'environment-error');
  t.equal(r.errorCode, 'INTERRUPTED');
  t.equal(r.exitCode, 3);
  t.same(applied, ['a'], 'the second change was not started');
  t.equal(world.tables.get('b'), 'test_schema');
  t.same(r.rounds[0]!.repairs.map((x) => x.status), ['applied'], 'the applied change is in the result');
  t.match(r.reason, /Interrupted \(SIGTERM\) in round 1 with 1 repair\(s\) applied/);
});

t.test('the last allowed round is confirmed: a fix in round maxRounds still ends green', async (t) => {
  const world: World = { tables: new Map([['a', 'test_schema']]), needs: { p: ['a'] } };
  const { deps, applied } = fakeDeps(world);
  const r = await runCascade({ endpoints: [ep('p')], mode: 'apply', maxRounds: 1 }, deps);
  t.same(applied, ['a']);
  t.equal(r.outcome, 'green', r.reason);
  t.equal(r.exitCode, 0);
  t.same(r.final.map((p) => p.status), [200]);
});

t.test('a lost lock mid-round keeps the committed change of that round in the result', async (t) => {
  const world: World = { tables: new Map([['a', 'test_schema'], ['b', 'test_schema']]), needs: { p: ['a'], q: ['b'] } };
  const { deps, applied } = fakeDeps(world);
  const apply = deps.apply;
  let calls = 0;
  deps.apply = async (action) => {
    calls += 1;
    if (calls === 2) throw new LockLostError('The connection holding the smoke-fix repair lock was lost');
    return apply(action);
  };
  const r = await runCascade({ endpoints: [ep('p'), ep('q')], mode: 'apply', maxRounds: 5 }, deps);
  t.equal(r.exitCode, 3);
  t.equal(r.errorCode, 'LOCK_LOST');
  t.same(applied, ['a']);
  t.same(r.rounds[0]?.repairs.map((x) => [x.action.sql, x.status]), [[move('a'), 'applied']], 'the committed move is reported');
});

t.test('a committed repair whose verification failed is never hidden behind green', async (t) => {
  const world: World = { tables: new Map([['a', 'test_schema']]), needs: { p: ['a'] } };
  const { deps } = fakeDeps(world);
  const apply = deps.apply;
  deps.apply = async (action) => ({
    ...(await apply(action)),
    verification: { ok: false, resolvesInTarget: true, rowsBefore: 10, rowsAfter: 9, problems: ['row count changed from 10 to 9'] },
  });
  const r = await runCascade({ endpoints: [ep('p')], mode: 'apply', maxRounds: 5 }, deps);
  t.equal(r.outcome, 'green', 'every endpoint passes');
  t.match(r.reason, /1 committed repair\(s\) failed verification/);
  t.match(r.warnings.join('\n'), /move test_schema.a → public" was committed but its verification failed: row count changed from 10 to 9/);
});

t.test('an internal error after a committed change still ends with a result that lists the change', async (t) => {
  const world: World = { tables: new Map([['a', 'test_schema'], ['b', 'test_schema']]), needs: { p: ['a', 'b'] } };
  const { deps, applied } = fakeDeps(world);
  const locate = deps.locate;
  let calls = 0;
  deps.locate = async (findings) => {
    calls += 1;
    if (calls === 2) throw new TypeError('boom');
    return locate(findings);
  };
  const r = await runCascade({ endpoints: [ep('p')], mode: 'apply', maxRounds: 5 }, deps);
  t.same(applied, ['a']);
  t.equal(r.errorCode, 'INTERNAL_ERROR');
  t.equal(r.exitCode, 1);
  t.match(r.reason, /internal error \(boom\) after 1 applied repair/);
  t.same(r.rounds[0]?.repairs.map((x) => x.status), ['applied'], 'the committed change is in the result');
  t.match(r.warnings.join('\n'), /TypeError: boom/);
});
