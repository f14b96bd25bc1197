-- Issue 4: other kinds of relation, and a column that only a stale copy in test_schema has.
CREATE SCHEMA test_schema;
CREATE TABLE public.members (id serial PRIMARY KEY, name text NOT NULL, active boolean NOT NULL DEFAULT true);
INSERT INTO public.members (name) VALUES ('alice'), ('bob');
CREATE VIEW test_schema.active_members AS SELECT id, name FROM public.members WHERE active;
CREATE SEQUENCE test_schema.invoice_number_seq START 1000;
CREATE MATERIALIZED VIEW test_schema.member_stats AS SELECT count(*) AS n FROM public.members;
CREATE TABLE test_schema.events (id int NOT NULL, at date NOT NULL, what text) PARTITION BY RANGE (at);
CREATE TABLE test_schema.events_2025 PARTITION OF test_schema.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE test_schema.events_2026 PARTITION OF test_schema.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
INSERT INTO test_schema.events VALUES (1, '2025-06-01', 'a'), (2, '2026-06-01', 'b'), (3, '2026-07-01', 'c');
-- The migration that added left_at ran against the stale copy in test_schema.
CREATE TABLE public.teams_membership (id serial PRIMARY KEY, team text NOT NULL);
INSERT INTO public.teams_membership (team) SELECT 'team ' || g FROM generate_series(1, 10) g;
CREATE TABLE test_schema.teams_membership (id serial PRIMARY KEY, team text NOT NULL, left_at timestamptz, role text NOT NULL DEFAULT 'member');
-- A reporting view nobody probes, built on a table that will move: it must stay, with a warning.
CREATE VIEW test_schema.events_per_day AS SELECT at, count(*) AS n FROM test_schema.events GROUP BY at;
