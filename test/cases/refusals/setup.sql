-- Every finding here must be refused and reported, with nothing changed.
CREATE SCHEMA test_schema;
CREATE SCHEMA archive;
CREATE SCHEMA other;
CREATE TABLE public.users (id serial PRIMARY KEY, name text);
INSERT INTO public.users (name) VALUES ('alice');
-- ambiguous: in two allowed source schemas
CREATE TABLE test_schema.orders (id int);
CREATE TABLE archive.orders (id int);
-- outside sourceSchemas
CREATE TABLE other.invoices_old (id int);
-- already in the target (the app's error says otherwise; see routes.json)
CREATE TABLE public.invoices (id int);
CREATE TABLE test_schema.invoices (id int);
-- a stale copy with a NOT NULL column and no default: unsafe to add on a table with rows
CREATE TABLE public.teams_membership (id serial PRIMARY KEY, team text);
INSERT INTO public.teams_membership (team) VALUES ('core'), ('ops');
CREATE TABLE test_schema.teams_membership (id serial PRIMARY KEY, team text, joined_at timestamptz NOT NULL);
