/**
 * Hand-built RunResults for the reporter tests, shaped like real runs:
 * - `greenRun`: the three-round cascade from the incident (about_item, then stream_config and a
 *   missing column, then badge), an ambiguous name read from a log file, a final green pass;
 * - `stuckRun`: refusals only (ambiguous, not found with a hostile name, an unsafe column), a
 *   repair that failed on a lock timeout, no confirming pass;
 * - `planRun`: plan mode, one planned move, nothing ran.
 * The SQL comes from the planner's own builders (src/repair/sql.ts), so `drift.ts` can run it for real.
 */
import type { FindingSource, SourcedFinding, MissingRelationFinding, MissingColumnFinding } from '../../src/diagnose/types.js';
import { collected } from '../helpers/collected.js';
import type { CatalogRelation, ColumnInfo } from '../../src/db/types.js';
import { addColumnRollbackSql, addColumnSql } from '../../src/repair/sql.js';
import { moveRollbackSql, moveSql } from '../../src/db/set-schema.js';
import type { ProbeSummary, RoundResult, RunResult } from '../../src/result.js';
import type {
  AddColumnAction,
  MoveRelationAction,
  Refusal,
  RepairRecord,
  Verification,
} from '../../src/repair/types.js';

export const LOG_FILE = '/var/log/app/django.log';

interface EndpointSpec {
  readonly name: string;
  readonly path: string;
  readonly auth?: string;
}
export const PROFILE: EndpointSpec = { name: 'public profile', path: '/@alice/' };
export const ABOUT: EndpointSpec = { name: 'about', path: '/@alice/about/' };
export const SETTINGS: EndpointSpec = { name: 'settings', path: '/me/settings/', auth: 'member' };
export const ADMIN: EndpointSpec = { name: 'admin', path: '/admin/', auth: 'admin' };

function probe(ep: EndpointSpec, at: string, status: number, error?: string): ProbeSummary {
  const ok = status === 200;
  return {
    endpoint: ep.name,
    method: 'GET',
    path: ep.path,
    auth: ep.auth,
    status,
    expected: [200],
    ok,
    reason: ok ? undefined : String(status),
    startedAt: at,
    durationMs: ok ? 41 : 187,
    attempts: [{ status, durationMs: ok ? 41 : 187 }],
    bodyTruncated: false,
    contentType: 'text/html; charset=utf-8',
    bodyExcerpt: error ? `<h1>ProgrammingError</h1><pre>${error}</pre>` : '<!doctype html><title>ok</title>',
  };
}

export function relationFinding(name: string): MissingRelationFinding {
  return { kind: 'missing-relation', name, message: `relation "${name}" does not exist`, language: 'en' };
}

function columnFinding(table: string, column: string): MissingColumnFinding {
  return {
    kind: 'missing-column',
    table,
    column,
    message: `column ${table}.${column} does not exist`,
    language: 'en',
  };
}

function fromBody(finding: SourcedFinding['finding'], endpoint: EndpointSpec): SourcedFinding {
  return { finding, source: { type: 'body', endpoint: endpoint.name } };
}

function relation(schema: string, name: string, rowEstimate: number, oid: number): CatalogRelation {
  return { oid, schema, name, kind: 'table', rowEstimate, isPartition: false };
}

export function moveAction(name: string, rows: number, oid: number, sources: FindingSource[] = []): MoveRelationAction {
  return {
    kind: 'move-relation',
    findings: [collected(relationFinding(name), sources)],
    relation: relation('test_schema', name, rows, oid),
    fromSchema: 'test_schema',
    toSchema: 'public',
    sql: moveSql({ kind: 'table', name, fromSchema: 'test_schema', toSchema: 'public' }),
    rollbackSql: moveRollbackSql({ kind: 'table', name, fromSchema: 'test_schema', toSchema: 'public' }),
  };
}

export const LEFT_AT: ColumnInfo = {
  name: 'left_at',
  type: 'timestamp with time zone',
  notNull: false,
  default: null,
  defaultIsConstant: false,
};

export function addColumnAction(sources: FindingSource[] = []): AddColumnAction {
  return {
    kind: 'add-column',
    findings: [collected(columnFinding('teams_membership', 'left_at'), sources)],
    schema: 'public',
    table: 'teams_membership',
    copySchema: 'test_schema',
    column: LEFT_AT,
    sql: addColumnSql({ schema: 'public', table: 'teams_membership', column: LEFT_AT }),
    rollbackSql: addColumnRollbackSql({ schema: 'public', table: 'teams_membership', column: LEFT_AT.name }),
  };
}

function verified(rows: number, indexes: number, constraints: number): Verification {
  return {
    ok: true,
    resolvesInTarget: true,
    rowsBefore: rows,
    rowsAfter: rows,
    indexesBefore: indexes,
    indexesAfter: indexes,
    constraintsBefore: constraints,
    constraintsAfter: constraints,
    problems: [],
  };
}

