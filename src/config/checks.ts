/**
 * Rules that span several keys, run on the validated value once every key has the right shape:
 * endpoint → auth profile references, unique endpoint names, target vs source schemas, bodies on
 * GET. Positions come from the offsets the validator recorded for each key path.
 */
import { formatPath, type KeyPath, type ProblemCollector } from './problems.js';
import { didYouMean, listOf } from './suggest.js';
import type { EndpointConfig } from './types.js';
import { isSystemSchema } from '../util/system-schema.js';

/**
 * The validated value, which may be partial when other keys had problems: every rule below only
 * uses what is there, so one run reports both shape problems and cross-key ones.
 */
export interface PartialConfig {
  readonly database?: { readonly targetSchema?: string; readonly sourceSchemas?: readonly (string | undefined)[] };
  readonly auth?: Readonly<Record<string, unknown>>;
  readonly endpoints?: readonly (Partial<EndpointConfig> | undefined)[];
  readonly repair?: { readonly djangoMigrations?: Readonly<Record<string, unknown>>; readonly djangoMigrationsApp?: unknown; readonly scope?: string };
  readonly history?: unknown;
}

export interface CrossCheckOptions {
  readonly problems: ProblemCollector;
  /** Offset of each visited key path (from `validateDocument`). */
  readonly offsets: ReadonlyMap<string, number>;
}

export function checkAcrossKeys(config: PartialConfig, options: CrossCheckOptions): void {
  const { problems, offsets } = options;
  // A shorthand endpoint has no `name` node of its own: fall back to the nearest key that has one.
  const offsetOf = (path: KeyPath): number => {
    for (let n = path.length; n > 0; n--) {
      const at = offsets.get(formatPath(path.slice(0, n)));
      if (at !== undefined) return at;
    }
    return 0;
  };
  const report = (path: KeyPath, message: string): void => problems.atOffset(offsetOf(path), path, message);

  const auth = config.auth ?? {};
  const profiles = Object.keys(auth);
  const firstByName = new Map<string, number>();
  (config.endpoints ?? []).forEach((endpoint, i) => {
    if (endpoint === undefined) return;
    if (endpoint.auth !== undefined && config.auth !== undefined && !Object.hasOwn(auth, endpoint.auth)) {
      const known = profiles.length === 0 ? 'no profiles are defined there yet' : `known profiles: ${listOf(profiles)}`;
      report(
        ['endpoints', i, 'auth'],
        `auth profile \`${endpoint.auth}\` is not defined under \`auth\` (${known})${didYouMean(endpoint.auth, profiles)}`,
      );
    }
    const first = endpoint.name === undefined ? undefined : firstByName.get(endpoint.name);
    if (endpoint.name !== undefined && first === undefined) firstByName.set(endpoint.name, i);
    else if (first !== undefined) {
      const line = problems.positionOf(offsetOf(['endpoints', first, 'name'])).line;
      report(['endpoints', i, 'name'], `duplicate endpoint name \`${endpoint.name}\` (also endpoints[${first}], line ${line}): give each endpoint its own \`name\``);
    }
    // undici refuses a body on GET and HEAD; better to say so now than fail mid-run.
    if (endpoint.body !== undefined && (endpoint.method === 'GET' || endpoint.method === 'HEAD')) {
      report(['endpoints', i, 'body'], `a ${endpoint.method} request cannot carry a body: set \`method: POST\` (or PUT, PATCH), or remove \`body\``);
    }
  });

  // Two places for the same repair migrations would write each repair twice: one must go.
  if (config.repair?.djangoMigrationsApp !== undefined && Object.keys(config.repair.djangoMigrations ?? {}).length > 0) {
    report(
      ['repair', 'djangoMigrations'],
      '`repair.djangoMigrations` and `repair.djangoMigrationsApp` both say where repair migrations go: keep `djangoMigrationsApp` (one app you own receives them all) and remove `djangoMigrations`',
    );
  }
  // `scope: history` repairs what the history proves: without a history there is no proof.
  if (config.repair?.scope === 'history' && config.history === undefined && !offsets.has('history')) {
    report(['repair', 'scope'], '`scope: history` needs a `history` section (e.g. `history: { django: { manage: python3 manage.py } }`): add one, or use `scope: errors`');
  }

  // One history is the authority: two readers could disagree on where a table belongs.
  const history = config.history as { django?: unknown; sql?: unknown } | undefined;
  if (history !== undefined && history !== null && typeof history === 'object') {
    const both = history.django !== undefined && history.sql !== undefined;
    if (both) report(['history', 'sql'], '`history.django` and `history.sql` both describe the migration history: keep the one that applied the migrations and remove the other');
    else if (history.django === undefined && history.sql === undefined && !offsets.has('history.django') && !offsets.has('history.sql')) {
      report(['history'], '`history` needs one reader: add `django: { manage: python3 manage.py }` or `sql: { dir: ./migrations, format: flyway }`');
    }
  }

  const seenSchemas = new Set<string>();
  const target = config.database?.targetSchema;
  const systemSchema = (name: string) =>
    `\`${name}\` is a PostgreSQL system schema; smoke-fix never moves anything into or out of pg_catalog, information_schema or pg_*: name your application's schema`;
  if (target !== undefined && isSystemSchema(target)) report(['database', 'targetSchema'], systemSchema(target));
  (config.database?.sourceSchemas ?? []).forEach((name, i) => {
    if (name === undefined) return;
    const path = ['database', 'sourceSchemas', i];
    if (isSystemSchema(name)) {
      report(path, systemSchema(name));
    } else if (name === target) {
      report(path, `\`${name}\` is the target schema; a schema cannot be both the target and a source: remove it here or change \`database.targetSchema\``);
    } else if (seenSchemas.has(name)) {
      report(path, `\`${name}\` is listed twice: remove one`);
    }
    seenSchemas.add(name);
  });
}
