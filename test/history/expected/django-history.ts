/** The recorded Django 3.2 history (contrib, allauth 0.51, the fixture site's apps): see fixtures/collect_sql.py. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MigrationHistory } from '../../../src/history/types.js';
import { historyOf } from './catalog-shape.js';

export function djangoHistory(): MigrationHistory {
  const file = join(process.cwd(), 'test', 'history', 'expected', 'fixtures', 'django-history.json');
  const data = JSON.parse(readFileSync(file, 'utf8')) as { migrations: Array<{ app: string; name: string; statements: string[] }> };
  return historyOf(data.migrations.map((m) => [`${m.app}.${m.name}`, m.statements] as const));
}
