import t from 'tap';
import { unescapeLayers } from '../../src/diagnose/unescape.js';

t.test('each layer of string escaping is peeled, up to three', async (t) => {
  t.equal(unescapeLayers('{"msg": "relation \\"x\\" does not exist\\nLINE 1"}'), '{"msg": "relation "x" does not exist\nLINE 1"}');
  t.equal(unescapeLayers('relation \\\\\\"x\\\\\\" does not exist'), 'relation "x" does not exist', 'JSON in JSON');
  t.equal(unescapeLayers('relation "x" does not exist \\n kept'), 'relation "x" does not exist \\n kept', 'no \\" : nothing is unescaped');
  const four = 'a' + '\\'.repeat(15) + '"';
  t.equal(unescapeLayers(four), 'a\\"', 'a fourth layer is left');
});
