import t from 'tap';
import { isSystemSchema } from '../../src/util/system-schema.js';

t.test('pg_* and information_schema are system schemas; app schemas are not', async (t) => {
  for (const s of ['pg_catalog', 'pg_toast', 'pg_temp_3', 'information_schema']) t.ok(isSystemSchema(s), s);
  for (const s of ['public', 'test_schema', 'PG_CATALOG', 'my_pg_schema', 'information_schema_copy']) t.notOk(isSystemSchema(s), s);
});
