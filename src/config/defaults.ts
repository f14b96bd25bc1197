/**
 * Every default of the config, in one place. The key table (`config-spec.ts`) reads them from
 * here, and through it the validator, the JSON Schema and the reference show the same values.
 * Defaults are safe ones: `repair.mode` is `plan`, so nothing is changed unless asked for.
 */
import type { RepairMode, RepairScope } from './types.js';

export const DEFAULTS = {
  database: {
    targetSchema: 'public',
    sourceSchemas: ['test_schema'] as readonly string[],
    serverLog: false,
    lockTimeoutMs: 5000,
    statementTimeoutMs: 60000,
    connectRetries: 3,
    lockRetries: 8,
  },
  auth: {} as Readonly<Record<string, never>>,
  endpoint: {
    method: 'GET' as const,
    expect: [200] as readonly number[],
    headers: {} as Readonly<Record<string, string>>,
  },
  djangoSession: {
    /** Used only when `usernameField` is unset and the login form shows no single candidate. */
    usernameField: 'username',
    passwordField: 'password',
  },
  formLogin: {
    success: { redirectAwayFrom: true } as const,
  },
  http: {
    concurrency: 8,
    timeoutMs: 10000,
    maxBodyBytes: 1048576,
    retries: 3,
    headers: {} as Readonly<Record<string, string>>,
    retryWindowMs: 5000,
    insecure: false,
  },
  repair: {
    mode: 'plan' as RepairMode,
    maxRounds: 20,
    djangoMigrations: {} as Readonly<Record<string, string>>,
    verifyRowCounts: false,
    scope: 'errors' as RepairScope,
  },
  history: {
    django: {
      cwd: '.',
      env: {} as Readonly<Record<string, string>>,
      readTimeoutMs: 120000,
    },
  },
  logs: [] as readonly string[],
  report: {
    dir: 'reports',
  },
  fleet: {
    concurrency: 4,
    canary: 0,
    stopAfterFailures: 0,
  },
} as const;
