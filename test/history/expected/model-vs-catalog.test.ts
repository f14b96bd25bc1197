/**
 * Model vs reality: the same statements run in a real PostgreSQL (one schema as the target) and
 * replayed into the model; the catalog read back must equal the model, relation by relation.
 */
import t from 'tap';
import { buildExpectedSchema } from '../../../src/history/expected/index.js';
import { createTestDatabase, stopSharedServerAtEnd, withClient } from '../../helpers/database.js';
import { applyHistory, catalogShape, modelShape } from './catalog-shape.js';
import { djangoHistory } from './django-history.js';
import { featuresHistory } from './features-history.js';

stopSharedServerAtEnd(t);

const cases = [
  { title: 'the whole Django 3.2 contrib + allauth + fixture-site history', history: djangoHistory(), schema: 'app_target' },
  { title: 'renames, a rebuild, implicit names, identity, views, SET SCHEMA', history: featuresHistory, schema: 'shop_target' },
];

for (const { title, history, schema } of cases) {
  t.test(title, async (t) => {
    const db = await createTestDatabase(t);
    const catalog = await withClient(db.url, async (client) => {
      await applyHistory(client, schema, history);
      return catalogShape(client, schema);
    });
    const model = await buildExpectedSchema(history, { targetSchema: schema });
    t.same(model.unfollowed, [], 'every statement followed');
    t.ok(Object.keys(catalog).length > 5, `${Object.keys(catalog).length} relations in the catalog`);
    t.same(Object.keys(modelShape(model)).sort(), Object.keys(catalog).sort(), 'the same relations');
    const shapes = modelShape(model);
    for (const name of Object.keys(catalog)) t.same(shapes[name], catalog[name], name);
  });
}
