/**
 * The JSON Schema of the config, for editors (yaml-language-server reads the
 * `# yaml-language-server: $schema=…` line of a config). Built from the same key table as the
 * validator, so the two cannot disagree; committed as `config/smoke-fix.schema.json` by
 * `write-schema.ts`.
 *
 * Draft-07 rather than 2020-12: it is the draft every YAML/JSON editor plugin supports fully.
 */
import { CONFIG_SPEC } from './config-spec.js';
import type { Field, ObjectSpec, Spec } from './spec-types.js';

export type JsonSchema = { readonly [key: string]: unknown };

export function configJsonSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'smoke-fix config',
    ...objectSchema(CONFIG_SPEC),
  };
}

/** The loader fills `${VAR}` before checking types, so any text holding a reference is accepted. */
const REFERENCE: JsonSchema = { type: 'string', pattern: '\\$\\{', description: 'A `${VAR}` or `${VAR:-default}` reference.' };

function orReference(description: string, schema: JsonSchema): JsonSchema {
  return { description, anyOf: [schema, REFERENCE] };
}

function schemaOf(spec: Spec): JsonSchema {
  switch (spec.kind) {
    case 'string': {
      if (spec.enum) return orReference(spec.description, { enum: spec.enum });
      // Unanchored, so `http://${HOST}:8000` and `${DATABASE_URL}` both pass in the editor.
      const pattern = spec.pattern === undefined ? {} : { pattern: `\\$\\{|${spec.pattern}` };
      return { type: 'string', description: spec.description, ...pattern };
    }
    case 'integer': {
      const max = spec.max === undefined ? {} : { maximum: spec.max };
      return orReference(spec.description, { type: 'integer', minimum: spec.min, ...max });
    }
    case 'boolean':
      return orReference(spec.description, { type: 'boolean' });
    case 'object':
      if (spec.shorthand !== undefined) {
        const short = (spec.fields[spec.shorthand] as Field).spec;
        return { description: spec.description, anyOf: [schemaOf(short), objectSchema(spec)] };
      }
      return objectSchema(spec);
    case 'map': {
      const names = spec.keyPattern === undefined ? {} : { propertyNames: { pattern: spec.keyPattern } };
      return { type: 'object', description: spec.description, ...names, additionalProperties: schemaOf(spec.values) };
    }
    case 'list': {
      const min = spec.minItems === undefined ? {} : { minItems: spec.minItems };
      const list = { type: 'array', description: spec.description, items: schemaOf(spec.items), ...min };
      return spec.single || spec.splitShell ? { description: spec.description, anyOf: [schemaOf(spec.items), list] } : list;
    }
    case 'tagged':
      return {
        type: 'object',
        description: spec.description,
        required: [spec.tag],
        properties: { [spec.tag]: { description: 'Kind of profile.', enum: Object.keys(spec.variants) } },
        oneOf: Object.entries(spec.variants).map(([name, variant]) => objectSchema(variant, { [spec.tag]: { const: name } })),
      };
  }
}

function objectSchema(spec: ObjectSpec, extra: Record<string, JsonSchema> = {}): JsonSchema {
  const properties: Record<string, JsonSchema> = { ...extra };
  for (const [name, field] of Object.entries(spec.fields)) {
    const base = schemaOf(field.spec);
    // Examples are YAML snippets (`[ /health ]`); only the plain-text ones are valid JSON examples.
    const examples = field.example === undefined || field.spec.kind !== 'string' ? {} : { examples: [field.example] };
    const fallback =
      field.default !== undefined
        ? { default: field.default }
        : field.defaultFrom !== undefined
          ? { description: `${String(base['description'] ?? '')} Defaults to \`${field.defaultFrom}\`.`.trim() }
          : {};
    properties[name] = { ...base, ...fallback, ...examples };
  }
  const required = [...Object.keys(extra), ...Object.entries(spec.fields).filter(([, f]) => f.required).map(([k]) => k)];
  return {
    type: 'object',
    description: spec.description,
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

/** The schema as committed: stable key order, two-space indent, trailing newline. */
export function configJsonSchemaText(): string {
  return JSON.stringify(configJsonSchema(), null, 2) + '\n';
}
