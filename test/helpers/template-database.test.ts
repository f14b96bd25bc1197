import { randomBytes } from 'node:crypto';
import t from 'tap';
import { createTestDatabase, stopSharedServerAtEnd, withClient } from './database.js';
import { buildFromTemplate } from './template-database.js';

stopSharedServerAtEnd(t);

/** A key no other run has used: templates outlive a test on the server. */
const freshKey = () => `helpers-template-database ${randomBytes(6).toString('hex')}`;

t.test('fresh databases with the same key: built once, each gets its own copy', async (t) => {
  const key = freshKey();
  let builds = 0;
  const build = async (url: string) => {
    builds++;
    await withClient(url, (c) => c.query('CREATE SCHEMA built; CREATE TABLE built.rows (n int); INSERT INTO built.rows VALUES (1), (2)'));
  };
  const a = await createTestDatabase(t);
  const b = await createTestDatabase(t);
  await buildFromTemplate(a.url, key, build);
  await buildFromTemplate(b.url, key, build);
  t.equal(builds, 1, 'the second database was copied, not built');
  t.same(await a.query('SELECT n FROM built.rows ORDER BY n'), [{ n: 1 }, { n: 2 }]);
  t.same(await b.query('SELECT n FROM built.rows ORDER BY n'), [{ n: 1 }, { n: 2 }]);
  await a.exec('INSERT INTO built.rows VALUES (3)');
  t.same(await b.query('SELECT count(*)::int AS n FROM built.rows'), [{ n: 2 }], 'the copies are separate databases');
});

t.test('a database with something in it is built on directly, keeping what it had', async (t) => {
  const key = freshKey();
  let builds = 0;
  const build = async (url: string) => {
    builds++;
    await withClient(url, (c) => c.query('CREATE TABLE built (n int)'));
  };
  await buildFromTemplate((await createTestDatabase(t)).url, key, build);
  const used = await createTestDatabase(t);
  await used.exec('CREATE TABLE mine (n int)');
  await buildFromTemplate(used.url, key, build);
  t.equal(builds, 2, 'built again, on the database itself');
  t.same(await used.query(`SELECT to_regclass('mine')::text AS mine, to_regclass('built')::text AS built`), [{ mine: 'mine', built: 'built' }]);
});

t.test('a failed build leaves no template behind: the next call builds again', async (t) => {
  const key = freshKey();
  let builds = 0;
  const failing = async () => {
    builds++;
    throw new Error('build failed');
  };
  await t.rejects(buildFromTemplate((await createTestDatabase(t)).url, key, failing), /build failed/);
  await t.rejects(buildFromTemplate((await createTestDatabase(t)).url, key, failing), /build failed/);
  t.equal(builds, 2);
});
