/**
 * Reading a Django project's history: ONE `manage.py shell` process for the whole project.
 * A throwaway project is generated in a temp folder: Django's contrib apps (18 migrations) plus
 * 8 generated apps of 40 small migrations each (CreateModel, AddField NOT NULL with a default,
 * AlterField, AddIndex, a model with a foreign key), migrated for real into a fresh database.
 * The same database is read with 0, 2 and 8 of the apps installed (18, 98 and 338 migrations),
 * median of 5 reads each:
 *   - the 98-migration read is the figure the issue asks for;
 *   - the cost of each migration beyond the first 18 (Django's start-up is the rest) must stay
 *     flat from 98 to 338: one carried ProjectState, no process or state rebuild per migration.
 * Each read is checked (migration count, one known statement), so a fast wrong answer fails.
 *
 *   node dist/test/bench/history-django.bench.js     # needs /usr/bin/python3 with Django and psycopg2
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DjangoHistoryConfig } from '../../src/config/types.js';
import { readDjangoHistory } from '../../src/history/django/index.js';
import type { MigrationHistory } from '../../src/history/types.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { djangoUnavailable, PYTHON } from '../helpers/django-site.js';
import { median, printTable, timeRuns, type Target, runBench } from './measure.js';

const APPS = 8;
const MIGRATIONS_PER_APP = 40;
/** Apps installed for the 80+ read the issue asks about (contrib + 2 × 40 = 98 migrations). */
const SMALL_APPS = 2;
const RUNS = 5;
/**
 * Measured on 2 shared cores: see README.md (test/bench). The limits leave room for a slower
 * machine; a process per migration (~0.5 s of Django start-up each) would be far above them.
 */
const MAX_READ_MS = 15_000;
/** Marginal ms per migration from 98 to 338 ÷ from 18 to 98: ≈ 1 when linear, ≈ 4 when quadratic. */
const MAX_PER_MIGRATION_RATIO = 2;

function migrationSource(app: string, i: number): string {
  const previous = i === 1 ? '[]' : `[('${app}', '${String(i - 1).padStart(4, '0')}_step')]`;
  let operation: string;
  if (i === 1) {
    operation = `migrations.CreateModel(name='Thing', fields=[('id', models.AutoField(auto_created=True, primary_key=True, serialize=False)), ('name', models.CharField(max_length=50))])`;
  } else if (i % 5 === 0) {
    operation = `migrations.AlterField(model_name='thing', name='name', field=models.CharField(max_length=${50 + i}))`;
  } else if (i % 7 === 0) {
    operation = `migrations.CreateModel(name='Extra${i}', fields=[('id', models.AutoField(auto_created=True, primary_key=True, serialize=False)), ('thing', models.ForeignKey(on_delete=models.CASCADE, to='${app}.thing'))])`;
  } else if (i % 9 === 0) {
    operation = `migrations.AddIndex(model_name='thing', index=models.Index(fields=['name'], name='${app}_idx_${i}'))`;
  } else {
    operation = `migrations.AddField(model_name='thing', name='f${i}', field=models.IntegerField(default=${i}))`;
  }
  return `from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = ${previous}\n    operations = [${operation}]\n`;
}

/** The project: manage.py, settings (INSTALLED_APPS from BENCH_APPS), and the generated apps. */
async function generateProject(dir: string): Promise<string[]> {
  const apps = Array.from({ length: APPS }, (_, k) => `gen${k + 1}`);
  await mkdir(join(dir, 'benchsite'), { recursive: true });
  await writeFile(join(dir, 'benchsite', '__init__.py'), '');
  await writeFile(
    join(dir, 'manage.py'),
    `import os, sys\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'benchsite.settings')\nfrom django.core.management import execute_from_command_line\nexecute_from_command_line(sys.argv)\n`,
  );
  await writeFile(
    join(dir, 'benchsite', 'settings.py'),
    `import os
SECRET_KEY = 'bench'
USE_TZ = True
DEFAULT_AUTO_FIELD = 'django.db.models.AutoField'
# Only migrations are read: the admin's template and middleware needs do not matter here.
SILENCED_SYSTEM_CHECKS = ['admin.E403', 'admin.E406', 'admin.E408', 'admin.E409', 'admin.E410']
INSTALLED_APPS = ['django.contrib.admin', 'django.contrib.auth', 'django.contrib.contenttypes', 'django.contrib.sessions'] + [a for a in os.environ['BENCH_APPS'].split(',') if a]
DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': os.environ['DB_NAME'], 'USER': os.environ['DB_USER'],
  'PASSWORD': os.environ.get('DB_PASSWORD', ''), 'HOST': os.environ['DB_HOST'], 'PORT': os.environ['DB_PORT']}}
`,
  );
  for (const app of apps) {
    await mkdir(join(dir, app, 'migrations'), { recursive: true });
    await writeFile(join(dir, app, '__init__.py'), '');
    await writeFile(join(dir, app, 'migrations', '__init__.py'), '');
    for (let i = 1; i <= MIGRATIONS_PER_APP; i++) {
      await writeFile(join(dir, app, 'migrations', `${String(i).padStart(4, '0')}_step.py`), migrationSource(app, i));
    }
  }
  return apps;
}