function applied(
  action: MoveRelationAction | AddColumnAction,
  options: { at: string; verification: Verification; warnings?: string[] },
): RepairRecord {
  return {
    action,
    status: 'applied',
    startedAt: options.at,
    durationMs: 23,
    verification: options.verification,
    warnings: options.warnings ?? [],
  };
}

const BASE = {
  tool: { name: 'smoke-fix', version: '0.1.0' },
  configFile: 'smoke-fix.yaml',
  baseUrl: 'http://127.0.0.1:8000',
  database: 'postgres://app:***@127.0.0.1:5432/app',
  targetSchema: 'public',
  sourceSchemas: ['test_schema'],
} as const;

// ---------------------------------------------------------------- green run: three rounds

const ABOUT_ITEM_ERROR = 'relation "user_profile_about_item" does not exist';

const round1: RoundResult = {
  number: 1,
  startedAt: '2026-11-23T22:10:05.512Z',
  durationMs: 611,
  probes: [
    probe(PROFILE, '2026-11-23T22:10:05.520Z', 500, ABOUT_ITEM_ERROR),
    probe(ABOUT, '2026-11-23T22:10:05.521Z', 500, ABOUT_ITEM_ERROR),
    probe(SETTINGS, '2026-11-23T22:10:05.522Z', 500, ABOUT_ITEM_ERROR),
    probe(ADMIN, '2026-11-23T22:10:05.523Z', 200),
  ],
  findings: [
    fromBody(relationFinding('user_profile_about_item'), PROFILE),
    fromBody(relationFinding('user_profile_about_item'), ABOUT),
    fromBody(relationFinding('user_profile_about_item'), SETTINGS),
    { finding: relationFinding('reports_snapshot'), source: { type: 'log', file: LOG_FILE } },
  ],
  repairs: [
    applied(
      moveAction('user_profile_about_item', 3, 16501, [
        { type: 'body', endpoint: PROFILE.name },
        { type: 'body', endpoint: ABOUT.name },
        { type: 'body', endpoint: SETTINGS.name },
        { type: 'log', file: LOG_FILE, endpoint: PROFILE.name },
      ]),
      {
      at: '2026-11-23T22:10:06.004Z',
      verification: verified(3, 2, 2),
      },
    ),
  ],
  refusals: [
    {
      findings: [collected(relationFinding('reports_snapshot'), [{ type: 'log', file: LOG_FILE }])],
      reason: 'ambiguous',
      detail: 'reports_snapshot exists in test_schema and in archive_schema; move the right one by hand.',
    },
  ],
};

const round2: RoundResult = {
  number: 2,
  startedAt: '2026-11-23T22:10:06.140Z',
  durationMs: 420,
  probes: [
    probe(PROFILE, '2026-11-23T22:10:06.141Z', 500, 'relation "user_profile_stream_config" does not exist'),
    probe(ABOUT, '2026-11-23T22:10:06.142Z', 200),
    probe(SETTINGS, '2026-11-23T22:10:06.143Z', 500, 'column teams_membership.left_at does not exist'),
    probe(ADMIN, '2026-11-23T22:10:06.144Z', 200),
  ],
  findings: [
    fromBody(relationFinding('user_profile_stream_config'), PROFILE),
    fromBody(columnFinding('teams_membership', 'left_at'), SETTINGS),
  ],
  repairs: [
    applied(moveAction('user_profile_stream_config', 2, 16522, [{ type: 'body', endpoint: PROFILE.name }]), {
      at: '2026-11-23T22:10:06.390Z',
      verification: verified(2, 1, 2),
      warnings: ['view test_schema.stream_config_summary still reads the moved table; move or recreate it'],
    }),
    applied(addColumnAction([{ type: 'body', endpoint: SETTINGS.name }]), {
      at: '2026-11-23T22:10:06.431Z',
      verification: { ok: true, resolvesInTarget: true, rowsBefore: 5, rowsAfter: 5, problems: [] },
    }),
  ],
  refusals: [],
};

const round3: RoundResult = {
  number: 3,
  startedAt: '2026-11-23T22:10:06.580Z',
  durationMs: 301,
  probes: [
    probe(PROFILE, '2026-11-23T22:10:06.581Z', 500, 'relation "user_profile_badge" does not exist'),
    probe(ABOUT, '2026-11-23T22:10:06.582Z', 200),
    probe(SETTINGS, '2026-11-23T22:10:06.583Z', 200),
    probe(ADMIN, '2026-11-23T22:10:06.584Z', 200),
  ],
  findings: [fromBody(relationFinding('user_profile_badge'), PROFILE)],
  repairs: [
    applied(moveAction('user_profile_badge', 0, 16544, [{ type: 'body', endpoint: PROFILE.name }]), {
      at: '2026-11-23T22:10:06.790Z',
      verification: verified(0, 1, 1),
    }),
  ],
  refusals: [],
};

