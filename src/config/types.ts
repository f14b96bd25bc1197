/**
 * The resolved configuration: what `loadConfig` returns after parsing, `${VAR}` interpolation,
 * validation and defaults. Everything downstream takes this (never raw YAML), so every default
 * lives in one place (`config/defaults.ts`). Objects are frozen by the loader.
 */

export type RepairMode = 'plan' | 'apply';
/** `errors`: repair what the probes' errors name; `history`: everything the migration history proves misplaced. */
export type RepairScope = 'errors' | 'history';

export interface BearerAuth {
  readonly type: 'bearer';
  readonly token: string;
}
export interface BasicAuth {
  readonly type: 'basic';
  readonly username: string;
  readonly password: string;
}
export interface HeaderAuth {
  readonly type: 'header';
  readonly name: string;
  readonly value: string;
}
export interface DjangoSessionAuth {
  readonly type: 'django-session';
  /** Path of the login form, e.g. `/accounts/login/`. */
  readonly loginPath: string;
  readonly username: string;
  readonly password: string;
  /** Form field names; unset, the user name field is read from the login form (see probe/login-form.ts). */
  readonly usernameField?: string | undefined;
  readonly passwordField: string;
  /** Optional `next` value posted with the form. */
  readonly next?: string | undefined;
}
/** How a `form` login is known to have worked; every check given must hold. */
export interface FormLoginSuccess {
  /** The login's answer sets (or changes) this cookie. */
  readonly cookie?: string | undefined;
  /** The login's answer redirects somewhere other than the login page. */
  readonly redirectAwayFrom?: boolean | undefined;
  /** The login's answer does not contain this text (e.g. `Invalid email or password`). */
  readonly textAbsent?: string | undefined;
}
export interface FormAuth {
  readonly type: 'form';
  /** Path of the page holding the login form, e.g. `/users/sign_in`. */
  readonly loginPath: string;
  readonly username: string;
  readonly password: string;
  /** Form field names; when absent, found from the form (its password input, the text input before it). */
  readonly usernameField?: string | undefined;
  readonly passwordField?: string | undefined;
  readonly success: FormLoginSuccess;
}
export type AuthProfile = BearerAuth | BasicAuth | HeaderAuth | DjangoSessionAuth | FormAuth;

export interface EndpointConfig {
  readonly name: string;
  /** Path relative to `baseUrl`, always starting with `/`. */
  readonly path: string;
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  /** Name of an entry in `auth`, or undefined for an anonymous request (no cookies, no auth header). */
  readonly auth?: string | undefined;
  /** Statuses that count as success. Default `[200]`. */
  readonly expect: readonly number[];
  /** Extra request headers for this endpoint (merged over `http.headers`). */
  readonly headers: Readonly<Record<string, string>>;
  /** Optional request body (for POST/PUT/PATCH). */
  readonly body?: string | undefined;
  /** A GraphQL endpoint: a non-empty top-level `errors` array in the JSON body is a failure. Off when absent. */
  readonly graphql?: boolean | undefined;
  /** Dotted JSON path whose value must be absent, null or an empty array for the endpoint to pass. */
  readonly expectNoErrors?: string | undefined;
}

export interface DatabaseConfig {
  /** Connection string. Contains a password: never log it; use `redactUrl` from `util/redact.ts`. */
  readonly url: string;
  readonly targetSchema: string;
  readonly sourceSchemas: readonly string[];
  /** Read PostgreSQL's own log through SQL (`pg_read_file`) for errors. */
  readonly serverLog: boolean;
  /** With `serverLog`: only this role's records count (default: any role of this database). */
  readonly appRole?: string | undefined;
  /** `SET LOCAL lock_timeout` for each repair transaction. */
  readonly lockTimeoutMs: number;
  /** `SET LOCAL statement_timeout` for each repair transaction. */
  readonly statementTimeoutMs: number;
  /** Connection attempts before the database counts as unreachable (exit 3). */
  readonly connectRetries: number;
  /** Retries of a repair whose `lock_timeout` fired, with exponential backoff and jitter. */
  readonly lockRetries: number;
}

