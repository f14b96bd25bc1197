/**
 * THE table of config keys: types, rules, defaults (from `defaults.ts`), examples and
 * descriptions. Validation, the JSON Schema and the reference are all generated from `CONFIG_SPEC`;
 * add a key here and all three know it.
 */
import { readFileSync } from 'node:fs';
import { DEFAULTS } from './defaults.js';
import { fleetFields } from './fleet-spec.js';
import type { Field, IntegerSpec, ListSpec, MapSpec, ObjectSpec, StringSpec } from './spec-types.js';

const nonEmpty = (v: string): string | undefined => (v.trim() === '' ? 'must not be empty' : undefined);

const httpUrl = (v: string): string | undefined => {
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an http:// or https:// URL';
    return undefined;
  } catch {
    return 'must be an http:// or https:// URL, e.g. http://127.0.0.1:8000';
  }
};

// Only the scheme is checked here: libpq accepts many URL shapes, and pg reports the rest when it
// connects. The message never repeats the value, which holds a password.
const postgresUrl = (v: string): string | undefined =>
  /^postgres(ql)?:\/\/\S+$/.test(v) ? undefined : 'must be a PostgreSQL URL of the form postgres://user:password@host:5432/dbname';

const appLabel = (v: string): string | undefined =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(v) ? undefined : 'must be a Django app label (letters, digits, `_`), e.g. ops';

const absolutePath = (v: string): string | undefined =>
  !v.startsWith('/')
    ? 'must start with `/` (it is appended to `baseUrl`)'
    : // Spaces, CR/LF and other control characters cannot be sent in a request line.
      /[\s\u0000-\u001f\u007f]/.test(v)
      ? 'must not contain spaces or control characters (CR, LF, tab): percent-encode them, e.g. `%20` for a space'
      : undefined;

/** A PEM file of certificates, read now so a wrong path fails at load, not mid-run. */
const pemFile = (path: string): string | undefined => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return `cannot read \`${path}\` (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (code ?? 'error')}): give the path of a PEM file of CA certificates`;
  }
  return text.includes('-----BEGIN CERTIFICATE-----') ? undefined : `\`${path}\` holds no PEM certificate (\`-----BEGIN CERTIFICATE-----\`)`;
};

// PostgreSQL silently truncates identifiers longer than NAMEDATALEN-1 bytes; a truncated schema
// name would point the repair at a different schema than the one written.
const schemaName = (v: string): string | undefined =>
  nonEmpty(v) ?? (Buffer.byteLength(v) > 63 ? 'must be at most 63 bytes (PostgreSQL truncates longer names)' : undefined);

/** RFC 9110 token characters: what undici accepts as a header name. */
const HEADER_NAME = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";

const headerName = (v: string): string | undefined =>
  new RegExp(HEADER_NAME).test(v) ? undefined : 'must be a valid HTTP header name (letters, digits, `-`)';

/** `errors`, `data.result.errors`, `errors.0`: keys separated by dots, none empty. */
const JSON_PATH = '^[^.\\s]+(\\.[^.\\s]+)*$';
const jsonPath = (v: string): string | undefined =>
  new RegExp(JSON_PATH).test(v) ? undefined : 'must be a dotted JSON path of keys, e.g. `errors` or `data.result.errors` (no spaces, no empty keys)';

const schema = (description: string): StringSpec => ({ kind: 'string', description, check: schemaName });
const positive = (description: string): IntegerSpec => ({ kind: 'integer', min: 1, description });
const headers = (description: string): MapSpec => ({
  kind: 'map',
  description,
  keyLabel: 'header name',
  keyPattern: HEADER_NAME,
  values: { kind: 'string', description: 'Header value.' },
  // Every header value is treated as a secret: a custom header (`X-Tenant-Key`, `X-Signature`)
  // carries a credential as often as `Authorization` does, and no list of names can know them all.
  // Only standard headers whose values are public by definition are not: masking `text/html` or
  // `smoke-fix` everywhere would blank the report without protecting anything.
  secretKeys: /^(?!(accept|accept-encoding|accept-language|user-agent|content-type|cache-control|pragma|origin|referer|x-requested-with|connection)$)/i,
});

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const status: IntegerSpec = { kind: 'integer', min: 100, max: 599, description: 'An HTTP status code.' };