export const greenRun: RunResult = {
  ...BASE,
  mode: 'apply',
  startedAt: '2026-11-23T22:10:05.412Z',
  finishedAt: '2026-11-23T22:10:07.050Z',
  durationMs: 1638,
  rounds: [round1, round2, round3],
  final: [
    probe(PROFILE, '2026-11-23T22:10:06.900Z', 200),
    probe(ABOUT, '2026-11-23T22:10:06.901Z', 200),
    probe(SETTINGS, '2026-11-23T22:10:06.902Z', 200),
    probe(ADMIN, '2026-11-23T22:10:06.903Z', 200),
  ],
  outcome: 'green',
  reason: 'Every endpoint answered its expected status after 4 repairs in 3 rounds.',
  exitCode: 0,
  warnings: [],
};

// ---------------------------------------------------------------- stuck run: refusals only

/** A relation name as a hostile page would print it: markdown, HTML and a line break. */
export const HOSTILE_NAME = 'x\n# Owned <script>alert(1)</script> | [click](javascript:alert(1)) **bold** ``` `<img src=x onerror=alert(1)>`';
const BILLING: EndpointSpec = { name: 'billing', path: '/billing/', auth: 'member' };
const SEARCH: EndpointSpec = { name: 'search <b>', path: '/search/?q=x' };
const TEAMS: EndpointSpec = { name: 'teams', path: '/teams/', auth: 'member' };

const hostileFinding = relationFinding(HOSTILE_NAME);
const archivedAt = columnFinding('teams_membership', 'archived_at');
const stuckRefusals: Refusal[] = [
  {
    findings: [collected(relationFinding('billing_invoice'), [{ type: 'body', endpoint: BILLING.name }])],
    reason: 'ambiguous',
    detail: 'billing_invoice exists in test_schema and in legacy_schema; move the right one by hand.',
  },
  {
    findings: [collected(hostileFinding, [{ type: 'body', endpoint: SEARCH.name }])],
    reason: 'not-found',
    detail: `No relation named "${HOSTILE_NAME}" in public or test_schema.`,
  },
  {
    findings: [collected(archivedAt, [{ type: 'body', endpoint: TEAMS.name }])],
    reason: 'unsafe-column',
    detail: 'test_schema.teams_membership.archived_at is NOT NULL without a default; adding it to a full table would fail.',
    suggestedSql:
      'ALTER TABLE "public"."teams_membership" ADD COLUMN "archived_at" timestamp with time zone NOT NULL DEFAULT now();',
  },
];

function stuckRound(number: number, at: string, withFailedRepair: boolean): RoundResult {
  return {
    number,
    startedAt: at,
    durationMs: 350,
    probes: [
      probe(BILLING, at, 500, 'relation "billing_invoice" does not exist'),
      probe(SEARCH, at, 500, hostileFinding.message),
      probe(TEAMS, at, 500, archivedAt.message),
    ],
    findings: [
      fromBody(relationFinding('billing_invoice'), BILLING),
      fromBody(hostileFinding, SEARCH),
      fromBody(archivedAt, TEAMS),
    ],
    repairs: withFailedRepair
      ? [
          {
            action: moveAction('billing_payment', 12, 17001, [{ type: 'log', file: LOG_FILE, endpoint: BILLING.name }]),
            status: 'failed',
            startedAt: at,
            durationMs: 5003,
            error: 'canceling statement due to lock timeout',
            warnings: [],
          },
        ]
      : [],
    refusals: stuckRefusals,
  };
}

export const stuckRun: RunResult = {
  ...BASE,
  mode: 'apply',
  startedAt: '2026-11-24T03:00:00.007Z',
  finishedAt: '2026-11-24T03:00:06.500Z',
  durationMs: 6493,
  rounds: [stuckRound(1, '2026-11-24T03:00:00.100Z', true), stuckRound(2, '2026-11-24T03:00:05.900Z', false)],
  final: [],
  outcome: 'stuck',
  reason: 'Round 2 found nothing it could repair: 3 findings were refused and the errors did not change.',
  exitCode: 1,
  warnings: [`cannot read ${LOG_FILE}: permission denied`],
};

// ---------------------------------------------------------------- plan run: nothing ran

export const planRun: RunResult = {
  ...BASE,
  mode: 'plan',
  startedAt: '2026-11-23T21:58:41.000Z',
  finishedAt: '2026-11-23T21:58:41.700Z',
  durationMs: 700,
  rounds: [
    {
      ...round1,
      startedAt: '2026-11-23T21:58:41.100Z',
      repairs: [
        {
          action: moveAction('user_profile_about_item', 3, 16501, [{ type: 'body', endpoint: PROFILE.name }]),
          status: 'planned',
          warnings: [],
        },
      ],
    },
  ],
  final: [],
  outcome: 'planned',
  reason: 'Plan mode: 1 repair planned, nothing changed.',
  exitCode: 1,
  warnings: [],
};

/** The database was unreachable before anything was probed (exit 3). */
export const environmentErrorRun: RunResult = {
  ...greenRun,
  rounds: [],
  final: [],
  outcome: 'environment-error',
  errorCode: 'DB_UNREACHABLE',
  exitCode: 3,
  reason: 'database 127.0.0.1:5432 unreachable after 3 attempts',
};
