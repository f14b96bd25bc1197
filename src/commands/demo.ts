/**
 * `smoke-fix demo`: the embedded default. A throwaway PostgreSQL with a drifted schema, the bundled
 * app on 127.0.0.1, the cascade in apply mode, the report — then everything is shut down.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { EmitEvent } from '../cascade/events.js';
import { loadConfig } from '../config/load.js';
import { secretsOf } from '../config/secrets.js';
import { demoConfigEnv, startDemoApp } from '../demo/demo-app.js';
import { DEMO_SETUP_SQL } from '../demo/fixture.js';
import { startEmbeddedPostgres } from '../embedded/postgres.js';
import { createLogger } from '../util/logger.js';
import { runWithConfig, type RunOutput } from './run.js';

/** config/demo.yaml in the installed package (dist/src/commands → package root). */
export const DEMO_CONFIG = fileURLToPath(new URL('../../../config/demo.yaml', import.meta.url));

export interface DemoOptions {
  /** Default: ./reports in the current folder. */
  readonly reportDir?: string | undefined;
  readonly emit?: EmitEvent | undefined;
  readonly logFile?: string | undefined;
  readonly signal?: AbortSignal | undefined;
}

export async function runDemo(options: DemoOptions = {}): Promise<RunOutput> {
  const reportDir = resolve(options.reportDir ?? 'reports');
  const server = await startEmbeddedPostgres();
  try {
    const admin = new pg.Client({ connectionString: server.url });
    admin.on('error', () => {});
    await admin.connect();
    await admin.query('CREATE DATABASE smoke_fix_demo');
    await admin.end();
    const databaseUrl = server.urlFor('smoke_fix_demo');
    const setup = new pg.Client({ connectionString: databaseUrl });
    setup.on('error', () => {});
    await setup.connect();
    await setup.query(DEMO_SETUP_SQL);
    await setup.end();

    const app = await startDemoApp(databaseUrl);
    try {
      const config = await loadConfig(DEMO_CONFIG, {
        ...process.env,
        ...demoConfigEnv({ baseUrl: app.url, databaseUrl, reportDir }),
      });
      const logger = createLogger({
        destination: options.logFile ?? resolve(reportDir, 'smoke-fix.log'),
        secrets: secretsOf(config),
      });
      return await runWithConfig({ config, emit: options.emit, logger, signal: options.signal });
    } finally {
      await app.close();
    }
  } finally {
    await server.stop();
  }
}