const endpoint: ObjectSpec = {
  kind: 'object',
  description: 'A page or API call to probe. A plain string is shorthand for `{ name: <path>, path: <path> }`.',
  shorthand: 'path',
  fields: {
    name: {
      spec: { kind: 'string', description: 'Name shown in the report.', check: nonEmpty },
      defaultFrom: 'path',
      example: 'public profile',
    },
    path: {
      spec: { kind: 'string', description: 'Path appended to `baseUrl`; starts with `/`.', check: absolutePath, pattern: '^/' },
      required: true,
      example: '/@alice/',
    },
    method: {
      spec: { kind: 'string', description: 'HTTP method.', enum: METHODS },
      default: DEFAULTS.endpoint.method,
    },
    auth: {
      spec: { kind: 'string', description: 'Name of a profile under `auth`. Without it the request is anonymous.', check: nonEmpty },
      example: 'member',
    },
    expect: {
      spec: {
        kind: 'list',
        description: 'Status (or list of statuses) that counts as success.',
        items: status,
        minItems: 1,
        single: true,
      } satisfies ListSpec,
      default: DEFAULTS.endpoint.expect,
      example: '200',
    },
    headers: { spec: headers('Extra request headers for this endpoint, over `http.headers`.'), default: DEFAULTS.endpoint.headers },
    body: { spec: { kind: 'string', description: 'Request body (for POST, PUT, PATCH).' } },
    graphql: {
      spec: {
        kind: 'boolean',
        description:
          'A GraphQL endpoint: an expected status whose JSON body has a non-empty top-level `errors` array is a failure, and the messages are read for database errors. Off when absent.',
      },
      example: 'true',
    },
    expectNoErrors: {
      spec: {
        kind: 'string',
        description:
          'Dotted path into the JSON body (`errors`, `data.result.errors`): an expected status fails when the value there is a non-empty array or any other non-null value.',
        check: jsonPath,
        pattern: JSON_PATH,
      },
      example: 'data.result.errors',
    },
  },
};

const loginPath: Field = {
  spec: { kind: 'string', description: 'Path of the login form, e.g. `/accounts/login/`.', check: absolutePath, pattern: '^/' },
  required: true,
  example: '/accounts/login/',
};
const username: Field = { spec: { kind: 'string', description: 'User name.', check: nonEmpty }, required: true, example: 'alice' };
const password: Field = {
  spec: { kind: 'string', description: 'Password. Use `${VAR}` to read it from the environment.', secret: 'whole' },
  required: true,
  example: '${ALICE_PW}',
};

