/**
 * Reads a plain-SQL migration folder's history: the tool's own table says which files ran (read
 * only, one short connection), the folder gives their SQL, cut by the PostgreSQL parser.
 */
import type { SqlHistoryConfig, SqlHistoryFormat } from '../../config/types.js';
import { openDatabase } from '../../db/connect.js';
import type { MigrationHistory } from '../types.js';
import { readDbmate } from './dbmate.js';
import { readFlyway } from './flyway.js';
import { readGolangMigrate } from './golang-migrate.js';
import { readPrisma } from './prisma.js';
import type { FormatContext, FormatResult } from './reader.js';

const READERS: Record<SqlHistoryFormat, (ctx: FormatContext) => Promise<FormatResult>> = {
  flyway: readFlyway,
  'golang-migrate': readGolangMigrate,
  dbmate: readDbmate,
  prisma: readPrisma,
};

export interface ReadSqlHistoryOptions {
  readonly databaseUrl: string;
  readonly connectRetries: number;
  /** The target schema, then the source schemas: where an unqualified history table is looked for. */
  readonly schemas: readonly string[];
}

export async function readSqlHistory(settings: SqlHistoryConfig, options: ReadSqlHistoryOptions): Promise<MigrationHistory> {
  const started = performance.now();
  const db = await openDatabase({ url: options.databaseUrl, connectRetries: options.connectRetries }, { applicationName: 'smoke-fix history' });
  try {
    const { migrations, warnings } = await READERS[settings.format]({ pool: db.pool, dir: settings.dir, table: settings.table, schemas: options.schemas });
    return { source: settings.format, migrations, warnings, durationMs: Math.round(performance.now() - started) };
  } finally {
    await db.close();
  }
}
