/**
 * The demo's drifted database: the incident of DESIGN.md in miniature. Migrations ran with the
 * wrong search_path, so their tables (with rows, indexes, foreign keys and sequences) sit in
 * `test_schema` while `public` holds the rest. `legacy_import_batch` is a decoy: no page needs it,
 * so smoke-fix must leave it where it is.
 */
import type { AppRoute } from './sql-app.js';
import { hashPassword } from './django-auth/password.js';
import { AUTH_USER_TABLE_SQL, DJANGO_SESSION_TABLE_SQL } from './django-auth/tables.js';

/** The demo's member login (a throwaway database: the password is no secret). */
export const DEMO_MEMBER = { username: 'alice', password: 'alice-demo-password' } as const;

const user = (username: string, password: string, superuser: boolean) =>
  `('${hashPassword(password)}', ${superuser}, '${username}', ${superuser}, true)`;

export const DEMO_SETUP_SQL = `
CREATE SCHEMA test_schema;

SET search_path = public;
${AUTH_USER_TABLE_SQL}
INSERT INTO auth_user (password, is_superuser, username, is_staff, is_active) VALUES
  ${user(DEMO_MEMBER.username, DEMO_MEMBER.password, false)},
  ${user('bob', 'bob-demo-password', false)},
  ${user('root', 'root-demo-password', true)};

-- The sessions table landed in the wrong schema too: the login form itself fails.
SET search_path = test_schema;
${DJANGO_SESSION_TABLE_SQL}
RESET search_path;

CREATE TABLE public.user_profile (
  id serial PRIMARY KEY,
  user_id int NOT NULL UNIQUE REFERENCES public.auth_user(id),
  display_name text NOT NULL
);
INSERT INTO public.user_profile (user_id, display_name) VALUES (1, 'Alice'), (2, 'Bob');

-- Tables that landed in the wrong schema.
CREATE TABLE test_schema.user_profile_about_item (
  id serial PRIMARY KEY,
  profile_id int NOT NULL REFERENCES public.user_profile(id),
  position int NOT NULL,
  body text NOT NULL,
  UNIQUE (profile_id, position)
);
INSERT INTO test_schema.user_profile_about_item (profile_id, position, body)
  SELECT 1 + (g % 2), g, 'about item ' || g FROM generate_series(1, 40) g;

CREATE TABLE test_schema.user_profile_stream_config (
  id bigserial PRIMARY KEY,
  profile_id int NOT NULL REFERENCES public.user_profile(id),
  stream text NOT NULL DEFAULT 'all',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_profile_stream_config_profile_idx ON test_schema.user_profile_stream_config (profile_id);
INSERT INTO test_schema.user_profile_stream_config (profile_id, stream) VALUES (1, 'all'), (2, 'friends');

CREATE TABLE test_schema.user_profile_link (
  id serial PRIMARY KEY,
  profile_id int NOT NULL REFERENCES public.user_profile(id),
  url text NOT NULL UNIQUE
);
INSERT INTO test_schema.user_profile_link (profile_id, url)
  VALUES (1, 'https://alice.example'), (2, 'https://bob.example');

CREATE TABLE test_schema.teams_team (id serial PRIMARY KEY, name text NOT NULL UNIQUE);
INSERT INTO test_schema.teams_team (name) VALUES ('core'), ('ops');

CREATE TABLE test_schema.teams_membership (
  id serial PRIMARY KEY,
  team_id int NOT NULL REFERENCES test_schema.teams_team(id),
  user_id int NOT NULL REFERENCES public.auth_user(id)
);
INSERT INTO test_schema.teams_membership (team_id, user_id) VALUES (1, 1), (1, 2), (2, 3);

-- The decoy: drift that no endpoint needs. It must stay in test_schema.
CREATE TABLE test_schema.legacy_import_batch (id serial PRIMARY KEY, started_at timestamptz);
INSERT INTO test_schema.legacy_import_batch (started_at) VALUES (now());
`;

export const DEMO_ROUTES: readonly AppRoute[] = [
  { path: '/healthz', queries: ['SELECT 1'] },
  {
    // Three tables deep: each repair reveals the next missing one.
    path: '/@alice/',
    queries: [
      `SELECT p.display_name FROM user_profile p JOIN auth_user u ON u.id = p.user_id WHERE u.username = 'alice'`,
      'SELECT body FROM user_profile_about_item WHERE profile_id = 1 ORDER BY position',
      'SELECT stream FROM user_profile_stream_config WHERE profile_id = 1',
      'SELECT url FROM user_profile_link WHERE profile_id = 1',
    ],
  },
  {
    // Behind the member login: probed as alice once the login page works again.
    path: '/me/settings/',
    auth: 'member',
    queries: ['SELECT stream FROM user_profile_stream_config WHERE profile_id = 1'],
  },
  {
    path: '/teams/',
    errorStyle: 'json',
    queries: [
      'SELECT name FROM teams_team ORDER BY name',
      'SELECT t.name, count(*) FROM teams_membership m JOIN teams_team t ON t.id = m.team_id GROUP BY t.name',
    ],
  },
];

/** The relations the demo must move, and the one it must leave alone. */
export const DEMO_EXPECTED = {
  moved: ['user_profile_about_item', 'user_profile_stream_config', 'user_profile_link', 'teams_team', 'teams_membership', 'django_session'],
  decoy: 'legacy_import_batch',
} as const;