const authProfile = {
  kind: 'tagged',
  tag: 'type',
  description: 'How requests of the endpoints that name this profile authenticate.',
  variants: {
    bearer: {
      kind: 'object',
      description: 'Sends `Authorization: Bearer <token>`.',
      fields: { token: { spec: { kind: 'string', description: 'The token.', secret: 'whole' }, required: true, example: '${API_TOKEN}' } },
    },
    basic: {
      kind: 'object',
      description: 'Sends HTTP basic authentication.',
      fields: { username, password },
    },
    header: {
      kind: 'object',
      description: 'Sends one header with a secret value, e.g. `X-Api-Key`.',
      fields: {
        name: {
          spec: { kind: 'string', description: 'Header name.', pattern: HEADER_NAME, check: headerName },
          required: true,
          example: 'X-Api-Key',
        },
        value: { spec: { kind: 'string', description: 'Header value (secret).', secret: 'whole' }, required: true, example: '${API_KEY}' },
      },
    },
    'django-session': {
      kind: 'object',
      description: 'Logs in through a Django login form (CSRF cookie, then POST) and keeps the session cookie.',
      fields: {
        loginPath,
        username,
        password,
        usernameField: {
          spec: {
            kind: 'string',
            description: 'Form field of the user name. Unset: the one text/email input beside the password input of the login form (`login` in allauth), else `username`.',
            check: nonEmpty,
          },
          example: 'email',
        },
        passwordField: {
          spec: { kind: 'string', description: 'Form field of the password.', check: nonEmpty },
          default: DEFAULTS.djangoSession.passwordField,
        },
        next: { spec: { kind: 'string', description: 'Optional `next` value posted with the form.' } },
      },
    },
    form: {
      kind: 'object',
      description:
        'Logs in through any HTML login form (Rails, Laravel, Flask, …): submits the form holding the password input with all its hidden fields (CSRF tokens) and keeps the cookies.',
      fields: {
        loginPath: { ...loginPath, example: '/users/sign_in' },
        username,
        password,
        usernameField: {
          spec: { kind: 'string', description: 'Form field of the user name, e.g. `user[email]` (default: the text input before the password input).', check: nonEmpty },
        },
        passwordField: {
          spec: { kind: 'string', description: "Form field of the password (default: the form's password input).", check: nonEmpty },
        },
        success: {
          spec: {
            kind: 'object',
            description: 'How a successful login is recognised; every check given must hold.',
            fields: {
              cookie: { spec: { kind: 'string', description: 'The login answer sets or changes this cookie, e.g. `_shop_session`.', check: nonEmpty } },
              redirectAwayFrom: { spec: { kind: 'boolean', description: 'The login answer redirects away from the login page.' } },
              textAbsent: { spec: { kind: 'string', description: 'The login answer does not contain this text, e.g. `Invalid`.', check: nonEmpty } },
            },
          },
          default: DEFAULTS.formLogin.success,
          example: '{ cookie: _shop_session }',
        },
      },
    },
  },
} as const;

