import t from 'tap';
import { createTestDatabase, stopSharedServerAtEnd } from './database.js';

stopSharedServerAtEnd(t);

t.test('each call gets its own real database', async (t) => {
  const a = await createTestDatabase(t);
  const b = await createTestDatabase(t);
  t.not(a.name, b.name);
  await a.exec('CREATE TABLE only_in_a (id int)');
  const inA = await a.query(`SELECT to_regclass('only_in_a')::text AS r`);
  const inB = await b.query(`SELECT to_regclass('only_in_a')::text AS r`);
  t.equal(inA[0]?.r, 'only_in_a');
  t.equal(inB[0]?.r, null);
});
