import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { SqlHistoryError } from '../../../src/history/sql/errors.js';
import { listFolder, readText, splitStatements } from '../../../src/history/sql/folder.js';
import { tempDir } from '../../helpers/temp.js';

t.test('the folder sorted by name; a path that is no folder says what to give', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'V2__b.sql'), '');
  await writeFile(join(dir, 'V1__a.sql'), '');
  t.same(await listFolder(dir, 'Flyway'), ['V1__a.sql', 'V2__b.sql']);
  const error = await listFolder(join(dir, 'V1__a.sql'), 'Flyway').catch((e: unknown) => e);
  t.type(error, SqlHistoryError);
  t.match((error as Error).message, /history\.sql\.dir: `.*V1__a\.sql` is not a folder; give the folder holding the Flyway migrations/);
});

t.test('a name from a history row that leads outside the folder is not read', async (t) => {
  const root = await tempDir(t);
  const dir = join(root, 'migrations');
  await mkdir(join(dir, 'sub'), { recursive: true });
  await writeFile(join(dir, 'sub', 'V1__a.sql'), 'SELECT 1;');
  await writeFile(join(root, 'secret.sql'), 'not yours');
  t.equal(await readText(dir, 'sub/V1__a.sql'), 'SELECT 1;');
  t.equal(await readText(dir, '../secret.sql'), undefined);
  t.equal(await readText(dir, join(root, 'secret.sql')), undefined, 'an absolute path');
  t.equal(await readText(`${dir}/`, '../migrations-not/x.sql'), undefined, 'a sibling sharing the prefix');
  t.equal(await readText(dir, 'missing.sql'), undefined);
});

t.test('statements are cut by the grammar, not by every semicolon', async (t) => {
  const sql = `CREATE TABLE a (note text DEFAULT 'x;y'); -- a comment; still one
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;
INSERT INTO a VALUES ('z');`;
  const statements = await splitStatements(sql);
  t.equal(statements.length, 3);
  t.equal(statements[0], "CREATE TABLE a (note text DEFAULT 'x;y');");
  t.equal(statements[1], 'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;');
  t.equal(statements[2], "INSERT INTO a VALUES ('z');");
  t.same(await splitStatements('   '), []);
  t.same(await splitStatements('CREATE TABLE (;'), ['CREATE TABLE (;'], 'a script that does not parse is kept whole');
});
