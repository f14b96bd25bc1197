/**
 * The demo's app and config environment in one place, so `smoke-fix demo` and the tests that
 * replay the demo run exactly the same thing.
 */
import { startSqlApp, type RunningApp } from './sql-app.js';
import { createDjangoAuth } from './django-auth/handlers.js';
import { DEMO_MEMBER, DEMO_ROUTES } from './fixture.js';

export function startDemoApp(databaseUrl: string): Promise<RunningApp> {
  return startSqlApp({
    databaseUrl,
    routes: DEMO_ROUTES,
    errorStyle: 'django-debug',
    auth: (pool) => createDjangoAuth({ pool, loginPath: '/accounts/login/' }),
  });
}

/** What config/demo.yaml reads from the environment. */
export function demoConfigEnv(input: { baseUrl: string; databaseUrl: string; reportDir: string }): Record<string, string> {
  return {
    DEMO_BASE_URL: input.baseUrl,
    DEMO_DATABASE_URL: input.databaseUrl,
    SMOKE_FIX_REPORT_DIR: input.reportDir,
    DEMO_MEMBER_PASSWORD: DEMO_MEMBER.password,
  };
}