function run(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}:\n${stderr}`))));
  });
}

function check(history: MigrationHistory, apps: readonly string[]): void {
  const expected = 18 + apps.length * MIGRATIONS_PER_APP;
  if (history.migrations.length !== expected) throw new Error(`read ${history.migrations.length} migrations, expected ${expected}`);
  if (apps.length === 0) return;
  const step2 = history.migrations.find((m) => m.id === `${apps[0]}.0002_step`);
  const want = `ALTER TABLE "${apps[0]}_thing" ADD COLUMN "f2" integer DEFAULT 2 NOT NULL;`;
  if (step2?.statements[0] !== want) throw new Error(`${apps[0]}.0002_step: got ${JSON.stringify(step2?.statements)}, expected ${want} first`);
}

await runBench(async (teardowns) => {
  const skip = await djangoUnavailable();
  if (skip) throw new Error(skip);
  stopSharedServerAtEnd(teardowns);
  const dir = await mkdtemp(join(tmpdir(), 'smoke-fix-bench-django-'));
  teardowns.teardown(() => rm(dir, { recursive: true, force: true }));
  const apps = await generateProject(dir);
  const db = await createTestDatabase(teardowns);
  const url = new URL(db.url);
  const dbEnv = {
    DB_NAME: decodeURIComponent(url.pathname.slice(1)),
    DB_USER: decodeURIComponent(url.username),
    DB_PASSWORD: decodeURIComponent(url.password),
    DB_HOST: url.hostname,
    DB_PORT: url.port,
  };
  const setupStarted = performance.now();
  await run(['manage.py', 'migrate', '-v0'], dir, { PATH: '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1', BENCH_APPS: apps.join(','), ...dbEnv });
  const setupSeconds = (performance.now() - setupStarted) / 1000;

  const settings = (installed: readonly string[]): DjangoHistoryConfig => ({
    manage: [PYTHON, 'manage.py'],
    cwd: dir,
    env: { ...dbEnv, BENCH_APPS: installed.join(',') },
    readTimeoutMs: 120_000,
  });
  const sizes = [[], apps.slice(0, SMALL_APPS), apps] as const;
  const figures: { count: number; times: number[] }[] = [];
  for (const installed of sizes) {
    let count = 0;
    const times = await timeRuns({
      runs: RUNS,
      warmup: 1,
      fn: async () => {
        const h = await readDjangoHistory(settings(installed));
        check(h, installed);
        count = h.migrations.length;
      },
    });
    figures.push({ count, times });
  }
  const [base, small, big] = figures as [(typeof figures)[0], (typeof figures)[0], (typeof figures)[0]];
  const marginal = (a: typeof base, b: typeof base): number => (median(b.times) - median(a.times)) / (b.count - a.count);
  const ratio = marginal(small, big) / marginal(base, small);

  console.log(`project: Django contrib + ${APPS} generated apps × ${MIGRATIONS_PER_APP} migrations, migrated in ${setupSeconds.toFixed(1)} s; median of ${RUNS} reads, one process each\n`);
  printTable(
    figures.map((f, i) => ({
      read: `${f.count} applied migrations`,
      'ms (median)': median(f.times),
      'ms (min)': Math.min(...f.times),
      'ms (max)': Math.max(...f.times),
      'marginal ms per migration': i === 0 ? '' : marginal(figures[i - 1]!, f),
    })),
  );
  const targets: Target[] = [
    { name: `read ${small.count} migrations, one process, median`, measured: median(small.times), unit: 'ms', want: 'at-most', limit: MAX_READ_MS },
    { name: `marginal ms per migration, ${small.count}→${big.count} ÷ ${base.count}→${small.count} (linear ≈ 1)`, measured: ratio, unit: '×', want: 'at-most', limit: MAX_PER_MIGRATION_RATIO },
  ];
  return targets;
});
