-- The incident: three tables behind one page landed in test_schema; another page needs two more.
-- A decoy in test_schema is needed by nobody and must stay.
CREATE SCHEMA test_schema;
CREATE TABLE public.user_profile (id serial PRIMARY KEY, username text NOT NULL UNIQUE);
INSERT INTO public.user_profile (username) VALUES ('alice'), ('bob');

CREATE TABLE test_schema.user_profile_about_item (
  id serial PRIMARY KEY,
  profile_id int NOT NULL REFERENCES public.user_profile(id),
  position int NOT NULL,
  body text NOT NULL,
  CONSTRAINT about_item_position_positive CHECK (position > 0),
  UNIQUE (profile_id, position)
);
INSERT INTO test_schema.user_profile_about_item (profile_id, position, body)
  SELECT 1 + (g % 2), g, 'item ' || g FROM generate_series(1, 25) g;
CREATE INDEX about_item_body_idx ON test_schema.user_profile_about_item (body);

CREATE TABLE test_schema.user_profile_stream_config (id bigserial PRIMARY KEY, profile_id int NOT NULL, stream text NOT NULL);
INSERT INTO test_schema.user_profile_stream_config (profile_id, stream) VALUES (1, 'all'), (2, 'friends'), (1, 'work');

CREATE TABLE test_schema."UserProfileBadge" (id serial PRIMARY KEY, label text);
INSERT INTO test_schema."UserProfileBadge" (label) VALUES ('early'), ('staff');

CREATE TABLE test_schema.teams_team (id serial PRIMARY KEY, name text NOT NULL);
INSERT INTO test_schema.teams_team (name) VALUES ('core');
CREATE TABLE test_schema.teams_membership (id serial PRIMARY KEY, team_id int REFERENCES test_schema.teams_team(id));
INSERT INTO test_schema.teams_membership (team_id) VALUES (1), (1);

CREATE TABLE test_schema.legacy_import_batch (id serial PRIMARY KEY);
INSERT INTO test_schema.legacy_import_batch DEFAULT VALUES;
