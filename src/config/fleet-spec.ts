/**
 * The fleet keys of the key table (`targets`, `targetsFrom`, `fleet`). Kept apart from
 * `config-spec.ts` because a target's shape is *derived* from the top-level keys: every top-level
 * key may be overridden, nothing is required and nothing has a default (an absent key inherits the
 * top-level value, not the default). `config-spec.ts` passes its own table in lazily, so there is
 * no import cycle.
 */
import { DEFAULTS } from './defaults.js';
import type { Field, ObjectSpec, Spec } from './spec-types.js';

/** Keys only the top level may hold: a target cannot nest a fleet, and its folder is chosen by the fleet. */
export const TOP_LEVEL_ONLY = ['targets', 'targetsFrom', 'fleet', 'report'] as const;

/**
 * A target name is also a folder name under `report.dir` and an identifier in junit and shard
 * assignment: a conservative, portable shape.
 */
export const TARGET_NAME = '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$';
const targetName = (v: string): string | undefined =>
  new RegExp(TARGET_NAME).test(v) ? undefined : 'must be 1–100 letters, digits, `.`, `_` or `-`, starting with a letter or digit (it names a folder)';

/** The same spec with nothing required and no defaults, all the way down through objects. */
function overridable(spec: Spec): Spec {
  if (spec.kind !== 'object') return spec;
  const fields: Record<string, Field> = {};
  for (const [name, field] of Object.entries(spec.fields)) {
    const { spec: inner, example, defaultFrom, optional } = field;
    // `optional` is kept: an absent optional section (`history`) is not filled in as an empty one.
    fields[name] = { spec: overridable(inner), ...(example === undefined ? {} : { example }), ...(defaultFrom === undefined ? {} : { defaultFrom }), ...(optional ? { optional } : {}) };
  }
  return { ...spec, fields };
}

function targetSpec(root: () => ObjectSpec): ObjectSpec {
  let fields: Record<string, Field> | undefined;
  return {
    kind: 'object',
    description: 'One target of the fleet: a `name` and any top-level keys it overrides (objects merge key by key, lists replace).',
    // Lazy: the top-level table is still being built when this object is created.
    get fields() {
      if (fields === undefined) {
        fields = {
          name: { spec: { kind: 'string', description: 'Unique name of the target (its report folder).', check: targetName, pattern: TARGET_NAME }, required: true, example: 'eu' },
        };
        for (const [key, field] of Object.entries(root().fields)) {
          if ((TOP_LEVEL_ONLY as readonly string[]).includes(key)) continue;
          const { example, optional } = field;
          fields[key] = { spec: overridable(field.spec), ...(example === undefined ? {} : { example }), ...(optional ? { optional } : {}) };
        }
      }
      return fields;
    },
  };
}

const column = (what: string): Field => ({ spec: { kind: 'string', description: `Column holding ${what}.` }, example: 'schema_name' });

export function fleetFields(root: () => ObjectSpec): Record<string, Field> {
  return {
    targets: {
      spec: { kind: 'list', description: 'Named targets; each inherits the top-level settings and overrides some.', items: targetSpec(root), minItems: 1 },
      example: '[ { name: eu, baseUrl: https://eu.example.com } ]',
    },
    targetsFrom: {
      spec: {
        kind: 'object',
        description: 'One target per row of a query run read-only against the top-level database (schema-per-tenant).',
        fields: {
          query: {
            spec: { kind: 'string', description: 'A read-only SELECT; one target per row.', check: (v) => (v.trim() === '' ? 'must not be empty' : undefined) },
            required: true,
            example: 'select schema_name, domain_url from public.customers_client',
          },
          as: {
            required: true,
            example: '{ targetSchema: schema_name }',
            spec: {
              kind: 'object',
              description: 'Which column gives which setting of the target; the values are checked like the config keys.',
              fields: {
                name: column('the target name (default: the `targetSchema` value)'),
                baseUrl: column('`baseUrl`'),
                targetSchema: column('`database.targetSchema`'),
                sourceSchemas: column('`database.sourceSchemas` (text or text[])'),
                headers: {
                  spec: {
                    kind: 'map',
                    description: 'Header name → column of its value, over `http.headers` (e.g. `Host: domain_url`).',
                    keyLabel: 'header name',
                    keyPattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$",
                    values: { kind: 'string', description: 'Column holding the header value.' },
                  },
                },
              },
            },
          },
        },
      },
    },
    fleet: {
      spec: {
        kind: 'object',
        description: 'How the targets of `targets`/`targetsFrom` run.',
        fields: {
          concurrency: { spec: { kind: 'integer', min: 1, description: 'Targets running at once.' }, default: DEFAULTS.fleet.concurrency },
          canary: {
            spec: { kind: 'integer', min: 0, description: 'The first N targets run first; the rest only if every one ends green (apply mode).' },
            default: DEFAULTS.fleet.canary,
          },
          stopAfterFailures: {
            spec: { kind: 'integer', min: 0, description: 'Start no new target after N failed ones (0: never stop).' },
            default: DEFAULTS.fleet.stopAfterFailures,
          },
        },
      },
    },
  };
}
