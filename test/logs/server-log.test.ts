import { randomBytes } from 'node:crypto';
import pg from 'pg';
import t from 'tap';
import { ServerLogReader } from '../../src/logs/server-log.js';
import type { LogEntry } from '../../src/logs/types.js';
import { createTestDatabase, stopSharedServerAtEnd, type TestDatabase } from '../helpers/database.js';

stopSharedServerAtEnd(t);

interface Teardown {
  teardown(fn: () => unknown): void;
}

// One log file name per second (pg-HHMMSS.log), so that pg_rotate_logfile() really switches files.
const COLLECTOR = {
  logging_collector: 'on',
  log_destination: 'stderr',
  log_line_prefix: '%m [%p] %q%u@%d ',
  log_directory: 'log',
  log_filename: 'pg-%H%M%S.log',
};
const LOG_FILE = /^log\/pg-\d{6}\.log$/;

async function connect(t: Teardown, url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  t.teardown(() => client.end());
  return client;
}

/** Makes the server log a real error: a query on a table that is not there, from its own connection. */
async function failQuery(db: TestDatabase, table: string): Promise<void> {
  await db.query(`SELECT * FROM ${table}`).then(
    () => Promise.reject(new Error(`${table} unexpectedly exists`)),
    (e: Error) => {
      if (!e.message.includes('does not exist')) throw e;
    },
  );
}

/**
 * Reads until `done` holds: the logging collector writes what backends send it a moment later,
 * as it would for a real app.
 */
async function readUntil(reader: ServerLogReader, done: (entries: LogEntry[]) => boolean) {
  const entries: LogEntry[] = [];
  const warnings: string[] = [];
  const deadline = Date.now() + 10_000;
  do {
    const got = await reader.readNew();
    entries.push(...got.entries);
    warnings.push(...got.warnings);
    if (done(entries)) break;
    await new Promise((r) => setTimeout(r, 50));
  } while (Date.now() < deadline);
  return { entries, warnings };
}

/** A role that may log in to `db` and nothing more; its URL. */
async function createLoginRole(db: TestDatabase): Promise<{ role: string; url: string }> {
  const role = `smoke_fix_reader_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  await db.exec(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
  const url = new URL(db.url);
  url.username = role;
  url.password = password;
  return { role, url: url.toString() };
}

t.test('server log with logging_collector on', async (t) => {
  const db = await createTestDatabase(t, { settings: COLLECTOR });
  const admin = await connect(t, db.url);

  await t.test('errors of other connections come back, each with its STATEMENT', async (t) => {
    await failQuery(db, 'logged_before_start');
    // Let the collector write it, so "before start" is really before.
    await new Promise((r) => setTimeout(r, 300));
    const reader = await ServerLogReader.start(admin);
    await failQuery(db, 'user_profile_about_item');
    const { entries, warnings } = await readUntil(reader, (es) =>
      es.some((e) => e.text.includes('user_profile_about_item')),
    );
    t.same(warnings, []);
    const entry = entries.find((e) => e.text.includes('relation "user_profile_about_item" does not exist'));
    t.ok(entry, 'the error is read from the server log');
    t.equal(entry?.source, 'server-log');
    t.match(entry?.file, LOG_FILE, 'the file as PostgreSQL names it');
    t.match(entry?.text, /ERROR: {2}relation "user_profile_about_item" does not exist[^\n]*\n[^\n]*STATEMENT: {2}SELECT \* FROM user_profile_about_item/);
    t.notOk(entries.some((e) => e.text.includes('logged_before_start')), 'nothing from before start');
    t.same((await reader.readNew()).entries, [], 'read once only');
  });

  await t.test('a role without the file functions gets one plain warning whose GRANT fixes it', async (t) => {
    const { role, url } = await createLoginRole(db);
    const app = await connect(t, url);
    const reader = await ServerLogReader.start(app);
    await failQuery(db, 'missing_for_the_app_role');
    const first = await reader.readNew();
    t.same(first.entries, []);
    t.equal(first.warnings.length, 1);
    const warning = first.warnings[0] ?? '';
    t.match(warning, `cannot read PostgreSQL's log: role ${role} may not call pg_current_logfile(text)`);
    t.match(warning, 'or set database.serverLog: false');
    t.equal(reader.unavailableReason, warning);
    t.same(await reader.readNew(), { entries: [], warnings: [] }, 'said once, then quiet');

    // pg_read_server_files only widens WHERE the file functions may read; it does not let a role call them.
    await admin.query(`GRANT pg_read_server_files TO ${role}`);
    const stillRefused = await ServerLogReader.start(app);
    t.same((await stillRefused.readNew()).warnings, [warning], 'pg_read_server_files alone is not enough');

    const grant = /GRANT EXECUTE ON FUNCTION .*? TO "[^"]+"/.exec(warning)?.[0];
    t.ok(grant, 'the warning carries the GRANT to run');
    await admin.query(grant!);
    const granted = await ServerLogReader.start(app);
    await failQuery(db, 'seen_after_the_grant');
    const after = await readUntil(granted, (es) => es.some((e) => e.text.includes('seen_after_the_grant')));
    t.same(after.warnings, []);
    t.ok(after.entries.some((e) => e.text.includes('relation "seen_after_the_grant" does not exist')));
  });

  await t.test('a new log file (rotation) is read from its start after the old one’s tail', async (t) => {
    const reader = await ServerLogReader.start(admin);
    const firstFile = (await admin.query<{ f: string }>(`SELECT pg_current_logfile() AS f`)).rows[0]?.f;
    await failQuery(db, 'in_the_old_file');
    await new Promise((r) => setTimeout(r, 1100));
    await admin.query('SELECT pg_rotate_logfile()');
    // The collector announces the new file asynchronously.
    for (let i = 0; i < 100; i++) {
      const now = (await admin.query<{ f: string }>(`SELECT pg_current_logfile() AS f`)).rows[0]?.f;
      if (now !== firstFile) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await failQuery(db, 'in_the_new_file');
    const { entries, warnings } = await readUntil(reader, (es) => es.some((e) => e.text.includes('in_the_new_file')));
    t.same(warnings, []);
    const old = entries.find((e) => e.text.includes('"in_the_old_file" does not exist'));
    const fresh = entries.find((e) => e.text.includes('"in_the_new_file" does not exist'));
    t.equal(old?.file, firstFile);
    t.not(fresh?.file, firstFile);
    t.match(fresh?.file, LOG_FILE);
  });
});

t.test('logging_collector off: one warning saying so, then nothing', async (t) => {
  const db = await createTestDatabase(t);
  const client = await connect(t, db.url);
  const reader = await ServerLogReader.start(client);
  await failQuery(db, 'not_logged_anywhere_readable');
  const first = await reader.readNew();
  t.same(first.entries, []);
  t.same(first.warnings, [
    "cannot read PostgreSQL's log: logging_collector is off; set logging_collector = on (needs a restart), or set database.serverLog: false",
  ]);
  t.same(await reader.readNew(), { entries: [], warnings: [] });
});