export interface HttpConfig {
  /** Requests in flight at once. Default 8. */
  readonly concurrency: number;
  /** Per-request timeout (headers and body), ms. Default 10000. */
  readonly timeoutMs: number;
  /** Bytes of a response body that are buffered; the rest is drained. Default 1 MiB. */
  readonly maxBodyBytes: number;
  /** Retries of a transport failure (refused, reset, timeout, 502/503/504). Default 3. */
  readonly retries: number;
  /** Headers sent with every request. */
  readonly headers: Readonly<Record<string, string>>;
  /** Transport failures are retried for at least this long (an app restarting). Default 5000. */
  readonly retryWindowMs: number;
  /** Absolute path of a PEM file of CA certificates trusted for https (besides the system's). */
  readonly caFile?: string | undefined;
  /** Accept any TLS certificate (tests only). Default false; warned about on stderr and in report.md. */
  readonly insecure: boolean;
}

export interface RepairConfig {
  readonly mode: RepairMode;
  readonly maxRounds: number;
  /** `{ app_label: migrations folder }`: write a Django RunSQL migration per repaired object. */
  readonly djangoMigrations: Readonly<Record<string, string>>;
  /** Count every row before and after a move, not only on small tables. */
  readonly verifyRowCounts: boolean;
  /** One owned app receiving every repair migration (see migrations/owned-app.ts). */
  readonly djangoMigrationsApp?: { readonly app: string; readonly dir: string } | undefined;
  readonly scope: RepairScope;
}

/** How the Django project's migration history is read (one `manage.py shell` process). */
export interface DjangoHistoryConfig {
  /** The command words that start `manage.py` (`['python3', 'manage.py']`); `shell -c …` is appended. */
  readonly manage: readonly string[];
  /** Absolute folder the command runs in (default: the config file's folder). */
  readonly cwd: string;
  /** Added to the child's minimal environment (settings module, database URL). */
  readonly env: Readonly<Record<string, string>>;
  /** The whole read is stopped after this long (exit 3). */
  readonly readTimeoutMs: number;
}

/** The tools whose plain-SQL migration folders `history.sql` reads. */
export type SqlHistoryFormat = 'flyway' | 'golang-migrate' | 'dbmate' | 'prisma';

/** A folder of plain-SQL migrations and the tool whose history table says which ran. */
export interface SqlHistoryConfig {
  /** Absolute path of the migrations folder. */
  readonly dir: string;
  readonly format: SqlHistoryFormat;
  /** The tool's history table (`name` or `schema.name`) when not its default. */
  readonly table?: string | undefined;
}

/** The app's own migration history, the authority on where each object belongs (exactly one reader). */
export interface HistoryConfig {
  readonly django?: DjangoHistoryConfig | undefined;
  readonly sql?: SqlHistoryConfig | undefined;
}

export interface ReportConfig {
  readonly dir: string;
}

export interface ResolvedConfig {
  /** Absolute path of the config file (for messages; relative paths in it resolve against its folder). */
  readonly file: string;
  readonly baseUrl: string;
  readonly database: DatabaseConfig;
  readonly auth: Readonly<Record<string, AuthProfile>>;
  readonly endpoints: readonly EndpointConfig[];
  readonly http: HttpConfig;
  readonly repair: RepairConfig;
  /** Absolute paths of application log files whose new lines are read for errors. */
  readonly logs: readonly string[];
  readonly report: ReportConfig;
  /** Absent unless the config has a `history` section. */
  readonly history?: HistoryConfig | undefined;
  /** A fleet (see `fleet/`): the run is one per target. Absent for a single target. */
  readonly targets?: readonly TargetOverride[] | undefined;
  readonly targetsFrom?: TargetsFromConfig | undefined;
  readonly fleet: FleetSettings;
}

/** One entry of `targets`: its name and the top-level keys it overrides (merged by `fleet/targets.ts`). */
export interface TargetOverride {
  readonly name: string;
  readonly [key: string]: unknown;
}

/** `targetsFrom`: one target per row of a read-only query against the top-level database. */
export interface TargetsFromConfig {
  readonly query: string;
  /** Setting → column name. */
  readonly as: {
    readonly name?: string | undefined;
    readonly baseUrl?: string | undefined;
    readonly targetSchema?: string | undefined;
    readonly sourceSchemas?: string | undefined;
    readonly headers?: Readonly<Record<string, string>> | undefined;
  };
}

export interface FleetSettings {
  /** Targets running at once. */
  readonly concurrency: number;
  /** The first N targets run first; the rest only if each ended green (apply mode). */
  readonly canary: number;
  /** Start no new target after N failed ones; 0 never stops. */
  readonly stopAfterFailures: number;
}
