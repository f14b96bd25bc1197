/**
 * Every command example in `--help` and in README's shell blocks, run as printed (through bash,
 * pipes and all) against a real drifted database and app. Only what cannot exist here is
 * substituted, visibly: the binary, the database URL placeholder and the /etc, /var paths.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { HELP } from '../../src/cli/help.js';
import { startSqlApp } from '../../src/demo/sql-app.js';
import { DEMO_EXPECTED, DEMO_ROUTES, DEMO_SETUP_SQL } from '../../src/demo/fixture.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { BIN } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

stopSharedServerAtEnd(t);

/**
 * Lines under `Example(s):` in each command's help. `fleet-report`'s examples need the shard
 * folders of a real fleet run: test/fleet/fleet.test.ts runs `fleet-report` through the CLI on the
 * output of four real shard processes, so they are left out here.
 */
function helpExamples(): string[] {
  return Object.entries(HELP).filter(([command]) => command !== 'fleet-report').flatMap(([, text]) => {
    const at = text.search(/^Examples?:$/m);
    if (at === -1) return [];
    return text.slice(at).split('\n').slice(1).filter((l) => /^ {2}\S/.test(l)).map((l) => l.trim());
  });
}

/** Lines of README's ```sh and ```cron blocks that run smoke-fix (npm's own commands are not ours to test). */
function readmeExamples(readme: string): string[] {
  const blocks = [...readme.matchAll(/```(?:sh|cron)\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.flatMap((b) => b.split('\n')).filter((l) => /(^|\s)smoke-fix (run|scan|validate|demo)\b/.test(l) && !/npm (test|run)/.test(l)).map((l) => l.trim());
}

/** Turn a printed example into what runs here; every change is a placeholder or a system path. */
function localise(example: string, databaseUrl: string): string {
  return example
    .replace(/^15 3 \* \* \* +/, '') // the cron schedule
    .replace(/#(?![^']*'[^']*$).*$/, '') // a trailing comment (not a # inside quotes)
    .replace(/^npm install && /, '')
    .replace(/(?:\/usr\/bin\/)?(?:npx )?smoke-fix (?=run|scan|validate|demo)/g, `node ${JSON.stringify(BIN)} `)
    .replace(/DATABASE_URL=(?:postgres:\/\/)?…/g, `DATABASE_URL=${JSON.stringify(databaseUrl)}`)
    .replace(/\/etc\/smoke-fix\.yaml/g, 'config.yaml')
    .replace(/\/var\/lib\/smoke-fix/g, 'var-lib-smoke-fix')
    .trim();
}

const hasJq = spawnSync('jq', ['--version']).status === 0;

function bash(command: string, cwd: string, env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', command], { cwd, env: { ...process.env, CI: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

t.test('every example in --help and README runs and ends as its command says', async (t) => {
  const readme = await readFile(join(process.cwd(), 'README.md'), 'utf8');
  const examples = [...new Set([...helpExamples(), ...readmeExamples(readme)])];
  t.ok(examples.length >= 10, `found the examples (${examples.length})`);
  t.ok(examples.some((e) => e.includes('| jq')), 'the jq example is among them');

  // Examples that differ only in a comment or a placeholder run the same command: run it once,
  // named by every example it stands for.
  const byCommand = new Map<string, string[]>();
  for (const example of examples) {
    const command = localise(example, 'DATABASE_URL');
    byCommand.set(command, [...(byCommand.get(command) ?? []), example]);
  }
  t.ok(byCommand.size >= 8, `distinct commands (${byCommand.size})`);

  for (const group of byCommand.values()) {
    const example = group[0]!;
    const skip = example.includes('| jq') && !hasJq ? 'jq is not installed (.ci/run installs it)' : false;
    await t.test(group.join('  ≡  '), { skip }, async (t) => {
      const db = await createTestDatabase(t);
      await db.exec(DEMO_SETUP_SQL);
      const app = await startSqlApp({ databaseUrl: db.url, routes: DEMO_ROUTES });
      t.teardown(() => app.close());
      const dir = await tempDir(t);
      await writeFile(join(dir, 'config.yaml'), `baseUrl: ${app.url}\ndatabase: { url: "\${DATABASE_URL}" }\nendpoints: [/healthz, /@alice/, /teams/]\nreport: { dir: reports }\n`);
      const command = localise(example, db.url);
      // Asynchronously: the app answering the probes runs in this process.
      const run = await bash(command, dir, { DATABASE_URL: db.url });
      // --plan with drift pending exits 1 by contract; everything else here ends green or valid.
      const expected = /--plan/.test(command) ? 1 : 0;
      t.equal(run.status, expected, `${command}\n${run.stderr}`);
      t.notMatch(run.stderr, /^smoke-fix: (?!\d+ endpoint)/m, 'no usage, config or environment error');
      if (example.includes('| jq')) {
        t.same(run.stdout.trim().split('\n').sort(), [...DEMO_EXPECTED.moved, DEMO_EXPECTED.decoy].sort(), 'jq printed every misplaced name');
      }
    });
  }
});
