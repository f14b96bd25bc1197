/**
 * The incident's drift as real DDL, matching the fixtures' SQL: the tables a bad `search_path`
 * put in test_schema (with indexes, constraints, owned sequences, a foreign key, a view), and
 * teams_membership in public missing the column its stale copy in test_schema has.
 * Plus a snapshot of the catalog a person would compare before and after.
 */
import type { TestDatabase } from '../helpers/database.js';

export const DRIFT_SQL = `
CREATE SCHEMA test_schema;
CREATE TABLE public.user_profile (id serial PRIMARY KEY, handle text NOT NULL UNIQUE);
INSERT INTO public.user_profile (handle) VALUES ('alice'), ('bob');

CREATE TABLE test_schema.user_profile_about_item (
  id serial PRIMARY KEY,
  profile_id integer NOT NULL REFERENCES public.user_profile (id),
  title text NOT NULL CONSTRAINT about_title_not_blank CHECK (title <> '')
);
CREATE INDEX user_profile_about_item_profile_idx ON test_schema.user_profile_about_item (profile_id);
INSERT INTO test_schema.user_profile_about_item (profile_id, title) VALUES (1, 'Hi'), (1, 'Work'), (2, 'Hello');

CREATE TABLE test_schema.user_profile_stream_config (
  id bigserial PRIMARY KEY,
  profile_id integer NOT NULL UNIQUE,
  settings jsonb NOT NULL DEFAULT '{}'
);
INSERT INTO test_schema.user_profile_stream_config (profile_id) VALUES (1), (2);
CREATE VIEW test_schema.stream_config_summary AS SELECT profile_id FROM test_schema.user_profile_stream_config;

CREATE TABLE test_schema.user_profile_badge (id serial PRIMARY KEY, label varchar(40) NOT NULL UNIQUE);

CREATE TABLE public.teams_membership (id serial PRIMARY KEY, team_id integer NOT NULL, user_id integer NOT NULL);
INSERT INTO public.teams_membership (team_id, user_id) SELECT 1, g FROM generate_series(1, 5) g;
CREATE TABLE test_schema.teams_membership (
  id serial PRIMARY KEY, team_id integer NOT NULL, user_id integer NOT NULL, left_at timestamptz
);
`;

export interface CatalogSnapshot {
  readonly relations: string[];
  readonly columns: string[];
  readonly indexes: string[];
  readonly constraints: string[];
}

/**
 * Where every relation lives and what it carries, in the two schemas. Columns are compared by
 * name, type, nullability and default (not position: a column dropped and added again gets a new
 * attnum, which no query by name can see).
 */
export async function snapshotCatalog(db: TestDatabase): Promise<CatalogSnapshot> {
  const lines = async (sql: string) => (await db.query<{ line: string }>(sql)).map((r) => r.line);
  const schemas = `('public', 'test_schema')`;
  return {
    relations: await lines(`
      SELECT n.nspname || '.' || c.relname || ' ' || c.relkind::text AS line
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname IN ${schemas} ORDER BY 1`),
    columns: await lines(`
      SELECT n.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
             || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
             || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') AS line
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname IN ${schemas} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1`),
    indexes: await lines(`
      SELECT schemaname || '.' || indexname || ': ' || indexdef AS line
      FROM pg_indexes WHERE schemaname IN ${schemas} ORDER BY 1`),
    constraints: await lines(`
      SELECT n.nspname || '.' || c.relname || '.' || k.conname || ': ' || pg_get_constraintdef(k.oid) AS line
      FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname IN ${schemas} ORDER BY 1`),
  };
}