export const CONFIG_SPEC: ObjectSpec = {
  kind: 'object',
  description: 'smoke-fix configuration: what to probe, which database to repair, and where to write the report.',
  fields: {
    baseUrl: {
      spec: { kind: 'string', description: 'Root URL of the web app under test.', check: httpUrl, pattern: '^https?://', secret: 'url-password' },
      required: true,
      example: 'http://127.0.0.1:8000',
    },
    database: {
      required: true,
      spec: {
        kind: 'object',
        description: 'The PostgreSQL database the app uses.',
        fields: {
          url: {
            spec: {
              kind: 'string',
              description: 'Connection URL (contains a password: use `${DATABASE_URL}`). Never printed.',
              secret: 'url-password',
              check: postgresUrl,
              pattern: '^postgres(ql)?://',
            },
            required: true,
            example: '${DATABASE_URL}',
          },
          targetSchema: { spec: schema('Schema the app reads (where missing tables are moved to).'), default: DEFAULTS.database.targetSchema },
          sourceSchemas: {
            spec: { kind: 'list', description: 'The only schemas anything is moved out of.', items: schema('A schema name.'), minItems: 1 },
            default: DEFAULTS.database.sourceSchemas,
          },
          serverLog: {
            spec: { kind: 'boolean', description: "Also read PostgreSQL's own log through SQL (`pg_read_file`) for errors." },
            default: DEFAULTS.database.serverLog,
          },
          appRole: {
            spec: {
              kind: 'string',
              description: "The role the app connects as: with `serverLog`, only that role's errors in PostgreSQL's log are read (default: any role of this database).",
              check: schemaName,
            },
          },
          lockTimeoutMs: { spec: positive('`lock_timeout` of each repair transaction, ms.'), default: DEFAULTS.database.lockTimeoutMs },
          statementTimeoutMs: {
            spec: positive('`statement_timeout` of each repair transaction, ms.'),
            default: DEFAULTS.database.statementTimeoutMs,
          },
          connectRetries: {
            spec: positive('Connection attempts before the database counts as unreachable (exit 3).'),
            default: DEFAULTS.database.connectRetries,
          },
          lockRetries: {
            spec: {
              kind: 'integer',
              min: 0,
              description:
                'Retries of a repair that waited `lockTimeoutMs` for a lock another session holds, with exponential backoff and jitter (about a minute in all by default); then the blocking session is reported, never ended.',
            },
            default: DEFAULTS.database.lockRetries,
          },
        },
      },
    },
    auth: {
      spec: { kind: 'map', description: 'Named login profiles; each endpoint may pick one.', keyLabel: 'profile name', values: authProfile },
      default: DEFAULTS.auth,
    },
    endpoints: {
      spec: { kind: 'list', description: 'The endpoints to probe.', items: endpoint, minItems: 1 },
      required: true,
      example: '[ /health ]',
    },
    http: {
      spec: {
        kind: 'object',
        description: 'How requests are made.',
        fields: {
          concurrency: { spec: positive('Requests in flight at once.'), default: DEFAULTS.http.concurrency },
          timeoutMs: { spec: positive('Per-request timeout (headers and body), ms.'), default: DEFAULTS.http.timeoutMs },
          maxBodyBytes: {
            spec: positive('Bytes of a response body that are read; the rest is drained.'),
            default: DEFAULTS.http.maxBodyBytes,
          },
          retries: {
            // 0 is meaningful here (fail on the first refused connection), unlike the other counts.
            spec: { kind: 'integer', min: 0, description: 'Retries of a transport failure (refused, reset, timeout, 502/503/504).' },
            default: DEFAULTS.http.retries,
          },
          headers: { spec: headers('Headers sent with every request.'), default: DEFAULTS.http.headers },
          retryWindowMs: {
            spec: {
              kind: 'integer',
              min: 0,
              description: 'Transport failures are retried (back-off up to 1 s) for at least this long, ms, so an app restarting is waited for; `0` for `retries` only.',
            },
            default: DEFAULTS.http.retryWindowMs,
          },
          caFile: {
            spec: { kind: 'string', description: 'PEM file of CA certificates trusted for an https `baseUrl`, besides the public ones (relative to the config file).', isPath: true, checkFile: pemFile },
            example: 'certs/internal-ca.pem',
          },
          insecure: {
            spec: { kind: 'boolean', description: 'Accept any TLS certificate. For tests only: warned about on stderr and in report.md.' },
            default: DEFAULTS.http.insecure,
          },
        },
      },
    },
    repair: {
      spec: {
        kind: 'object',
        description: 'What the repair stage may do.',
        fields: {
          mode: {
            spec: { kind: 'string', description: '`plan` prints the SQL and changes nothing; `apply` runs it.', enum: ['plan', 'apply'] },
            default: DEFAULTS.repair.mode,
          },
          maxRounds: { spec: positive('Rounds of probe → repair before giving up.'), default: DEFAULTS.repair.maxRounds },
          djangoMigrations: {
            spec: {
              kind: 'map',
              description: '`app_label: migrations folder`: write a Django RunSQL migration per repaired object.',
              keyLabel: 'app label',
              keyPattern: '^[A-Za-z_][A-Za-z0-9_]*$',
              values: { kind: 'string', description: 'Migrations folder (relative to the config file).', check: nonEmpty, isPath: true },
            },
            default: DEFAULTS.repair.djangoMigrations,
          },
          verifyRowCounts: {
            spec: {
              kind: 'boolean',
              description:
                'Count every row (`count(*)`) before and after each move. Off: a move rewrites no data, so it is verified by OID, relfilenode and the row estimate, and only small tables are counted.',
            },
            default: DEFAULTS.repair.verifyRowCounts,
          },
          djangoMigrationsApp: {
            spec: {
              kind: 'object',
              description:
                'One app the project owns: every repair migration is written into its migrations folder, depending on the latest applied migration of each repaired app (from `django_migrations`). Use it instead of `djangoMigrations` when tables belong to packaged apps, whose next release would collide with a number written into their folder.',
              fields: {
                app: {
                  spec: { kind: 'string', description: 'App label of the owned app, e.g. `ops`.', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', check: appLabel },
                  required: true,
                  example: 'ops',
                },
                dir: {
                  spec: { kind: 'string', description: 'Its migrations folder (relative to the config file).', check: nonEmpty, isPath: true },
                  required: true,
                  example: 'ops/migrations',
                },
              },
            },
            // Absent means not set: never filled in as an empty section (nor in a fleet target).
            optional: true,
          },
          scope: {
            spec: {
              kind: 'string',
              description: '`errors`: repair what the probes\' errors name; `history`: everything the migration history (`history`) proves misplaced, in round 1.',
              enum: ['errors', 'history'],
            },
            default: DEFAULTS.repair.scope,
          },
        },
      },
    },
    logs: {
      spec: {
        kind: 'list',
        description: 'Application log files whose new lines are read for errors (relative to the config file).',
        items: { kind: 'string', description: 'A log file.', check: nonEmpty, isPath: true },
      },
      default: DEFAULTS.logs,
    },
    history: {
      optional: true,
      spec: {
        kind: 'object',
        description: "The app's own migration history: the authority on where each table belongs. Exactly one of `django` or `sql`.",
        fields: {
          django: {
            optional: true,
            example: '{ manage: python3 manage.py }',
            spec: {
              kind: 'object',
              description: "A Django project: its applied migrations and the SQL `sqlmigrate` would print, read in one `manage.py shell` process.",
              fields: {
                manage: {
                  spec: {
                    kind: 'list',
                    description: 'The command that runs manage.py: a string split like a shell (quotes respected) or a list of words. `shell -c …` is appended.',
                    items: { kind: 'string', description: 'A word of the command.', check: nonEmpty },
                    minItems: 1,
                    splitShell: true,
                  },
                  required: true,
                  example: 'python3 manage.py',
                },
                cwd: {
                  spec: { kind: 'string', description: "Folder the command runs in (relative to the config file); default the config file's folder.", check: nonEmpty, isPath: true },
                  default: DEFAULTS.history.django.cwd,
                },
                env: {
                  spec: {
                    kind: 'map',
                    description: "Added to the command's minimal environment (PATH, HOME, LANG, …; none of smoke-fix's own variables), e.g. `DJANGO_SETTINGS_MODULE`, `DATABASE_URL`.",
                    keyLabel: 'environment variable',
                    keyPattern: '^[A-Za-z_][A-Za-z0-9_]*$',
                    values: { kind: 'string', description: 'Value.' },
                    // Masked in messages: the project's stderr is quoted when it fails to start.
                    secretKeys: /pass|secret|token|key|credential|dsn|_url$/i,
                  },
                  default: DEFAULTS.history.django.env,
                },
                readTimeoutMs: {
                  spec: positive('The whole read is stopped after this long (exit 3), ms.'),
                  default: DEFAULTS.history.django.readTimeoutMs,
                },
              },
            },
          },
          sql: {
            optional: true,
            example: '{ dir: ./migrations, format: flyway }',
            spec: {
              kind: 'object',
              description:
                "A folder of plain-SQL migrations: the files recorded as applied in the tool's own history table (read-only) are replayed in the order the tool applied them.",
              fields: {
                dir: {
                  spec: { kind: 'string', description: 'The migrations folder (relative to the config file).', check: nonEmpty, isPath: true },
                  required: true,
                  example: './migrations',
                },
                format: {
                  spec: {
                    kind: 'string',
                    description:
                      'The tool that applied them: `flyway` (`V<version>__<desc>.sql`, `R__<desc>.sql`; table `flyway_schema_history`), `golang-migrate` (`<version>_<name>.up.sql`; `schema_migrations`), `dbmate` (`<version>_<name>.sql`, `-- migrate:up` section; `schema_migrations`), `prisma` (`<name>/migration.sql`; `_prisma_migrations`).',
                    enum: ['flyway', 'golang-migrate', 'dbmate', 'prisma'],
                  },
                  required: true,
                  example: 'flyway',
                },
                table: {
                  spec: {
                    kind: 'string',
                    description:
                      "The tool's history table when not its default name, as `name` or `schema.name`; unqualified, it is looked up in the target schema, then the source schemas.",
                    check: (v: string) => nonEmpty(v) ?? (v.split('.').length > 2 ? 'must be `name` or `schema.name`' : undefined),
                  },
                },
              },
            },
          },
        },
      },
    },
    report: {
      spec: {
        kind: 'object',
        description: 'Where the report goes.',
        fields: {
          dir: {
            spec: { kind: 'string', description: 'Folder of the run reports (relative to the config file).', check: nonEmpty, isPath: true },
            default: DEFAULTS.report.dir,
          },
        },
      },
    },
    ...fleetFields(() => CONFIG_SPEC),
  },
};
