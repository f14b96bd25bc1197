/**
 * locateObjects + the planner on a real PostgreSQL with many routines and types: 2,000 functions
 * (1,000 in public, 1,000 in test_schema, 200 overloaded twice) and 500 enums in test_schema.
 *   - 1,000 function findings and 500 type findings: ONE query per kind per call (counted);
 *   - the same for 1 finding each, to show the cost is per round, not per name;
 *   - planRepairs over the 1,500 answers (pure).
 * Answers are checked (moves vs refusals), so a fast wrong answer does not pass.
 *
 *   node dist/test/bench/locate-objects.bench.js
 */
import { openDatabase } from '../../src/db/connect.js';
import { locateObjects } from '../../src/db/locate-objects.js';
import type { ObjectFinding } from '../../src/diagnose/types.js';
import { planRepairs } from '../../src/repair/plan.js';
import { counting } from '../db/counting-queryable.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { collected } from '../helpers/collected.js';
import { median, printTable, timeRuns, type Target, runBench } from './measure.js';

const RUNS = 15;
const schemas = { targetSchema: 'public', sourceSchemas: ['test_schema'] };
/** Limits with room for a slower machine; a query per name would be far above them. */
const MAX_LOCATE_MS = 150;
const MAX_PLAN_MS = 50;

const CATALOG_SQL = `
CREATE SCHEMA test_schema;
DO $$
BEGIN
  FOR i IN 0..999 LOOP
    EXECUTE format('CREATE FUNCTION public.%I(integer) RETURNS integer LANGUAGE sql AS ''SELECT 1''', 'pub_' || i);
    EXECUTE format('CREATE FUNCTION test_schema.%I(integer) RETURNS integer LANGUAGE sql AS ''SELECT 1''', 'mis_' || i);
  END LOOP;
  FOR i IN 0..199 LOOP EXECUTE format('CREATE FUNCTION test_schema.%I(text) RETURNS integer LANGUAGE sql AS ''SELECT 1''', 'mis_' || i); END LOOP;
  FOR i IN 0..499 LOOP EXECUTE format('CREATE TYPE test_schema.%I AS ENUM (''a'', ''b'')', 'mood_' || i); END LOOP;
END $$;
ANALYZE;
`;

const finding = (name: string, args: string): ObjectFinding => ({ kind: 'missing-function', name, args, routine: 'function', message: `function ${name}(${args}) does not exist`, language: 'en' });
const FINDINGS: ObjectFinding[] = [
  ...Array.from({ length: 800 }, (_, i) => finding(`mis_${i}`, 'integer')), // 200 of them overloaded: still exact
  ...Array.from({ length: 200 }, (_, i) => finding(`mis_${i}`, 'unknown')), // overloaded: ambiguous
  ...Array.from({ length: 500 }, (_, i): ObjectFinding => ({ kind: 'missing-type', name: `mood_${i}`, message: '', language: 'en' })),
];

const COLLECTED = FINDINGS.map((f) => collected(f));

await runBench(async (teardowns) => {
  stopSharedServerAtEnd(teardowns);
  const db = await createTestDatabase(teardowns);
  await db.exec(CATALOG_SQL);
  const database = await openDatabase({ url: db.url, connectRetries: 1 });
  teardowns.teardown(() => database.close());
  const spy = counting(database.pool);

  const objects = await locateObjects(spy, FINDINGS);
  const input = { findings: COLLECTED, relations: new Map(), columns: new Map(), objects: new Map(COLLECTED.map((c, i) => [c.key, objects[i]!])), ...schemas };
  const plan = planRepairs(input);
  const moves = plan.filter((i) => i.type === 'action').length;
  const ambiguous = plan.filter((i) => i.type === 'refusal' && i.refusal.reason === 'ambiguous').length;
  if (moves !== 1300 || ambiguous !== 200) throw new Error(`plan: ${moves} moves, ${ambiguous} ambiguous; expected 1300 and 200`);

  spy.sent.length = 0;
  const locateTimes = await timeRuns({ runs: RUNS, warmup: 2, fn: () => locateObjects(spy, FINDINGS) });
  const queriesPerCall = spy.sent.length / (RUNS + 2);
  const oneTimes = await timeRuns({ runs: RUNS, warmup: 2, fn: () => locateObjects(database.pool, [FINDINGS[0]!, FINDINGS[1400]!]) });
  const planTimes = await timeRuns({ runs: RUNS, warmup: 2, fn: () => planRepairs(input) });

  console.log(`catalog: 2,200 functions, 500 enums; ${FINDINGS.length} findings; median of ${RUNS} runs\n`);
  printTable([
    { call: 'locateObjects, 1,500 findings', 'queries/call': String(queriesPerCall), 'ms (median)': median(locateTimes), 'ms (min)': Math.min(...locateTimes), 'ms (max)': Math.max(...locateTimes) },
    { call: 'locateObjects, 1 function + 1 type', 'queries/call': '2', 'ms (median)': median(oneTimes), 'ms (min)': Math.min(...oneTimes), 'ms (max)': Math.max(...oneTimes) },
    { call: 'planRepairs, 1,500 findings', 'queries/call': '0', 'ms (median)': median(planTimes), 'ms (min)': Math.min(...planTimes), 'ms (max)': Math.max(...planTimes) },
  ]);
  const targets: Target[] = [
    { name: 'locateObjects queries per call (functions and types)', measured: queriesPerCall, unit: 'queries', want: 'exactly', limit: 2 },
    { name: 'locateObjects, 1,500 findings, median', measured: median(locateTimes), unit: 'ms', want: 'at-most', limit: MAX_LOCATE_MS },
    { name: 'planRepairs, 1,500 object findings, median', measured: median(planTimes), unit: 'ms', want: 'at-most', limit: MAX_PLAN_MS },
  ];
  return targets;
});
